from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from anef.certificates.sweeps import issue_due_apis
from anef.sharing.constants import RightVerdict
from anef.sharing.models import ShareCheck, ShareCode
from anef.sharing.services import normalise, share_code_check, share_code_create, share_code_revoke
from anef.testing import make_applicant, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_throttles():
    cache.clear()


def test_a_code_is_short_unambiguous_and_case_insensitive():
    person = make_applicant()
    code = share_code_create(person=person, purpose="work")

    assert len(code.code) == 10
    assert not set(code.code) & set("0O1IL2Z5S8B")
    assert share_code_check(code=code.display.lower(), birth_date=person.date_of_birth) is not None
    assert normalise(" acde-fghj km ") == "ACDEFGHJKM"


def test_the_verifier_sees_the_right_for_the_purpose_only():
    worker = make_applicant(allows_work=True, permit_expires_in_days=200, permit_on_record=True)
    visitor = make_applicant(allows_work=False, permit_expires_in_days=200, permit_on_record=True)

    work_check = share_code_check(
        code=share_code_create(person=worker, purpose="work").code, birth_date=worker.date_of_birth
    )
    no_work = share_code_check(
        code=share_code_create(person=visitor, purpose="work").code, birth_date=visitor.date_of_birth
    )
    housing = share_code_check(
        code=share_code_create(person=visitor, purpose="housing").code, birth_date=visitor.date_of_birth
    )

    assert work_check.result["holds"] is True
    # What the right stands on is part of the answer: the kind of permit and the number of its proof
    # (an employer records them); nothing else of the person's file.
    assert set(work_check.result) == {
        "name", "purpose", "verdict", "holds", "until", "basis", "renewal_pending", "check_again_on",
        "permit_type", "document_type", "number",
    }  # fmt: skip
    assert no_work.result["holds"] is False
    assert no_work.result["verdict"] == RightVerdict.STAY_WITHOUT_WORK
    assert housing.result["holds"] is True


def test_while_a_renewal_filed_in_time_is_pending_the_right_continues_with_a_date_to_check_again():
    person = make_applicant(permit_expires_in_days=61, allows_work=True)
    submitted(person, "student-renewal")
    issue_due_apis(today=timezone.localdate() + timedelta(days=50))
    code = share_code_create(person=person, purpose="work")
    # The permit has expired; the API carries the right.
    from anef.accounts.models import Person

    Person.objects.filter(pk=person.pk).update(permit_expires_on=timezone.localdate() - timedelta(days=1))
    person.refresh_from_db()
    from anef.certificates.models import IssuedDocument

    IssuedDocument.objects.filter(person=person, type="api").update(valid_from=timezone.localdate())

    check = share_code_check(code=code.code, birth_date=person.date_of_birth)

    assert check.result["holds"] is True
    assert check.result["renewal_pending"] is True
    assert check.result["check_again_on"]


def test_expired_and_revoked_codes_and_wrong_birth_dates_all_answer_no_match_alike():
    person = make_applicant()
    expired = share_code_create(person=person, purpose="work")
    ShareCode.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    revoked = share_code_revoke(share_code=share_code_create(person=person, purpose="work"))
    good = share_code_create(person=person, purpose="work")

    assert share_code_check(code=expired.code, birth_date=person.date_of_birth) is None
    assert share_code_check(code=revoked.code, birth_date=person.date_of_birth) is None
    assert share_code_check(code=good.code, birth_date=date(1900, 1, 1)) is None
    assert share_code_check(code="ACDEFGHJKM", birth_date=person.date_of_birth) is None
    assert share_code_check(code=good.code, birth_date=person.date_of_birth) is not None


def test_wrong_guesses_never_lock_the_code_and_each_is_shown_to_the_holder():
    # Replaces "wrong guesses lock the code": a lock let anybody with the code block its holder.
    person = make_applicant()
    code = share_code_create(person=person, purpose="housing")
    for _ in range(20):
        assert share_code_check(code=code.code, birth_date=date(1900, 1, 1)) is None

    assert share_code_check(code=code.code, birth_date=person.date_of_birth) is not None
    assert ShareCheck.objects.filter(share_code=code, result__failed=True).count() == 20


