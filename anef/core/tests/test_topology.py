"""Production on two machines: two gunicorn web processes under production settings, each with a local
folder of its own, on one PostgreSQL and one Redis, behind a round-robin load balancer.

What broke at two machines before (issue 13) is tried through real HTTP: a document issued by one
machine verifies on the other, and both publish the same keys; a session opened on one is valid on
the other; failed sign-ins from one client do not refuse another behind the same balancer; a limit of
N lets exactly N of many simultaneous requests through; both machines say they are ready.
"""

import os
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse

from anef.certificates.constants import DocumentType
from anef.certificates.models import IssuedDocument
from anef.core import signing
from anef.testing import PASSWORD, complete, draft, make_applicant
from anef.testing.production import collected_static, production_environment
from anef.testing.topology import RoundRobinProxy, Visitor, WebMachine


def _applicant(email: str):
    """An applicant whose password production can check (tests hash with MD5 for speed; production
    knows only its own hashers)."""
    person = make_applicant(email=email)
    person.user.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    person.user.save(update_fields=["password"])
    return person


pytestmark = [pytest.mark.postgres_only, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def topology(redis_cache, tmp_path):
    """Machines "a" and "b" and the balancer in front of them; stopped after the test."""
    db = connection.settings_dict
    database_url = f"postgresql://{db['USER']}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"
    shared_key = f"{signing._new_kid()}={signing.b64e(os.urandom(32))}"
    static = str(collected_static())
    machines = []
    try:
        for name in ("a", "b"):
            folder = tmp_path / name
            folder.mkdir()
            env = production_environment(
                DATABASE_URL=database_url,
                ANEF_CACHE_URL=redis_cache,
                ANEF_CACHE_PREFIX=f"topology-{uuid.uuid4().hex}" if not machines else machines[0].cache_prefix,
                ANEF_MEDIA_ROOT=str(folder),  # a local folder of each machine's own
                ANEF_SIGNING_KEYS=shared_key,
                ANEF_TRUSTED_PROXIES="1",
                ANEF_SSL_REDIRECT="false",  # the balancer terminates TLS
                ANEF_ALLOWED_HOSTS="127.0.0.1",
                ANEF_STATIC_ROOT=static,  # collected at release time, the same on every machine
            )
            machine = WebMachine(name, env)
            machine.cache_prefix = env["ANEF_CACHE_PREFIX"]
            machines.append(machine)
        for machine in machines:
            machine.wait_live()
        proxy = RoundRobinProxy([machine.address() for machine in machines])
        try:
            yield machines[0], machines[1], proxy
        finally:
            proxy.stop()
    finally:
        for machine in machines:
            machine.stop()


def test_two_machines_behind_a_balancer_behave_as_one_service(topology):
    a, b, balancer = topology
    lb = balancer.address()

    # Both machines are ready (database, shared cache, storage) and publish the same keys.
    for machine in (a, b):
        ready = Visitor().get(machine.address(), "/health/ready/", headers={"Accept": "application/json"})
        assert ready.status == 200, (ready.text, machine.output())
    keys_a = Visitor().get(a.address(), reverse("public:keys")).text
    assert keys_a == Visitor().get(b.address(), reverse("public:keys")).text
    assert '"kid"' in keys_a

    # A session opened through one machine is valid on the other.
    person = _applicant("applicant@example.org")
    application = complete(draft(person))
    applicant = Visitor(source="127.0.0.2")
    signed_in = applicant.submit(
        a.address(), reverse("account_login"), {"login": "applicant@example.org", "password": PASSWORD}
    )
    assert signed_in.status == 302, [line for line in signed_in.text.splitlines() if "error" in line or "alert" in line]
    served_by = {applicant.get(lb, reverse("portal:dashboard")).backend for _ in range(4)}
    assert served_by == {"0", "1"}
    assert applicant.get(b.address(), reverse("portal:dashboard")).status == 200

    # A document issued on machine a (the filing attestation, on submission) verifies on machine b.
    review = reverse("portal:review", kwargs={"reference": application.reference})
    assert applicant.submit(a.address(), review, {}).status == 302
    document = IssuedDocument.objects.get(application=application, type=DocumentType.ATTESTATION_DEPOT)
    verdict = Visitor(source="127.0.0.5").submit(b.address(), reverse("public:verify"), {"payload": document.payload})
    assert verdict.status == 200
    assert "Valid document" in verdict.text, verdict.text[-3000:]


def test_behind_the_balancer_one_guesser_does_not_lock_out_another_person(topology):
    _a, _b, balancer = topology
    lb = balancer.address()
    _applicant("target@example.org")
    _applicant("neighbour@example.org")
    login = reverse("account_login")

    guesser = Visitor(source="127.0.0.2")
    for _ in range(11):
        guesser.submit(lb, login, {"login": "target@example.org", "password": "wrong"})
    refused = guesser.submit(lb, login, {"login": "neighbour@example.org", "password": PASSWORD})
    assert refused.status != 302 and "Too many failed login attempts" in refused.text

    # Another person behind the same balancer, from another address, signs in; so does the target.
    assert (
        Visitor(source="127.0.0.3").submit(lb, login, {"login": "neighbour@example.org", "password": PASSWORD}).status
        == 302
    )
    assert (
        Visitor(source="127.0.0.4").submit(lb, login, {"login": "target@example.org", "password": PASSWORD}).status
        == 302
    )


def test_a_limit_of_ten_lets_exactly_ten_of_24_simultaneous_checks_through_two_machines(topology):
    _a, _b, balancer = topology
    lb = balancer.address()
    employer = Visitor(source="127.0.0.6")
    form = employer.get(lb, reverse("public:check_right"))
    token = form.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    barrier = threading.Barrier(24)

    def check(_index):
        barrier.wait()
        return employer.request(lb, "POST", reverse("public:check_right"), data={"csrfmiddlewaretoken": token})

    with ThreadPoolExecutor(max_workers=24) as pool:
        answers = list(pool.map(check, range(24)))

    statuses = sorted(answer.status for answer in answers)
    assert statuses == [200] * 10 + [429] * 14
    assert {answer.backend for answer in answers} == {"0", "1"}
    # Another employer is not refused for the first one's checks.
    assert Visitor(source="127.0.0.7").submit(lb, reverse("public:check_right"), {}).status == 200
