"""A double click, a retry or two tabs create one thing and show the same result."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from anef.accounts.constants import Role
from anef.accounts.models import Person
from anef.applications.models import Application
from anef.core.models import SubmissionToken
from anef.core.submit_once import FIELD, sweep_submission_tokens
from anef.messaging.models import Message
from anef.procedures.models import Procedure
from anef.testing import COUNTER_IDENTITY, make_applicant, make_staff, race, submitted

pytestmark = pytest.mark.django_db

IDENTITY = COUNTER_IDENTITY
FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.S | re.I)


def token_of_form(html: str, action: str = "") -> str:
    """The one-time token of the page's POST form whose action contains `action` (as a person's
    browser would send it)."""
    for form in FORM.finditer(html):
        attrs = form["attrs"]
        if 'method="post"' in attrs.lower() and action in attrs:
            found = re.search(rf'name="{FIELD}" value="([^"]+)"', form["body"])
            assert found, f"a POST form without its token: {form[0][:300]}"
            return found[1]
    raise AssertionError(f"no POST form with action {action!r}")


def counter_registration(client):
    counter = make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-69")
    client.force_login(counter)
    page = client.get(reverse("backoffice:counter_register")).content.decode()
    procedure = Procedure.objects.get(code="family-first")
    return counter, {**IDENTITY, "procedure": procedure.pk, FIELD: token_of_form(page)}


def test_a_counter_registration_posted_twice_registers_one_person_and_both_answers_show_it(client):
    _, data = counter_registration(client)

    first = client.post(reverse("backoffice:counter_register"), data)
    second = client.post(reverse("backoffice:counter_register"), data)

    assert Person.objects.filter(last_name="Sylla").count() == 1
    assert Application.objects.filter(person__last_name="Sylla").count() == 1
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    page = client.get(second["Location"]).content.decode()
    code = Person.objects.get(last_name="Sylla").claim_code
    assert code in page  # the flash message with the one claim code, shown again after the duplicate


def test_a_procedure_started_twice_from_one_page_makes_one_draft(client):
    person = make_applicant()
    person.applications.all().delete()
    client.force_login(person.user)
    page = client.get(reverse("public:procedure", args=["student-renewal"])).content.decode()
    token = token_of_form(page, "/commencer/")

    answers = [client.post(reverse("portal:start", args=["student-renewal"]), {FIELD: token}) for _ in range(3)]

    assert person.applications.count() == 1
    assert {a.status_code for a in answers} == {302}
    assert len({a["Location"] for a in answers}) == 1


def test_a_message_sent_twice_is_sent_once(client):
    application = submitted(make_applicant())
    client.force_login(application.person.user)
    page = client.get(reverse("portal:messages", args=[application.reference])).content.decode()
    data = {"body": "Where is my file?", FIELD: token_of_form(page)}

    first = client.post(reverse("portal:messages", args=[application.reference]), data)
    second = client.post(reverse("portal:messages", args=[application.reference]), data)

    assert Message.objects.filter(application=application).count() == 1
    assert first["Location"] == second["Location"]


def test_a_page_shown_again_by_the_back_button_sends_a_different_message_as_new(client):
    application = submitted(make_applicant())
    client.force_login(application.person.user)
    path = reverse("portal:messages", args=[application.reference])
    token = token_of_form(client.get(path).content.decode())

    client.post(path, {"body": "Where is my file?", FIELD: token})
    client.post(path, {"body": "And my card?", FIELD: token})  # the same page, back from the history

    assert set(Message.objects.filter(application=application).values_list("body", flat=True)) == {
        "Where is my file?",
        "And my card?",
    }


def test_a_form_with_errors_releases_its_token_so_the_corrected_form_is_accepted(client):
    _, data = counter_registration(client)

    wrong = client.post(reverse("backoffice:counter_register"), {**data, "last_name": ""})
    corrected = client.post(reverse("backoffice:counter_register"), data)

    assert wrong.status_code == 400
    assert corrected.status_code == 302
    assert Person.objects.filter(last_name="Sylla").count() == 1


def test_two_pages_draw_two_tokens_so_two_deliberate_registrations_are_two(client):
    _, data = counter_registration(client)
    other_page = client.get(reverse("backoffice:counter_register")).content.decode()

    client.post(reverse("backoffice:counter_register"), data)
    client.post(reverse("backoffice:counter_register"), {**data, FIELD: token_of_form(other_page)})

    assert Person.objects.filter(last_name="Sylla").count() == 2


def test_a_duplicate_of_a_request_still_running_is_told_so_and_does_nothing(client, settings):
    settings.ANEF_SUBMISSION_WAIT_SECONDS = 0
    counter, data = counter_registration(client)
    from anef.core.submit_once import _key

    path = reverse("backoffice:counter_register")
    from anef.core.submit_once import _content

    duplicate = RequestFactory().post(path, data)
    content = _content(duplicate, api=False)
    SubmissionToken.objects.create(
        key=_key(user_id=counter.pk, path=path, token=data[FIELD], kind="form", content=content), path=path
    )

    response = client.post(path, data)

    assert response.status_code == 409
    assert "Ce formulaire a déjà été envoyé" in response.content.decode()
    assert not Person.objects.filter(last_name="Sylla").exists()


def test_a_form_without_a_token_still_works(client):
    _, data = counter_registration(client)
    del data[FIELD]
    assert client.post(reverse("backoffice:counter_register"), data).status_code == 302
    assert client.post(reverse("backoffice:counter_register"), data).status_code == 302
    assert Person.objects.filter(last_name="Sylla").count() == 2


def test_old_tokens_are_swept_and_young_ones_kept():
    young = SubmissionToken.objects.create(key="y" * 64, path="/")
    old = SubmissionToken.objects.create(key="o" * 64, path="/")
    SubmissionToken.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(hours=settings.ANEF_SUBMISSION_TOKEN_HOURS + 1)
    )

    assert sweep_submission_tokens() == {"deleted": 1}
    assert sweep_submission_tokens() == {"deleted": 0}
    assert list(SubmissionToken.objects.values_list("pk", flat=True)) == [young.pk]


def _templates():
    roots = [Path(settings.BASE_DIR) / "anef"]
    return [p for root in roots for p in root.rglob("*.html") if "templates" in p.parts]


def test_every_post_form_of_ours_carries_the_token():
    """Every form with method="post" in our templates has {% csrf_token %}, which emits the token."""
    missing = []
    for path in _templates():
        text = path.read_text()
        for form in FORM.finditer(text):
            if 'method="post"' in form["attrs"].lower() and "{% csrf_token %}" not in form["body"]:
                missing.append(f"{path.relative_to(settings.BASE_DIR)}: {form[0][:120]}")
    assert not missing, "\n".join(missing)
    assert sum('method="post"' in p.read_text().lower() for p in _templates()) > 30  # the walk found the forms


def test_the_csrf_tag_emits_a_fresh_token_in_every_form(rf):
    from django.middleware.csrf import get_token
    from django.template import engines

    request = rf.get("/")
    get_token(request)
    template = engines["django"].from_string('<form method="post">{% csrf_token %}</form>' * 2)
    html = template.render({}, request)

    tokens = re.findall(rf'name="{FIELD}" value="([^"]+)"', html)
    assert len(tokens) == 2 and tokens[0] != tokens[1]
    assert "csrfmiddlewaretoken" in html


def test_an_api_write_with_an_idempotency_key_runs_once_and_is_answered_the_same(rf):
    """The API has no write yet: a small view behind the middleware stands for the first one."""
    from django.contrib.auth.models import AnonymousUser
    from django.http import JsonResponse

    from anef.core.submit_once import SubmitOnceMiddleware

    calls = []

    def create(request):
        calls.append(1)
        return JsonResponse({"id": len(calls)}, status=201)

    def send(key):
        request = rf.post("/api/v1/things/", data="{}", content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
        request.user = AnonymousUser()
        middleware = SubmitOnceMiddleware(lambda r: middleware.process_view(r, create, (), {}) or create(r))
        return middleware(request)

    first, second, other = send("k-1"), send("k-1"), send("k-2")

    assert len(calls) == 2
    assert (first.status_code, first.content) == (second.status_code, second.content) == (201, b'{"id": 1}')
    assert second["Idempotent-Replayed"] == "true"
    assert other.content == b'{"id": 2}'


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
def test_eight_simultaneous_posts_of_one_counter_registration_register_one_person():
    counter, data = counter_registration(Client())
    answers = []

    def post():
        client = Client()
        client.force_login(counter)
        answers.append(client.post(reverse("backoffice:counter_register"), data))

    outcomes = race([post] * 8)

    assert outcomes == ["ok"] * 8
    assert Person.objects.filter(last_name="Sylla").count() == 1
    assert Application.objects.filter(person__last_name="Sylla").count() == 1
    assert {a.status_code for a in answers} == {302}
    assert len({a["Location"] for a in answers}) == 1


def _post_as(user, path, data, answers):
    def call():
        client = Client()
        client.force_login(user)
        answers.append(client.post(path, data))

    return call


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
def test_simultaneous_starts_from_one_page_make_one_draft():
    person = make_applicant()
    person.applications.all().delete()
    client = Client()
    client.force_login(person.user)
    page = client.get(reverse("public:procedure", args=["student-renewal"])).content.decode()
    start = {FIELD: token_of_form(page, "/commencer/")}
    answers = []

    assert (
        race([_post_as(person.user, reverse("portal:start", args=["student-renewal"]), start, answers)] * 6)
        == ["ok"] * 6
    )

    assert person.applications.count() == 1
    assert {a.status_code for a in answers} == {302}
    assert len({a["Location"] for a in answers}) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres_only
def test_simultaneous_sends_of_one_message_send_one():
    application = submitted(make_applicant())
    user = application.person.user
    client = Client()
    client.force_login(user)
    path = reverse("portal:messages", args=[application.reference])
    message = {"body": "Where is my file?", FIELD: token_of_form(client.get(path).content.decode())}
    answers = []

    assert race([_post_as(user, path, message, answers)] * 6) == ["ok"] * 6

    assert Message.objects.filter(application=application).count() == 1
    assert {a.status_code for a in answers} == {302}
    assert len({a["Location"] for a in answers}) == 1
