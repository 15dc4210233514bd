"""Every message the service writes, in French and in English: every kind of notification (each event
of the workflow, each reminder, each notice about a mandate, on each channel), the agents' digest,
the helper's invitation and every mail of allauth (sign-up, password reset, ...).

Each link starts with the configured public address (`ANEF_BASE_URL`, never the host a request
used nor a default) and leads to a real page of the site; each text reads as written for people
(anef/testing/reading.py: no ISO date, no code, French spacing, no French in English).
"""

import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import allauth
import pytest
from allauth.account.adapter import get_adapter
from allauth.core import context as allauth_context
from django.core import mail
from django.template.loader import get_template
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation

from anef.accounts.constants import Role
from anef.applications.models import ApplicationEvent
from anef.applications.workflow import EventKind
from anef.assistance.models import Mandate
from anef.assistance.tasks import helper_invitation_send
from anef.notifications.digests import send_agent_digest
from anef.notifications.models import AgentDigest
from anef.notifications.rendering import render_for_event, render_for_person, render_reminder
from anef.testing import PASSWORD, make_applicant, make_helper, make_staff, submitted
from anef.testing.reading import text_problems

pytestmark = pytest.mark.django_db

BASE = "https://anef.test.example"
LINK = re.compile(r"https?://[^\s\"'<>)]+")
TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "notifications"
LANGUAGES = ("fr", "en")


@pytest.fixture(autouse=True)
def _public_address(settings):
    settings.ANEF_BASE_URL = BASE


def faults(text: str, language: str) -> list[str]:
    """What is wrong with the links and the wording of one message."""
    found = []
    for link in LINK.findall(text):
        link = link.rstrip(".,;")
        if not link.startswith(BASE + "/"):
            found.append(f"link not on the public address: {link}")
            continue
        try:
            resolve(urlsplit(link).path)
        except Resolver404:
            found.append(f"link to no page: {link}")
    return found + text_problems(text, language)


def event_payload(application, helper) -> dict:
    """One payload holding every key an event's message reads, with the values the services write."""
    return {
        "deadline": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "requested": ["Justificatif de domicile"],
        "appeal_deadline": (timezone.localdate() + timedelta(days=60)).isoformat(),
        "to_name": "Préfecture de la Gironde",
        "offer": "offer-token",
        "type": "api",
        "document": "API-69-000001",
        "valid_from": timezone.localdate().isoformat(),
        "valid_until": (timezone.localdate() + timedelta(days=90)).isoformat(),
        "starts_at": "04/12/2026 09:00",
        "site": "Préfecture du Rhône",
        "address": "106 rue Pierre Corneille, 69003 Lyon",
        "appointment": "biometrics",
    }


def test_every_event_of_the_workflow_is_told_with_links_on_the_public_address_in_both_languages():
    helper = make_helper()
    found = {}
    for language in LANGUAGES:
        person = make_applicant(language=language)
        application = submitted(person)
        for kind in EventKind:
            for by_helper in (False, True):
                payload = event_payload(application, helper)
                if by_helper:
                    payload["helper_structure"] = helper.structure.name
                event = ApplicationEvent(
                    application=application,
                    sequence=999,
                    kind=kind,
                    actor=helper if by_helper else None,
                    reason="",
                    payload=payload,
                )
                texts = render_for_event(event=event, person=person, application=application)
                for part, text in texts.items():
                    if problems := faults(text, language):
                        found[(language, kind.value, by_helper, part)] = problems
                assert LINK.search(texts["body"]) and LINK.search(texts["sms"]), (kind, language)
    assert not found, "\n".join(f"{key}: {problems}" for key, problems in found.items())


def reminders(application) -> dict[str, dict]:
    site_day = timezone.localtime() + timedelta(days=2)
    return {
        "request_reminder": {"deadline": timezone.localdate() + timedelta(days=3), "requested": ["Passeport"]},
        "appointment_reminder": {
            "when": site_day,
            "site": "Préfecture du Rhône",
            "address": "106 rue Pierre Corneille, 69003 Lyon",
            "appointment": "biometrics",
        },
        "draft_reminder": {"deleted_on": timezone.localdate() + timedelta(days=20)},
        "booking_unserved": {"booking_link": BASE + reverse("portal:booking", args=["token"])},
        "card_uncollected": {},
    }


def person_notices(person, helper) -> dict[str, dict]:
    mandate = Mandate(
        person=person,
        helper=helper,
        structure=helper.structure,
        ends_on=timezone.localdate() + timedelta(days=180),
        origin="online",
    )
    common = {
        "mandate": mandate,
        "helper_name": "Lucie Fontaine",
        "structure": helper.structure.name,
        "link": BASE + reverse("portal:helpers"),
    }
    return {
        "mandate_code": {**common, "code": "123456", "expires_on": timezone.localdate() + timedelta(days=7)},
        "mandate_ended": {**common, "by_person": True},
        "mandate_granted": common,
        "mandate_used": common,
        # Account recovery (accounts/recovery.py).
        "recovery_code": {"code": "123456", "minutes": 15, "link": BASE + reverse("portal:recovery_sms_code")},
        "recovery_code_given": {
            "place": "Préfecture du Rhône",
            "document": "Passeport",
            "number_end": "4X21",
            "expires_on": timezone.localdate() + timedelta(days=7),
            "link": BASE + reverse("portal:recovery_paper"),
        },
        "recovery_done": {
            "how": "SMS",
            "when": timezone.localtime(),
            "second_factor_removed": True,
            "link": BASE + reverse("portal:recovery"),
        },
    }


