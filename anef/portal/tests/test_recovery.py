"""Lost access to one's email or password: recovering the account by a code sent by text message,
through the pages a person walks (accounts.recovery)."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anef.accounts.constants import Role
from anef.accounts.models import RecoveryCode, User
from anef.accounts.ports import PORTS, port
from anef.notifications.constants import Channel
from anef.notifications.models import Notification
from anef.notifications.sms import MemorySmsBackend
from anef.security.constants import SecurityEventKind
from anef.security.models import SecurityEvent
from anef.testing import PASSWORD, make_applicant, run_queued_tasks

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Sunflower-Harbour-2026"
PHONE = "06 12 34 56 78"


@pytest.fixture(autouse=True)
def _clean_sms_outbox():
    MemorySmsBackend.outbox.clear()


@pytest.fixture
def person():
    person = make_applicant(email="awa@example.org", language="en")
    person.phone = PHONE
    person.save(update_fields=["phone"])
    return person


def ask_for_a_code(client, *, birth_date="1995-05-17", phone="+33612345678", email="", address="203.0.113.5"):
    return client.post(
        reverse("portal:recovery_sms"),
        {"birth_date": birth_date, "phone": phone, "email": email},
        REMOTE_ADDR=address,
    )


def sms_code() -> str:
    run_queued_tasks()
    texts = [text for _to, text in MemorySmsBackend.outbox.values() if "recover" in text or "récupérer" in text]
    assert len(texts) == 1, MemorySmsBackend.outbox
    return re.search(r"\b(\d{6})\b", texts[0]).group(1)


def recover(client, code, *, email="awa.new@example.org", address="203.0.113.5"):
    return client.post(
        reverse("portal:recovery_sms_code"),
        {"code": code, "new_email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def page_text(response) -> str:
    """The page without its one-time tokens (CSRF, submission), which differ from one response to the next."""
    return re.sub(r'name="(csrfmiddlewaretoken|submission_token)" value="[^"]+"', "", response.content.decode())


def test_every_port_of_the_accounts_resolves():
    for path in PORTS:
        assert callable(port(path))


def test_the_sign_in_page_leads_to_a_recovery_page_that_lists_every_path(client):
    login = client.get(reverse("account_login"))
    assert reverse("portal:recovery") in login.content.decode()

    page = client.get(reverse("portal:recovery"), HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert page.status_code == 200
    assert reverse("account_reset_password") in body  # still reading the mailbox
    assert reverse("portal:recovery_sms") in body
    assert reverse("portal:recovery_paper") in body
    assert 'id="franceconnect"' not in body  # offered only where FranceConnect is configured (test_franceconnect.py)
    assert "Your administrator restores your access" in body  # staff go elsewhere
    assert "A code by text message or from your helper changes your email address and password" in body


def test_a_code_by_text_message_gives_the_account_back_with_a_new_email_and_password(client, person):
    owner = Client()
    owner.force_login(person.user)  # a session still open somewhere (a stolen phone, a shared computer)
    assert owner.get(reverse("portal:dashboard")).status_code == 200

    asked = ask_for_a_code(client)
    assert asked.status_code == 302 and asked.url == reverse("portal:recovery_sms_code")
    code = sms_code()
    ((to, text),) = MemorySmsBackend.outbox.values()
    assert to == PHONE and "15 min" in text  # the number on file, in the person's language
    assert not mail.outbox  # never by email: the mailbox is what was lost

    done = recover(client, code)
    assert done.status_code == 302 and done.url == reverse("portal:recovery_done")
    page = client.get(done.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your account is recovered" in page
    assert "awa.new@example.org" in page

    user = User.objects.get(pk=person.user_id)
    assert user.email == "awa.new@example.org" and user.check_password(NEW_PASSWORD)
    assert not EmailAddress.objects.get(user=user).verified  # allauth's confirmation comes first
    assert [message.to for message in mail.outbox] == [["awa.new@example.org"]]  # the confirmation link
    assert owner.get(reverse("portal:dashboard")).status_code == 302  # the other session ended
    event = SecurityEvent.objects.get(kind=SecurityEventKind.ACCOUNT_RECOVERED, user=user)
    assert event.details["previous_email"] == "awa@example.org" and event.details["sessions_ended"] == 1

    # The previous address and the phone are told, with what to do if it was not them.
    told = Notification.objects.filter(person=person, kind="recovery_done")
    assert {(n.channel, n.recipient) for n in told} == {(Channel.EMAIL, "awa@example.org"), (Channel.SMS, PHONE)}
    mail.outbox.clear()
    run_queued_tasks()
    (warning,) = mail.outbox
    assert warning.to == ["awa@example.org"]
    assert "If it was not you" in warning.body and "identity document" in warning.body

    # The new address signs in once confirmed: allauth's usual confirmation.
    signin = Client().post(reverse("account_login"), {"login": "awa.new@example.org", "password": NEW_PASSWORD})
    assert signin.status_code == 302 and "confirm" in signin.url


def test_the_email_remembered_and_the_date_of_birth_also_send_the_code(client, person):
    ask_for_a_code(client, phone="", email="AWA@example.org")
    assert recover(client, sms_code()).status_code == 302


def test_the_answer_is_the_same_whether_an_account_matched_or_not(client, person):
    matched = ask_for_a_code(client)
    matched_page = client.get(matched.url)
    MemorySmsBackend.outbox.clear()
    Notification.objects.all().delete()

    stranger = Client()
    missed = ask_for_a_code(stranger, phone="0699999999")
    missed_page = stranger.get(missed.url)

    assert (missed.status_code, missed.url) == (matched.status_code, matched.url)
    assert (missed_page.status_code, page_text(missed_page)) == (matched_page.status_code, page_text(matched_page))
    run_queued_tasks()
    assert not MemorySmsBackend.outbox
    # Any code typed after a miss is simply wrong, as it would be for an account.
    assert recover(stranger, "123456").status_code == 400


def test_no_code_when_two_accounts_match_or_the_account_is_not_an_applicants(client, person):
    twin = make_applicant(email="twin@example.org")
    twin.phone = "0612345678"
    twin.save(update_fields=["phone"])
    ask_for_a_code(client)
    not_applicant = make_applicant(email="helper-as-person@example.org")
    not_applicant.phone = "0611111111"
    not_applicant.save(update_fields=["phone"])
    User.objects.filter(pk=not_applicant.user_id).update(role=Role.ADMINISTRATOR)
    ask_for_a_code(Client(), email="helper-as-person@example.org", phone="")
    run_queued_tasks()
    assert not MemorySmsBackend.outbox


def test_wrong_codes_end_the_code_then_the_client_is_refused(client, person):
    ask_for_a_code(client)
    code = sms_code()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        answer = recover(client, wrong)
        assert answer.status_code == 400
        assert "This code is not valid" in answer.content.decode()
    assert recover(client, code).status_code == 400  # five wrong answers ended it: ask for a new one
    assert RecoveryCode.objects.get().revoked_at is not None
    for _ in range(4):
        assert recover(client, wrong).status_code == 400
    assert recover(client, wrong).status_code == 429  # ten in the hour from this connection
    assert User.objects.get(pk=person.user_id).check_password(PASSWORD)


def test_an_expired_code_is_refused(client, person):
    ask_for_a_code(client)
    code = sms_code()
    RecoveryCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert recover(client, code).status_code == 400
    assert User.objects.get(pk=person.user_id).email == "awa@example.org"


def test_a_code_works_once(client, person):
    ask_for_a_code(client)
    code = sms_code()
    assert recover(client, code).status_code == 302
    # Back on the code page with the same request (as a second tab would be): refused.
    session = client.session
    session["recovery_sms"] = {"person": person.pk, "target": f"person:{person.pk}"}
    session.save()
    answer = recover(client, code, email="someone.else@example.org")
    assert answer.status_code == 400
    assert User.objects.get(pk=person.user_id).email == "awa.new@example.org"


def test_a_refused_password_or_a_taken_address_keeps_the_code_valid(client, person):
    make_applicant(email="taken@example.org")
    ask_for_a_code(client)
    code = sms_code()
    taken = recover(client, code, email="taken@example.org")
    assert taken.status_code == 400
    assert "Another account uses this email address" in taken.content.decode()
    weak = client.post(
        reverse("portal:recovery_sms_code"),
        {"code": code, "new_email": "awa.new@example.org", "password1": "12345678", "password2": "12345678"},
    )
    assert weak.status_code == 400
    assert recover(client, code).status_code == 302


def test_sending_is_limited_per_account_whoever_asks(client, person):
    for number in range(5):
        ask_for_a_code(Client(), address=f"198.51.100.{number}")
    run_queued_tasks()
    assert len(MemorySmsBackend.outbox) == 3
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.RATE_LIMITED, user=person.user).count() == 2


def test_asking_is_limited_per_client(client, person):
    for _ in range(10):
        ask_for_a_code(client, phone="0600000000")
    assert ask_for_a_code(client).status_code == 429


def test_a_recovery_by_text_message_keeps_the_second_factor(client, person):
    TOTP.activate(person.user, generate_totp_secret())
    ask_for_a_code(client)
    recover(client, sms_code())
    assert Authenticator.objects.filter(user=person.user).exists()
    page = client.get(reverse("portal:recovery_done"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your authentication app still protects your account" in page
    event = SecurityEvent.objects.get(kind=SecurityEventKind.ACCOUNT_RECOVERED)
    assert event.details["second_factor"] == "kept"


def test_the_recovery_shows_in_the_persons_account_history(client, person):
    ask_for_a_code(client)
    recover(client, sms_code())
    person.user.refresh_from_db()
    client.force_login(person.user)
    page = client.get(reverse("portal:profile"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Account recovered: new email address and password" in page


def test_wrong_codes_for_one_account_are_limited_from_any_connection(client, person):
    ask_for_a_code(client)
    wrong = f"{(int(sms_code()) + 1) % 1_000_000:06d}"
    for number in range(10):
        assert recover(client, wrong, address=f"198.51.100.{number}").status_code == 400
    assert recover(client, wrong, address="198.51.100.99").status_code == 429


def test_a_person_still_signed_in_on_this_browser_recovers_and_is_signed_out(client, person):
    client.force_login(person.user)
    ask_for_a_code(client)
    done = recover(client, sms_code())
    assert done.status_code == 302
    assert client.get(done.url, HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    assert client.get(reverse("portal:dashboard")).status_code == 302  # signed out
