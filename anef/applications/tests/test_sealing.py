"""The history is sealed day by day (hash chain, Ed25519 signature) and `verify_history` finds any
change, addition, deletion or forged seal, naming the day and the event; retention still verifies."""

import json
import threading
from datetime import datetime, time, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from anef.applications import services
from anef.applications.models import Application, ApplicationEvent, HistoryDigest, PurgedEvent, SealedEvent
from anef.applications.sealing import GENESIS, seal_history
from anef.core import signing
from anef.retention.sweeps import apply_retention
from anef.testing import draft, make_applicant, rewriting_history, submitted

pytestmark = pytest.mark.django_db

RETENTION = {"drafts": 180, "closed_files": 730, "share_checks": 365, "staff_reads": 1825, "security_events": 365}


def later(days: int = 2):
    """Noon, `days` local days from today: the days before it have ended long enough to be sealed,
    whatever the hour the test runs (just after midnight, now + 2 days minus the grace would still
    be in tomorrow, and tomorrow would not be sealed)."""
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time(12)))


def verify(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_history", *args, stdout=out)
    return out.getvalue()


def seal_snapshot():
    return list(HistoryDigest.objects.order_by("day").values()), list(SealedEvent.objects.values())


def test_each_day_is_sealed_once_and_the_whole_history_verifies():
    application = submitted(make_applicant())
    today = timezone.localdate()

    assert seal_history(now=later()) == {"days_sealed": 2}  # today, and tomorrow (without events)

    first, empty = HistoryDigest.objects.order_by("day")
    assert (first.day, empty.day) == (today, today + timedelta(days=1))
    assert first.previous_digest == GENESIS and empty.previous_digest == first.digest == empty.digest
    assert first.count == application.events.count() and empty.count == 0
    out = verify()
    assert f"{today}  OK" in out and "2 sealed days verified" in out


def test_sealing_twice_changes_nothing_and_waits_for_the_day_to_be_over():
    submitted(make_applicant())
    assert seal_history() == {"days_sealed": 0}  # today is not over
    seal_history(now=later())
    before = seal_snapshot()

    assert seal_history(now=later()) == {"days_sealed": 0}
    assert seal_snapshot() == before


def test_an_event_changed_after_sealing_fails_verification_naming_the_day_and_the_event():
    application = submitted(make_applicant())
    seal_history(now=later())
    event = application.events.order_by("sequence").last()

    with rewriting_history(ApplicationEvent):
        ApplicationEvent.objects.filter(pk=event.pk).update(reason="rewritten")

    with pytest.raises(CommandError) as failure:
        verify()
    assert f"First difference: {timezone.localdate()}, event {event.pk} was changed" in str(failure.value)


def test_an_event_added_to_a_sealed_day_fails_verification():
    submitted(make_applicant())
    seal_history(now=later(days=1))
    added = submitted(make_applicant()).events.order_by("pk").first()  # written today, after the seal

    with pytest.raises(CommandError, match=f"event {added.pk} was added after the day was sealed"):
        verify()


def test_a_forged_signature_or_a_rewritten_seal_fails_verification():
    submitted(make_applicant())
    seal_history(now=later())
    seal = HistoryDigest.objects.order_by("day").first()
    forged = signing.b64e(bytes(64))

    with rewriting_history(HistoryDigest):
        HistoryDigest.objects.filter(pk=seal.pk).update(signature=forged)
    with pytest.raises(CommandError, match=f"First difference: {seal.day}, its signature does not match"):
        verify()

    with rewriting_history(HistoryDigest):
        HistoryDigest.objects.filter(pk=seal.pk).update(signature=seal.signature, digest="f" * 64)
    with pytest.raises(CommandError, match="signature does not match"):
        verify()


def test_signatures_are_checked_against_a_saved_copy_of_the_published_keys(tmp_path):
    submitted(make_applicant())
    seal_history(now=later(days=1))
    signing.key_rotate()  # the next day is signed by a new key; the old one still verifies
    seal_history(now=later(days=2))
    assert len(set(HistoryDigest.objects.values_list("key_id", flat=True))) == 2
    published = tmp_path / "anef-keys.json"
    published.write_text(json.dumps(signing.published_keys()))
    assert "verified" in verify("--keys", str(published))

    other = signing.published_keys()
    other["keys"] = other["keys"][1:]  # a key this deployment never published
    published.write_text(json.dumps(other))
    with pytest.raises(CommandError, match="signed by an unknown key"):
        verify("--keys", str(published))


@override_settings(ANEF_RETENTION_DAYS=RETENTION)
def test_a_draft_purged_by_retention_after_its_day_was_sealed_still_verifies(django_capture_on_commit_callbacks):
    kept = submitted(make_applicant())
    stale = draft(make_applicant())
    purged_ids = set(stale.events.values_list("pk", flat=True))
    seal_history(now=later(days=1))
    now = timezone.now()
    Application.objects.filter(pk=stale.pk).update(
        updated_at=now - timedelta(days=181), draft_reminded_at=now - timedelta(days=40)
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert apply_retention()["drafts_deleted"] == 1

    assert not ApplicationEvent.objects.filter(pk__in=purged_ids).exists()
    assert set(PurgedEvent.objects.values_list("event_id", flat=True)) == purged_ids
    assert f"{len(purged_ids)} purged by retention" in verify()
    assert kept.events.exists()


def test_an_event_deleted_outside_retention_fails_verification():
    application = submitted(make_applicant())
    services.application_withdraw(application_id=application.pk, actor=application.person.user)
    seal_history(now=later())
    event = application.events.order_by("sequence").last()
    with rewriting_history(ApplicationEvent), connection.cursor() as cursor:
        cursor.execute("DELETE FROM notifications_notification WHERE event_id = %s", [event.pk])
        cursor.execute("DELETE FROM applications_applicationevent WHERE id = %s", [event.pk])

    with pytest.raises(CommandError, match=f"event {event.pk} was deleted"):
        verify()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_sealing_at_the_same_time_seal_each_day_once():
    submitted(make_applicant())
    moment, errors = later(days=4), []

    def sweep():
        try:
            seal_history(now=moment)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert HistoryDigest.objects.count() == 4
    assert "4 sealed days verified" in verify()


def test_the_sealing_is_a_scheduled_sweep_that_can_be_run_by_hand():
    from io import StringIO

    from anef.core.schedules import SWEEPS

    submitted(make_applicant())
    assert SWEEPS["seal_history"][0] == "anef.applications.sealing.seal_history"
    out = StringIO()
    call_command("run_sweep", "seal_history", stdout=out)
    assert "days_sealed" in out.getvalue()  # today is not over: nothing to seal yet
    assert "No day of the history is sealed yet." in verify()
