"""Two requests at the same moment: the database decides, one wins, nothing is half-done."""

import pytest

from anef.applications import services
from anef.applications.models import Application
from anef.applications.workflow import EventKind, State
from anef.testing import complete, draft, make_applicant, race

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]


def test_eight_simultaneous_submissions_of_one_draft_make_one_submission():
    person = make_applicant()
    application = complete(draft(person))

    outcomes = race([lambda: services.application_submit(application_id=application.pk, actor=person.user)] * 8)

    assert outcomes.count("ok") == 1
    assert set(outcomes) - {"ok"} <= {"TransitionNotAllowed", "ConcurrentChange"}, outcomes
    assert application.events.filter(kind=EventKind.SUBMIT).count() == 1


def test_two_drafts_of_the_same_permit_submitted_at_once_leave_one_pending():
    person = make_applicant()
    first = complete(draft(person, "student-renewal"))
    second = complete(draft(person, "student-first"))

    outcomes = race(
        [
            lambda: services.application_submit(application_id=first.pk, actor=person.user),
            lambda: services.application_submit(application_id=second.pk, actor=person.user),
        ]
    )

    assert sorted(outcomes) == ["DuplicateApplication", "ok"]
    assert Application.objects.filter(person=person, state=State.SUBMITTED).count() == 1


def test_withdrawal_racing_a_resubmission_ends_in_one_consistent_state():
    person = make_applicant()
    application = complete(draft(person))
    services.application_submit(application_id=application.pk, actor=person.user)
    services.application_reopen(application_id=application.pk, actor=person.user)

    race(
        [
            lambda: services.application_submit(application_id=application.pk, actor=person.user),
            lambda: services.application_withdraw(application_id=application.pk, actor=person.user),
        ]
    )

    application.refresh_from_db()
    last = application.events.exclude(to_state="").order_by("-sequence").first()
    assert application.state == last.to_state
    assert application.state in (State.WITHDRAWN, State.SUBMITTED)


def test_two_agents_deciding_the_same_file_at_once_one_wins():
    from anef.applications import review
    from anef.testing import make_staff, submitted

    application = submitted(make_applicant())
    first, second = make_staff(), make_staff()
    review.application_start_review(application_id=application.pk, actor=first)

    outcomes = race(
        [
            lambda: review.application_accept(application_id=application.pk, actor=first),
            lambda: review.application_refuse(
                application_id=application.pk, actor=second, ground="conditions_not_met", text="No."
            ),
        ]
    )

    assert outcomes.count("ok") == 1
    assert set(outcomes) - {"ok"} <= {"TransitionNotAllowed", "ConcurrentChange"}
    application.refresh_from_db()
    decisions = application.events.filter(kind__in=[EventKind.ACCEPT, EventKind.REFUSE])
    assert decisions.count() == 1
    assert application.state == decisions.get().to_state
