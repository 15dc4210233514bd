"""Text messages reach an HTTP provider: a fake one on this machine (a real HTTP server in a thread)
receives what the notification path sends, answers as providers do (down, refusing, silent), and
keeps one message per idempotency key as the contract asks (docs/operations.md, Channels)."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone

from anef.notifications.constants import Channel, NotificationState
from anef.notifications.models import Notification
from anef.notifications.sms import HttpSmsBackend, SmsProviderUnavailable, e164
from anef.notifications.tasks import retry_due_notifications, send_notification
from anef.testing import make_applicant, run_queued_tasks, submitted

pytestmark = pytest.mark.django_db

TOKEN = "tok-0123456789-secret"  # noqa: S105 - the fake provider's
HANG = "hang"  # an answer the fake provider never gives: it waits until the test ends
DELIVER_THEN_HANG = "deliver then hang"  # takes the message, then never answers (the answer is lost)


class FakeProvider(ThreadingHTTPServer):
    """Answers each request with the next planned status (200 once the plan is used up). Like a real
    provider it delivers a message once per idempotency key, and only when it accepts the request."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.plan: list[int | str] = []
        self.requests: list[dict] = []
        self.delivered: dict[str, dict] = {}
        self.released = threading.Event()
        self.received = threading.Condition()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1/messages"

    def wait_for_requests(self, count: int, timeout: float = 10) -> bool:
        with self.received:
            return self.received.wait_for(lambda: len(self.requests) >= count, timeout=timeout)


class _Handler(BaseHTTPRequestHandler):
    server: FakeProvider

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with self.server.received:
            answer = self.server.plan.pop(0) if self.server.plan else 200
            self.server.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            self.server.received.notify_all()
        if answer in (200, DELIVER_THEN_HANG):
            self.server.delivered.setdefault(self.headers["Idempotency-Key"], body)
        if answer in (HANG, DELIVER_THEN_HANG):
            self.server.released.wait(timeout=30)
            return
        self.send_response(int(answer))
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        # A provider's error may quote the message: the backend must not record it.
        self.wfile.write(json.dumps({"error": f"cannot send {body['text']!r}"}).encode())

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


@pytest.fixture
def provider(settings):
    server = FakeProvider()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    settings.ANEF_SMS_BACKEND = "anef.notifications.sms.HttpSmsBackend"
    settings.ANEF_SMS_HTTP_URL = server.url
    settings.ANEF_SMS_HTTP_TOKEN = TOKEN
    settings.ANEF_SMS_SENDER = "ANEF Lyon"
    settings.ANEF_SMS_HTTP_TIMEOUT = 5
    yield server
    server.released.set()
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def _sms_of_a_submission(phone: str = "06 12 34 56 78") -> Notification:
    """An applicant with a phone and no email files an application: its SMS is queued."""
    person = make_applicant()
    person.email = ""
    person.phone = phone
    person.save(update_fields=["email", "phone"])
    application = submitted(person)
    return Notification.objects.get(application=application, kind="submit", channel=Channel.SMS)


def _retry_when_due(notification: Notification) -> None:
    """The backoff has passed: the retry sweep enqueues the notification and a worker runs it."""
    Notification.objects.filter(pk=notification.pk).update(next_attempt_at=timezone.now())
    assert retry_due_notifications() == 1
    run_queued_tasks()


def test_a_submission_texts_the_applicant_through_the_provider(provider):
    notification = _sms_of_a_submission()

    run_queued_tasks()

    assert provider.wait_for_requests(1)
    request = provider.requests[0]
    assert request["path"] == "/v1/messages"
    assert request["headers"]["Authorization"] == f"Bearer {TOKEN}"
    assert request["headers"]["Idempotency-Key"] == notification.idempotency_key
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["body"] == {
        "to": "+33612345678",
        "text": notification.body,
        "sender": "ANEF Lyon",
        "idempotency_key": notification.idempotency_key,
    }
    assert notification.body  # the text the applicant reads
    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT
    assert notification.sent_at is not None