def test_every_reminder_and_notice_has_its_links_on_the_public_address_in_both_languages():
    helper = make_helper()
    found, kinds = {}, set()
    for language in LANGUAGES:
        person = make_applicant(language=language)
        application = submitted(person)
        rendered = {
            kind: render_reminder(kind=kind, person=person, application=application, **extra)
            for kind, extra in reminders(application).items()
        }
        rendered |= {
            kind: render_for_person(kind=kind, person=person, **extra)
            for kind, extra in person_notices(person, helper).items()
        }
        for kind, texts in rendered.items():
            kinds.add(kind)
            for part, text in texts.items():
                if problems := faults(text, language):
                    found[(language, kind, part)] = problems
            assert LINK.search(texts["body"]), (kind, language)
    assert not found, "\n".join(f"{key}: {problems}" for key, problems in found.items())
    # A new kind of message (a new template) must be added here.
    written = {path.name.removesuffix("_subject.txt") for path in TEMPLATES.glob("*_subject.txt")}
    assert written - {"event", "agent_digest"} == kinds


def test_the_agents_digest_and_the_helpers_invitation_link_to_the_public_address():
    agent = make_staff(role=Role.CASE_AGENT)
    application = submitted(make_applicant())
    digest = AgentDigest.objects.create(
        agent=agent, day=timezone.localdate(), files={application.reference: [EventKind.ANSWER_REQUEST.value]}
    )
    helper = make_helper()
    helper.set_unusable_password()
    helper.save(update_fields=["password"])

    assert send_agent_digest(digest.pk) == "sent"
    assert helper_invitation_send(helper.pk) == "sent"

    assert len(mail.outbox) == 2
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        assert LINK.search(message.body)
        assert not faults(text, "fr"), faults(text, "fr")


# allauth's mails: the ones its flows send here, then every template it has, rendered as ours.
ALLAUTH_TEMPLATES = Path(allauth.__file__).resolve().parent / "templates"
ALLAUTH_MAILS = sorted(
    str(path.relative_to(ALLAUTH_TEMPLATES)).removesuffix("_message.txt")
    for path in ALLAUTH_TEMPLATES.glob("*/email/*_message.txt")
    if not path.name.startswith("base_")  # the frames the others extend
)


def sent_in(language: str, flow) -> list:
    mail.outbox.clear()
    client = Client()
    client.cookies["django_language"] = language
    flow(client)
    return list(mail.outbox)


def test_allauths_mails_sent_by_its_flows_are_ours_with_links_on_the_public_address(settings):
    existing = make_applicant()
    found = {}
    for language in LANGUAGES:
        flows = {
            "sign-up": lambda client, language=language: client.post(
                reverse("account_signup"),
                {
                    "email": f"new-{language}@example.org",
                    "password1": PASSWORD,
                    "password2": PASSWORD,
                    "first_name": "Awa",
                    "last_name": "Ndiaye",
                    "preferred_language": language,
                },
            ),
            "sign-up with a known address": lambda client, language=language: client.post(
                reverse("account_signup"),
                {
                    "email": existing.user.email,
                    "password1": PASSWORD,
                    "password2": PASSWORD,
                    "first_name": "Awa",
                    "last_name": "Ndiaye",
                    "preferred_language": language,
                },
            ),
            "password reset": lambda client: client.post(
                reverse("account_reset_password"), {"email": existing.user.email}
            ),
            "password reset, unknown address": lambda client, language=language: client.post(
                reverse("account_reset_password"), {"email": f"nobody-{language}@example.org"}
            ),
        }
        for name, flow in flows.items():
            messages = sent_in(language, flow)
            assert messages, (name, language)
            for message in messages:
                text = f"{message.subject}\n{message.body}"
                assert "127.0.0.1" not in text and "testserver" not in text, text
                assert LINK.search(message.body), (name, text)
                assert BASE + reverse("public:accessibility") + "#contact" in message.body  # a way to reach us
                if problems := faults(text, language):
                    found[(language, name)] = problems
    assert not found, "\n".join(f"{key}: {problems}" for key, problems in found.items())


@pytest.mark.parametrize("prefix", ALLAUTH_MAILS)
def test_every_mail_of_allauth_is_our_own_text_in_both_languages(prefix, rf):
    user = make_applicant().user
    for name in (f"{prefix}_subject.txt", f"{prefix}_message.txt"):
        origin = Path(get_template(name).origin.name)
        assert ALLAUTH_TEMPLATES not in origin.parents, f"{name} is allauth's stock text"
    context = {
        "user": user,
        "email": user.email,
        "activate_url": "http://testserver/compte/confirm-email/key/",
        "password_reset_url": "http://testserver/compte/password/reset/key/1-key/",
        "signup_url": "http://testserver/compte/signup/",
        "code": "ABC123",
        "key": "key",
        "from_email": "old@example.org",
        "to_email": user.email,
        "deleted_email": "old@example.org",
        "ip": "203.0.113.7",
        "user_agent": "Firefox",
        "timestamp": timezone.now(),
        "provider": "FranceConnect",
    }
    request = rf.get("/")
    for language in LANGUAGES:
        mail.outbox.clear()
        with translation.override(language), allauth_context.request_context(request):
            get_adapter(request).send_mail(prefix, user.email, context)
        message = mail.outbox[0]
        text = f"{message.subject}\n{message.body}"
        assert not faults(text, language), faults(text, language)
        assert BASE + reverse("public:accessibility") + "#contact" in message.body


def test_run_points_the_links_at_the_port_the_demo_serves_on():
    run = (Path(__file__).resolve().parents[3] / "run").read_text()
    assert 'ANEF_BASE_URL="${ANEF_BASE_URL:-http://127.0.0.1:${PORT}}"' in run
