from datetime import timedelta

import pytest
from django.utils import timezone

from anef.applications import kernel, services
from anef.applications.errors import DuplicateApplication, IncompleteApplication, TransitionNotAllowed
from anef.applications.models import Application, ApplicationEvent
from anef.applications.workflow import EventKind, State
from anef.testing import complete, draft, make_applicant, make_staff, submitted

pytestmark = pytest.mark.django_db


def test_an_incomplete_draft_is_refused_with_the_precise_list_of_what_is_missing():
    person = make_applicant()
    application = draft(person, "student-renewal")

    with pytest.raises(IncompleteApplication) as refusal:
        services.application_submit(application_id=application.pk, actor=person.user)

    messages = [item["message"] for item in refusal.value.missing]
    assert any("question" in m or "Éligibilité" in m or "Eligibility" in m for m in messages)
    assert any("Passeport" in m or "Passport" in m for m in messages)
    assert any("timbre" in m or "stamp" in m for m in messages)
    application.refresh_from_db()
    assert application.state == State.DRAFT
    assert application.filed_at is None


def test_submission_routes_to_the_prefecture_of_the_address_and_records_the_filing():
    person = make_applicant(postcode="33000", permit_expires_in_days=90)

    application = submitted(person, "student-renewal")

    assert application.state == State.SUBMITTED
    assert application.prefecture.code == "pref-33"
    assert application.filed_at is not None
    assert application.filed_in_time is True
    assert application.permit_expires_on_at_filing == person.permit_expires_on
    submit_event = application.events.get(kind=EventKind.SUBMIT)
    assert (submit_event.from_state, submit_event.to_state) == (State.DRAFT, State.SUBMITTED)
    assert submit_event.actor == person.user


def test_a_renewal_filed_less_than_sixty_days_before_expiry_is_recorded_as_late():
    person = make_applicant(permit_expires_in_days=30)

    application = submitted(person, "student-renewal")

    assert application.filed_in_time is False


def test_a_renewal_cannot_be_filed_before_the_window_opens():
    person = make_applicant(permit_expires_in_days=200)
    application = complete(draft(person, "student-renewal"))

    with pytest.raises(IncompleteApplication) as refusal:
        services.application_submit(application_id=application.pk, actor=person.user)

    opens = (person.permit_expires_on - timedelta(days=120)).strftime("%d/%m/%Y")
    assert any(opens in item["message"] for item in refusal.value.missing)


def test_submitting_twice_creates_one_submission():
    person = make_applicant()
    application = submitted(person)

    with pytest.raises(TransitionNotAllowed):
        services.application_submit(application_id=application.pk, actor=person.user)

    assert application.events.filter(kind=EventKind.SUBMIT).count() == 1


def test_two_pending_applications_for_the_same_permit_are_refused_but_other_procedures_run_in_parallel():
    person = make_applicant()
    second_renewal = complete(draft(person, "student-first"))  # a draft started before the other was filed
    renewal = submitted(person, "student-renewal")
    address_change = submitted(person, "change-of-address")

    with pytest.raises(DuplicateApplication) as refusal:
        services.application_submit(application_id=second_renewal.pk, actor=person.user)

    assert refusal.value.existing == renewal and renewal.reference in str(refusal.value.message)
    assert address_change.state == State.SUBMITTED
    second_renewal.refresh_from_db()
    assert second_renewal.state == State.DRAFT
    assert Application.objects.filter(person=person, state=State.SUBMITTED).count() == 2


def test_a_second_application_for_the_same_permit_is_refused_at_its_start_naming_the_first():
    person = make_applicant()
    renewal = submitted(person, "student-renewal")

    with pytest.raises(DuplicateApplication) as refusal:
        draft(person, "student-first")

    assert renewal.reference in str(refusal.value.message)
    assert not Application.objects.filter(person=person, state=State.DRAFT).exists()