def test_a_guesser_is_refused_for_that_code_while_the_holders_verifier_elsewhere_gets_through(client):
    person = make_applicant(language="en", permit_on_record=True)
    code = share_code_create(person=person, purpose="work")
    url = reverse("public:check_right")
    guesser = {"REMOTE_ADDR": "203.0.113.9", "HTTP_ACCEPT_LANGUAGE": "en"}
    for _ in range(5):
        answer = client.post(url, {"code": code.display, "birth_date": "1900-01-01"}, **guesser)
        assert answer.status_code == 200 and "No match" in answer.content.decode()

    refused = client.post(url, {"code": code.display, "birth_date": "1900-01-02", "verifier": "Agence X"}, **guesser)
    body = refused.content.decode()
    assert refused.status_code == 429
    assert "Too many wrong codes or dates of birth from your connection" in body
    assert 'value="1900-01-02"' in body and 'value="Agence X"' in body  # what was typed is kept
    # Even with the right date of birth, this client waits: the limit does not tell right from wrong.
    assert (
        client.post(url, {"code": code.display, "birth_date": person.date_of_birth.isoformat()}, **guesser).status_code
        == 429
    )

    landlord = client.post(
        url,
        {"code": code.display, "birth_date": person.date_of_birth.isoformat()},
        REMOTE_ADDR="198.51.100.7",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert landlord.status_code == 200 and "The right holds" in landlord.content.decode()
    assert ShareCheck.objects.filter(share_code=code, result__failed=True).count() == 5  # shown to the holder


def test_the_public_page_logs_every_check_shows_it_to_the_holder_and_gives_a_proof(client):
    person = make_applicant(language="en", permit_on_record=True)
    code = share_code_create(person=person, purpose="work")

    page = client.post(
        reverse("public:check_right"),
        {"code": code.display, "birth_date": person.date_of_birth.isoformat(), "verifier": "Boulangerie Dupont"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    body = page.content.decode()
    assert "The right holds" in body and person.full_name in body
    assert person.address_line not in body  # only what the purpose needs
    proof_url = next(part.split('"')[0] for part in body.split('href="') if "/preuve/" in part)
    proof = client.get(proof_url)
    assert proof["Content-Type"] == "application/pdf" and proof.content[:4] == b"%PDF"
    assert client.get(reverse("public:check_right_proof", args=["forged-token"])).status_code == 404

    wrong = client.post(
        reverse("public:check_right"), {"code": code.display, "birth_date": "1900-01-01"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    unknown = client.post(
        reverse("public:check_right"), {"code": "ACDE-FGHJ-KM", "birth_date": "1900-01-01"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "No match" in wrong and "No match" in unknown
    assert wrong.count("No match") == unknown.count("No match")

    client.force_login(person.user)
    space = client.get(reverse("portal:sharing")).content.decode()
    assert "Boulangerie Dupont" in space
    assert "wrong date of birth" in space
    assert ShareCheck.objects.filter(share_code=code, right_holds=True).count() == 1


def test_the_page_throttles_a_client_that_guesses(client):
    for _ in range(10):
        client.post(reverse("public:check_right"), {"code": "ACDE-FGHJ-KM", "birth_date": "1990-01-01"})
    response = client.post(reverse("public:check_right"), {"code": "ACDE-FGHJ-KM", "birth_date": "1990-01-01"})
    assert response.status_code == 429


def test_the_holder_creates_and_revokes_from_their_space(client):
    person = make_applicant()
    client.force_login(person.user)
    client.post(reverse("portal:sharing"), {"purpose": "benefits"})
    code = ShareCode.objects.get(person=person)
    assert code.purpose == "benefits"
    other = make_applicant()
    client.force_login(other.user)
    assert client.post(reverse("portal:sharing"), {"revoke": code.pk}).status_code == 404
    client.force_login(person.user)
    client.post(reverse("portal:sharing"), {"revoke": code.pk})
    code.refresh_from_db()
    assert code.revoked_at is not None