def test_a_provider_down_then_back_delivers_the_message_exactly_once(provider):
    provider.plan = [503, 200]
    notification = _sms_of_a_submission()

    run_queued_tasks()
    notification.refresh_from_db()
    assert notification.state == NotificationState.RETRYING
    assert "503" in notification.last_error
    assert provider.delivered == {}

    _retry_when_due(notification)

    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT
    assert [r["headers"]["Idempotency-Key"] for r in provider.requests] == [notification.idempotency_key] * 2
    assert list(provider.delivered) == [notification.idempotency_key]
    send_notification(notification.pk)  # a duplicated task: nothing more reaches the provider
    assert len(provider.requests) == 2


def test_a_refused_message_is_failed_at_once_and_not_retried(provider):
    provider.plan = [400]
    notification = _sms_of_a_submission()

    run_queued_tasks()

    notification.refresh_from_db()
    assert notification.state == NotificationState.FAILED
    assert (notification.attempts, notification.next_attempt_at) == (1, None)
    assert "HTTP 400" in notification.last_error
    assert notification.body not in notification.last_error and TOKEN not in notification.last_error
    assert retry_due_notifications() == 0
    run_queued_tasks()
    assert len(provider.requests) == 1


def test_too_many_requests_is_retried_like_a_provider_down(provider):
    provider.plan = [429]
    notification = _sms_of_a_submission()

    run_queued_tasks()

    notification.refresh_from_db()
    assert notification.state == NotificationState.RETRYING
    assert "429" in notification.last_error


def test_a_silent_provider_times_out_and_is_retried(provider, settings):
    settings.ANEF_SMS_HTTP_TIMEOUT = 0.5
    provider.plan = [HANG, HANG]
    notification = _sms_of_a_submission()

    with pytest.raises(SmsProviderUnavailable, match="timed out"):
        HttpSmsBackend().send(to=notification.recipient, text=notification.body, key=notification.idempotency_key)
    run_queued_tasks()

    notification.refresh_from_db()
    assert notification.state == NotificationState.RETRYING
    assert notification.next_attempt_at is not None
    assert "timed out" in notification.last_error
    assert provider.delivered == {}


def test_an_answer_lost_after_delivery_is_retried_with_the_same_key_and_the_person_gets_one_message(provider, settings):
    settings.ANEF_SMS_HTTP_TIMEOUT = 0.5
    provider.plan = [DELIVER_THEN_HANG]
    notification = _sms_of_a_submission()

    run_queued_tasks()
    notification.refresh_from_db()
    assert notification.state == NotificationState.RETRYING

    _retry_when_due(notification)

    notification.refresh_from_db()
    assert notification.state == NotificationState.SENT
    assert len(provider.requests) == 2
    assert len(provider.delivered) == 1


def test_no_provider_listening_is_a_passing_failure(provider, settings):
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    settings.ANEF_SMS_HTTP_URL = f"http://127.0.0.1:{port}/v1/messages"  # nothing listens there
    notification = _sms_of_a_submission()

    run_queued_tasks()

    notification.refresh_from_db()
    assert notification.state == NotificationState.RETRYING
    assert "unreachable" in notification.last_error


def test_a_number_that_is_not_a_phone_number_is_refused_without_calling_the_provider(provider):
    notification = _sms_of_a_submission(phone="12345")

    run_queued_tasks()

    notification.refresh_from_db()
    assert notification.state == NotificationState.FAILED
    assert provider.requests == []


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("06.12.34.56.78", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("0690 12 34 56", "+590690123456"),  # Guadeloupe
        ("0692 12 34 56", "+262692123456"),  # La Réunion
        ("+221 77 123 45 67", "+221771234567"),
    ],
)
def test_numbers_are_sent_in_international_form(typed, sent):
    assert e164(typed) == sent