def test_a_terminal_application_never_blocks_a_new_one():
    person = make_applicant()
    first = submitted(person, "student-renewal")
    services.application_withdraw(application_id=first.pk, actor=person.user, reason="mistake")

    again = submitted(person, "student-renewal")

    assert again.state == State.SUBMITTED


def test_reopening_and_resubmitting_keeps_the_original_filing_date_and_timeliness():
    person = make_applicant(permit_expires_in_days=61)
    application = submitted(person)
    filed_at, in_time = application.filed_at, application.filed_in_time
    assert in_time is True

    services.application_reopen(application_id=application.pk, actor=person.user)
    # Time passes: the permit is now closer to expiry than the window allows.
    person.permit_expires_on = timezone.localdate() + timedelta(days=10)
    person.save(update_fields=["permit_expires_on"])
    services.application_submit(application_id=application.pk, actor=person.user)

    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert application.filed_at == filed_at
    assert application.filed_in_time is True
    kinds = list(application.events.values_list("kind", flat=True))
    assert kinds.count(EventKind.SUBMIT) == 2
    assert EventKind.REOPEN in kinds


def test_review_blocks_reopening_but_not_withdrawal():
    person = make_applicant()
    application = submitted(person)
    agent = make_staff()
    application = Application.objects.select_related("person").get(pk=application.pk)
    kernel.transition(application=application, event=EventKind.START_REVIEW, actor=agent)

    with pytest.raises(TransitionNotAllowed):
        services.application_reopen(application_id=application.pk, actor=person.user)
    services.application_withdraw(application_id=application.pk, actor=person.user)

    application.refresh_from_db()
    assert application.state == State.WITHDRAWN


def test_someone_else_cannot_withdraw_or_submit_my_application():
    owner = make_applicant()
    stranger = make_applicant()
    application = complete(draft(owner))

    with pytest.raises(TransitionNotAllowed):
        services.application_submit(application_id=application.pk, actor=stranger.user)
    with pytest.raises(TransitionNotAllowed):
        services.application_withdraw(application_id=application.pk, actor=stranger.user)


def test_an_agent_of_another_prefecture_cannot_move_the_file():
    application = submitted(make_applicant(postcode="69002"))
    outsider = make_staff(prefecture_code="pref-33")
    application = Application.objects.select_related("person").get(pk=application.pk)

    with pytest.raises(TransitionNotAllowed):
        kernel.transition(application=application, event=EventKind.START_REVIEW, actor=outsider)


def test_history_rows_are_append_only_and_numbered_in_order():
    application = submitted(make_applicant())
    events = list(application.events.order_by("sequence"))

    assert [e.sequence for e in events] == list(range(1, len(events) + 1))
    assert events[0].kind == EventKind.CREATE
    with pytest.raises(ValueError, match="append-only"):
        events[0].save()
    with pytest.raises(ValueError, match="append-only"):
        events[0].delete()
    assert ApplicationEvent.objects.filter(application=application).count() == len(events)


def test_changing_the_answers_of_a_filed_application_is_refused():
    person = make_applicant()
    application = submitted(person)

    with pytest.raises(TransitionNotAllowed):
        services.application_save_answers(application_id=application.pk, answers={}, actor=person.user)


def test_a_draft_never_submitted_can_be_discarded():
    person = make_applicant()
    application = draft(person)

    services.application_withdraw(application_id=application.pk, actor=person.user)

    application.refresh_from_db()
    assert application.state == State.WITHDRAWN
    assert application.filed_at is None


@pytest.mark.django_db(transaction=True)
def test_an_event_is_never_recorded_outside_the_transaction_of_its_change():
    """Outside a transaction the history row could commit without the change (or the change
    without its notice): the kernel refuses, and nothing is written."""
    application = draft(make_applicant())
    before = application.events.count()

    with pytest.raises(RuntimeError, match="inside the transaction"):
        kernel.record_event(application=application, kind=EventKind.NOTE_ADD, actor=None)
    assert application.events.count() == before
