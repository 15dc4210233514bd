"""The retention policy: each kind of data goes on the day its period ends, not a day before; open
files are never touched; issued documents and the history stay; a second run changes nothing; a
link to an erased file answers a clear page; bad settings stop the start-up."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from anef.applications import retention as policy
from anef.applications import review, services
from anef.applications.constants import APPEAL_DAYS
from anef.applications.models import Application, ApplicationEvent, StaffRead
from anef.applications.retention import validate_retention_days
from anef.applications.workflow import EventKind, State
from anef.documents.models import UploadedDocument
from anef.messaging.models import Attachment
from anef.messaging.services import message_send
from anef.notifications import reminders as reminder_sweeps
from anef.notifications.models import Notification
from anef.retention.sweeps import apply_retention
from anef.sharing.models import ShareCheck
from anef.sharing.services import share_code_check, share_code_create
from anef.testing import complete, draft, make_applicant, make_staff, pdf_upload, rewriting_history, submitted

pytestmark = pytest.mark.django_db

DEFAULTS = {"drafts": 180, "closed_files": 730, "share_checks": 365, "staff_reads": 1825, "security_events": 365}


def noon(days_ago: int) -> datetime:
    """Noon, local time, so many days ago: periods count local days, whatever the hour of the run."""
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(12)))


def stored(field_file_name: str) -> bool:
    return UploadedDocument._meta.get_field("file").storage.exists(field_file_name)


def closed_since(days_ago: int) -> Application:
    """A file with uploaded scans and a message attachment, withdrawn so many days ago."""
    application = submitted(make_applicant())
    message_send(application_id=application.pk, actor=make_staff(), body="Voir la pièce.", uploaded=pdf_upload())
    services.application_withdraw(application_id=application.pk, actor=application.person.user)
    Application.objects.filter(pk=application.pk).update(state_changed_at=noon(days_ago))
    return application


def files_of(application) -> list[str]:
    return [d.file.name for d in application.uploaded_documents.all()] + [
        a.file.name for a in Attachment.objects.filter(message__application=application)
    ]


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """The sweep, with the after-commit deletions of files run as a committed transaction would."""

    def sweep():
        with django_capture_on_commit_callbacks(execute=True):
            return apply_retention()

    return sweep


@override_settings(ANEF_RETENTION_DAYS=DEFAULTS)
def test_files_of_a_closed_application_are_erased_on_the_day_they_are_due_not_before(run):
    due = closed_since(730)
    not_yet = closed_since(729)
    due_files, kept_files = files_of(due), files_of(not_yet)
    issued = list(due.issued_documents.values_list("pk", "number"))
    assert len(due_files) >= 2 and issued

    counts = run()

    assert counts["applications_erased"] == 1
    assert counts["documents_erased"] == due.uploaded_documents.count()
    assert counts["attachments_erased"] == 1
    assert not any(stored(name) for name in due_files)
    assert all(stored(name) for name in kept_files)
    for document in due.uploaded_documents.all():
        assert document.erased_at is not None and not document.file
    assert Attachment.objects.get(message__application=due).erased_at is not None
    assert not not_yet.uploaded_documents.filter(erased_at__isnull=False).exists()
    # Issued documents create rights: kept. The history is kept, with one more event.
    assert list(due.issued_documents.values_list("pk", "number")) == issued
    events = due.events.filter(kind=EventKind.RETENTION_ERASE)
    assert events.count() == 1
    assert events.get().payload["documents"] == counts["documents_erased"]
    assert due.events.filter(kind=EventKind.SUBMIT).exists()


@override_settings(ANEF_RETENTION_DAYS=DEFAULTS)
def test_open_files_are_never_touched_however_old(run):
    application = submitted(make_applicant())
    review.application_start_review(application_id=application.pk, actor=make_staff())
    Application.objects.filter(pk=application.pk).update(state_changed_at=noon(5000), updated_at=noon(5000))
    names = files_of(application)

    assert run()["applications_erased"] == 0

    assert all(stored(name) for name in names)
    assert not application.uploaded_documents.filter(erased_at__isnull=False).exists()
    assert Application.objects.get(pk=application.pk).state == State.IN_REVIEW


@override_settings(ANEF_RETENTION_DAYS=DEFAULTS)
def test_a_second_run_changes_nothing(run):
    application = closed_since(800)
    old_draft = draft(make_applicant())
    Application.objects.filter(pk=old_draft.pk).update(updated_at=noon(400), draft_reminded_at=noon(390))
    check = share_code_check(code=share_code_create(person=application.person, purpose="work").code, birth_date=None)
    assert check is None  # a failed check is logged too
    ShareCheck.objects.update(checked_at=noon(400))
    first = run()
    assert first["drafts_deleted"] == 1 and first["applications_erased"] == 1 and first["share_checks_deleted"] == 1
    events = ApplicationEvent.objects.count()

    second = run()

    assert set(second.values()) == {0}
    assert ApplicationEvent.objects.count() == events
    assert application.events.filter(kind=EventKind.RETENTION_ERASE).count() == 1


@override_settings(ANEF_RETENTION_DAYS=DEFAULTS)
def test_files_leave_the_storage_only_once_the_erasure_is_committed(django_capture_on_commit_callbacks):
    application = closed_since(730)
    names = files_of(application)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        apply_retention()
        assert all(stored(name) for name in names)  # the rows say erased, the commit has not happened
    for callback in callbacks:
        callback()

    assert not any(stored(name) for name in names)


@override_settings(ANEF_RETENTION_DAYS=DEFAULTS)
def test_a_failed_erasure_rolls_back_and_keeps_every_file(run, monkeypatch):
    application = closed_since(730)
    names = files_of(application)

    def broken(**kwargs):
        raise RuntimeError("history unavailable")

    monkeypatch.setattr("anef.applications.kernel.record_event", broken)
    with pytest.raises(RuntimeError):
        run()

    assert all(stored(name) for name in names)
    assert not application.uploaded_documents.filter(erased_at__isnull=False).exists()
    assert all(document.file for document in application.uploaded_documents.all())


# Drafts ---------------------------------------------------------------------------------------


@override_settings(ANEF_RETENTION_DAYS=DEFAULTS)
def test_the_draft_reminder_gives_the_day_the_draft_will_be_deleted():
    application = draft(make_applicant(language="en"))
    Application.objects.filter(pk=application.pk).update(updated_at=noon(8))

    assert reminder_sweeps.remind_stale_drafts() == 1

    deleted_on = timezone.localdate() - timedelta(days=8) + timedelta(days=180)
    reminders = Notification.objects.filter(application=application, kind="draft_reminder")
    assert reminders and all(deleted_on.strftime("%d/%m/%Y") in n.body for n in reminders)
    application.refresh_from_db()
    assert policy.draft_deletion_date(application) == deleted_on


@override_settings(ANEF_RETENTION_DAYS=DEFAULTS)
def test_a_draft_changed_after_its_reminder_gets_a_new_one_with_the_new_date():
    application = draft(make_applicant(language="en"))
    Application.objects.filter(pk=application.pk).update(updated_at=noon(40), draft_reminded_at=noon(33))
    assert reminder_sweeps.remind_stale_drafts() == 0  # reminded, unchanged since
    Application.objects.filter(pk=application.pk).update(updated_at=noon(8))  # the person came back

    assert reminder_sweeps.remind_stale_drafts() == 1
    assert reminder_sweeps.remind_stale_drafts() == 0

    deleted_on = timezone.localdate() - timedelta(days=8) + timedelta(days=180)
    reminders = Notification.objects.filter(application=application, kind="draft_reminder")
    assert reminders and all(deleted_on.strftime("%d/%m/%Y") in n.body for n in reminders)


@override_settings(ANEF_RETENTION_DAYS=DEFAULTS)
def test_a_draft_never_filed_is_deleted_with_its_files_on_the_announced_day_not_before(run):
    due = complete(draft(make_applicant()))
    not_yet = complete(draft(make_applicant()))
    Application.objects.filter(pk=due.pk).update(updated_at=noon(180), draft_reminded_at=noon(173))
    Application.objects.filter(pk=not_yet.pk).update(updated_at=noon(179), draft_reminded_at=noon(172))
    due.refresh_from_db()
    assert policy.draft_deletion_date(due) == timezone.localdate()
    Notification.objects.create(
        person=due.person,
        application=due,
        channel="email",
        language="fr",
        subject="Reminder",
        body="Your draft",
        kind="draft_reminder",
        idempotency_key="draft-test",
    )
    due_files, kept_files = files_of(due), files_of(not_yet)
    assert due_files

    counts = run()

    assert counts["drafts_deleted"] == 1
    assert not Application.objects.filter(pk=due.pk).exists()
    assert not UploadedDocument.objects.filter(application_id=due.pk).exists()
    assert not ApplicationEvent.objects.filter(application_id=due.pk).exists()
    assert not any(stored(name) for name in due_files)
    assert Application.objects.filter(pk=not_yet.pk).exists() and all(stored(name) for name in kept_files)
    # What was sent to the person stays in their notifications.
    assert Notification.objects.get(idempotency_key="draft-test").application is None


@override_settings(ANEF_RETENTION_DAYS=DEFAULTS)
def test_drafts_not_reminded_reopened_after_filing_or_filed_by_post_are_kept(run):
    not_reminded = draft(make_applicant())
    reopened = submitted(make_applicant())
    services.application_reopen(application_id=reopened.pk, actor=reopened.person.user)
    postal = draft(make_applicant())
    Application.objects.filter(pk=postal.pk).update(postmarked_on=timezone.localdate() - timedelta(days=400))
    Application.objects.filter(pk=not_reminded.pk).update(updated_at=noon(400))
    reminded_long_ago = {"updated_at": noon(400), "draft_reminded_at": noon(390)}
    Application.objects.filter(pk__in=[reopened.pk, postal.pk]).update(**reminded_long_ago)

    assert run()["drafts_deleted"] == 0

    assert Application.objects.filter(pk__in=[not_reminded.pk, reopened.pk, postal.pk]).count() == 3


@override_settings(ANEF_RETENTION_DAYS=DEFAULTS)
def test_a_draft_reminded_late_keeps_the_full_notice(run):
    """The reminder went out late (the sweep was stopped): the deletion waits for the notice."""
    application = draft(make_applicant())
    Application.objects.filter(pk=application.pk).update(updated_at=noon(400), draft_reminded_at=noon(29))
    application.refresh_from_db()
    assert policy.draft_deletion_date(application) == timezone.localdate() + timedelta(days=1)

    assert run()["drafts_deleted"] == 0

    Application.objects.filter(pk=application.pk).update(draft_reminded_at=noon(30))
    assert run()["drafts_deleted"] == 1


@override_settings(ANEF_RETENTION_DAYS=DEFAULTS)
def test_a_due_draft_that_other_rows_still_refer_to_is_kept_whole_and_counted(run):
    application = complete(draft(make_applicant()))
    application.invitations.create(kind="biometrics", assign_after=timezone.now())
    Application.objects.filter(pk=application.pk).update(updated_at=noon(400), draft_reminded_at=noon(390))
    names = files_of(application)

    counts = run()

    assert counts["drafts_deleted"] == 0 and counts["drafts_kept"] == 1
    assert Application.objects.filter(pk=application.pk).exists()
    assert application.events.exists() and application.uploaded_documents.exists()
    assert all(stored(name) for name in names)


# Logs ---------------------------------------------------------------------------------------


@override_settings(ANEF_RETENTION_DAYS=DEFAULTS)
def test_share_checks_and_staff_reads_go_on_the_day_their_period_ends(run):
    person = make_applicant()
    code = share_code_create(person=person, purpose="work")
    old, recent = (share_code_check(code=code.code, birth_date=person.date_of_birth) for _ in range(2))
    ShareCheck.objects.filter(pk=old.pk).update(checked_at=noon(365))
    ShareCheck.objects.filter(pk=recent.pk).update(checked_at=noon(364))
    application = submitted(person)
    agent = make_staff()
    old_read, recent_read = (
        StaffRead.objects.create(actor=agent, application=application, kind=StaffRead.Kind.CASE) for _ in range(2)
    )
    with rewriting_history(StaffRead):
        StaffRead.objects.filter(pk=old_read.pk).update(created_at=noon(1825))
        StaffRead.objects.filter(pk=recent_read.pk).update(created_at=noon(1824))

    counts = run()

    assert counts["share_checks_deleted"] == 1 and counts["staff_reads_deleted"] == 1
    assert list(ShareCheck.objects.values_list("pk", flat=True)) == [recent.pk]
    assert list(StaffRead.objects.values_list("pk", flat=True)) == [recent_read.pk]


@override_settings(ANEF_RETENTION_DAYS={**DEFAULTS, "share_checks": 100})
def test_the_periods_come_from_the_settings(run):
    person = make_applicant()
    code = share_code_create(person=person, purpose="work")
    check = share_code_check(code=code.code, birth_date=person.date_of_birth)
    ShareCheck.objects.filter(pk=check.pk).update(checked_at=noon(100))

    assert run()["share_checks_deleted"] == 1


@override_settings(ANEF_RETENTION_DAYS=DEFAULTS)
def test_the_sweep_is_scheduled_and_runs_from_the_command_line(capsys):
    from anef.core.schedules import SWEEPS

    assert SWEEPS["apply_retention"][0] == "anef.retention.sweeps.apply_retention"
    call_command("run_sweep", "apply_retention")
    assert "apply_retention: {" in capsys.readouterr().out


# Erased files, as people meet them -------------------------------------------------------------


@override_settings(ANEF_RETENTION_DAYS=DEFAULTS)
def test_an_erased_scan_or_attachment_answers_a_clear_page_to_the_applicant(client, run):
    application = closed_since(730)
    run()
    document = application.uploaded_documents.first()
    attachment = Attachment.objects.get(message__application=application)
    client.force_login(application.person.user)

    for url, name in (
        (reverse("portal:document", args=[document.pk]), document.original_name),
        (reverse("portal:attachment", args=[attachment.pk]), attachment.original_name),
    ):
        response = client.get(url)
        assert response.status_code == 410
        page = response.content.decode()
        assert name in page and timezone.localdate().strftime("%d/%m/%Y") in page
        assert reverse("public:privacy") in page

    thread = client.get(reverse("portal:messages", args=[application.reference])).content.decode()
    assert reverse("portal:attachment", args=[attachment.pk]) not in thread
    file_page = client.get(reverse("portal:application", args=[application.reference])).content.decode()
    assert reverse("portal:document", args=[document.pk]) not in file_page
    assert document.original_name in file_page


@override_settings(ANEF_RETENTION_DAYS=DEFAULTS)
def test_an_erased_scan_or_attachment_answers_a_clear_page_to_the_agent_and_logs_no_read(client, run):
    application = closed_since(730)
    run()
    document = application.uploaded_documents.first()
    attachment = Attachment.objects.get(message__application=application)
    agent = make_staff(prefecture_code=application.prefecture.code)
    client.force_login(agent)

    for url in (
        reverse("backoffice:document", args=[application.reference, document.pk]),
        reverse("backoffice:attachment", args=[application.reference, attachment.pk]),
    ):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 410
        assert "erased under the retention policy" in response.content.decode()
    assert not StaffRead.objects.filter(actor=agent, kind=StaffRead.Kind.DOCUMENT).exists()

    case = client.get(reverse("backoffice:case", args=[application.reference])).content.decode()
    assert reverse("backoffice:document", args=[application.reference, document.pk]) not in case
    thread = client.get(reverse("backoffice:messages", args=[application.reference])).content.decode()
    assert reverse("backoffice:attachment", args=[application.reference, attachment.pk]) not in thread


@override_settings(ANEF_RETENTION_DAYS=DEFAULTS)
def test_the_data_export_says_which_files_were_erased(client, run):
    import io
    import json
    import zipfile

    application = closed_since(730)
    run()
    client.force_login(application.person.user)

    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("portal:data_export")).content))

    exported = json.loads(archive.read("data.json"))["applications"][0]
    assert all(d["file"] is None and d["erased_at"] for d in exported["documents"])
    assert [m["erased_attachments"] for m in exported["messages"] if m["erased_attachments"]]


# Settings -------------------------------------------------------------------------------------


def test_the_default_periods_are_valid():
    assert validate_retention_days(DEFAULTS) == DEFAULTS


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("closed_files", APPEAL_DAYS, "ANEF_RETENTION_CLOSED_FILES_DAYS"),
        ("drafts", 7, "ANEF_RETENTION_DRAFTS_DAYS"),
        ("share_checks", 0, "ANEF_RETENTION_SHARE_CHECKS_DAYS"),
        ("staff_reads", -1, "ANEF_RETENTION_STAFF_READS_DAYS"),
        ("drafts", "180", "whole number"),
        ("drafts", 180.5, "whole number"),
        ("drafts", True, "whole number"),
    ],
)
def test_a_period_below_its_floor_or_not_a_whole_number_stops_the_start_up(key, value, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        validate_retention_days({**DEFAULTS, key: value})


def test_a_missing_period_stops_the_start_up():
    with pytest.raises(ImproperlyConfigured, match="staff_reads"):
        validate_retention_days({key: value for key, value in DEFAULTS.items() if key != "staff_reads"})


def test_the_closed_files_floor_covers_the_appeal_delay_with_a_margin():
    assert policy.FLOORS["closed_files"][0] > APPEAL_DAYS


def test_an_environment_variable_that_is_not_a_number_stops_the_start_up(monkeypatch):
    from anef.settings.base import env_days

    monkeypatch.setenv("ANEF_RETENTION_DRAFTS_DAYS", "six months")
    with pytest.raises(ImproperlyConfigured, match="ANEF_RETENTION_DRAFTS_DAYS must be a whole number"):
        env_days("ANEF_RETENTION_DRAFTS_DAYS", 180)
    monkeypatch.setenv("ANEF_RETENTION_DRAFTS_DAYS", " 200 ")
    assert env_days("ANEF_RETENTION_DRAFTS_DAYS", 180) == 200
    monkeypatch.delenv("ANEF_RETENTION_DRAFTS_DAYS")
    assert env_days("ANEF_RETENTION_DRAFTS_DAYS", 180) == 180


@override_settings(ANEF_RETENTION_DAYS={**DEFAULTS, "closed_files": 30})
def test_the_sweep_refuses_to_run_with_a_period_below_its_floor():
    with pytest.raises(ImproperlyConfigured):
        apply_retention()


@override_settings(ANEF_RETENTION_DAYS=DEFAULTS)
def test_a_refusal_under_appeal_keeps_its_files_until_the_appeal_ends(run):
    from anef.applications.workflow import State

    application = closed_since(730)
    Application.objects.filter(pk=application.pk).update(state=State.REFUSED)
    appeal = draft(application.person, "appeal-gracious")
    Application.objects.filter(pk=appeal.pk).update(appeal_of=application)
    files = files_of(application)

    assert run()["applications_erased"] == 0
    assert all(stored(name) for name in files)
    Application.objects.filter(pk=appeal.pk).update(state=State.WITHDRAWN)
    assert run()["applications_erased"] == 1
