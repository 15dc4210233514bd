"""Issue 14, "Done when": a person is driven through random sequences of filings, declarations
(loss, address, family), requests, answers, withdrawals and their undoing, closures, decisions,
moves (which transfer files) and the passing of time, and the promises of docs/combinations.md
hold after every step:

- a person with a renewal filed in time and not decided always holds a proof of right: from the
  day the permit ends, a valid API covers every day (checked after each day's sweeps), none issued
  already expired or back-dated, none longer than three calendar months; and the third party's
  check (`sharing.rights.right_for`, what the employer and share-code pages answer) says the right
  continues;
- every declaration is accepted, and joined to each other filed open file of the person; a second
  one of a kind still open is refused with the reference of the one to complete;
- no file is closed without action while an unanswered request is within its deadline;
- every transfer, withdrawal, undoing, closure and refusal is told to the person; closures and
  refusals carry their appeal deadline, in the notice too;
- every open filed file (appeals aside) sits at the prefecture competent for the current address;
- a duplicate joined to a renewal orders no card while that renewal may make it.

The clock is moved with time-machine, one day at a time, running the daily sweeps as the scheduler
would. Each example runs in a transaction rolled back at its end.
"""

import contextlib
import os
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from anef.applications import review, services
from anef.applications.errors import DuplicateApplication
from anef.applications.models import Application, InformationRequest
from anef.applications.moves import person_profile_update
from anef.applications.selectors import renewals_covered_by_the_law
from anef.applications.sweeps import escalate_overdue_requests
from anef.applications.workflow import CASEWORK_STATES, EventKind, State
from anef.certificates.constants import DocumentStatus, DocumentType
from anef.certificates.models import IssuedDocument
from anef.certificates.sweeps import api_period, issue_due_apis
from anef.core.errors import UserError
from anef.notifications.models import Notification
from anef.sharing.models import Purpose
from anef.sharing.rights import right_for
from anef.territory.services import prefecture_for_postcode
from anef.testing import complete, draft, make_applicant, make_staff

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Addresses in three départements, so that moves transfer files between prefectures.
ADDRESSES = {"69002": "Lyon", "69007": "Lyon", "33000": "Bordeaux", "75011": "Paris"}
DECLARATIONS = ("card-duplicate", "change-of-address", "change-of-situation")
TOLD = (
    EventKind.TRANSFER,
    EventKind.WITHDRAW,
    EventKind.RESTORE_WITHDRAWAL,
    EventKind.CLOSE_NO_ACTION,
    EventKind.REFUSE,
)
START = date(2027, 1, 11)


class APersonsFiles(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self._clock = time_machine.travel(
            timezone.make_aware(datetime.combine(START, time(10)), timezone.get_default_timezone()), tick=False
        )
        self._clock.start()
        self.today = START
        self.agents: dict[int, object] = {}
        self.person = None
        self.issued_on: dict[str, date] = {}

    def teardown(self):
        self._clock.stop()
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # The person and the agents ------------------------------------------------------------------

    @initialize(
        days_left=st.integers(min_value=60, max_value=120),
        postcode=st.sampled_from(sorted(ADDRESSES)),
        on_record=st.booleans(),
    )
    def a_person_files_their_renewal_in_time(self, days_left, postcode, on_record):
        self.person = make_applicant(permit_expires_in_days=days_left, postcode=postcode, permit_on_record=on_record)
        renewal = self._file("student-renewal")
        assert renewal.filed_in_time

    def _agent_for(self, application):
        prefecture_id = application.prefecture_id
        if prefecture_id not in self.agents:
            self.agents[prefecture_id] = make_staff(prefecture_code=application.prefecture.code)
        return self.agents[prefecture_id]

    def _files(self, *states):
        files = self.person.applications.order_by("pk")
        return list(files.filter(state__in=states) if states else files)

    def _file(self, code, **answers):
        application = complete(draft(self.person, code), **answers)
        services.application_submit(application_id=application.pk, actor=self.person.user)
        application.refresh_from_db()
        self.person.refresh_from_db()
        return application

    # What the person does -----------------------------------------------------------------------

    @rule(code=st.sampled_from(DECLARATIONS), postcode=st.sampled_from(sorted(ADDRESSES)))
    def declare(self, code, postcode):
        others = {a.pk for a in self._files(*CASEWORK_STATES)}
        family_open = (
            self.person.applications.filter(procedure__code=code, state__in=CASEWORK_STATES)
            .values_list("reference", flat=True)
            .first()
        )
        answers = {}
        if code == "change-of-address":
            answers = {"new_postcode": postcode, "new_city": ADDRESSES[postcode], "new_address_line": "3 rue Neuve"}
        try:
            declaration = self._file(code, **answers)
        except DuplicateApplication:
            # The only refusal: the same declaration is still open (the message says to complete it).
            assert family_open is not None, "a declaration was refused though none of its kind is open"
            return
        assert declaration.state == State.SUBMITTED
        joined = Application.objects.filter(
            pk__in=others,
            events__kind=EventKind.DECLARATION_JOINED,
            events__payload__declaration=declaration.reference,
        ).count()
        assert joined == len(others), "a declaration did not reach every open file"
        if code == "change-of-address":
            assert self.person.postcode == postcode

    @rule(postcode=st.sampled_from(sorted(ADDRESSES)))
    def moves_and_says_so_in_the_profile(self, postcode):
        person_profile_update(
            person_id=self.person.pk, actor=self.person.user, postcode=postcode, city=ADDRESSES[postcode]
        )
        self.person.refresh_from_db()

    @rule()
    def files_a_renewal_again(self):
        waiting = self.person.applications.filter(
            procedure__code="student-renewal", state__in=(State.SUBMITTED, State.IN_REVIEW, State.AWAITING_APPLICANT)
        ).exists()
        try:
            self._file("student-renewal")
        except UserError:
            assert waiting, "a renewal was refused though none is waiting for a decision"

    @precondition(lambda self: self.person.applications.filter(state=State.AWAITING_APPLICANT).exists())
    @rule(data=st.data())
    def answers_a_request(self, data):
        application = data.draw(st.sampled_from(self._files(State.AWAITING_APPLICANT)))
        services.application_answer_request(application_id=application.pk, actor=self.person.user, answer="Sent.")

    @precondition(lambda self: self.person.applications.filter(state__in=CASEWORK_STATES).exists())
    @rule(data=st.data())
    def withdraws(self, data):
        application = data.draw(st.sampled_from(self._files(*CASEWORK_STATES)))
        try:
            services.application_withdraw(application_id=application.pk, actor=self.person.user)
        except UserError:
            application.refresh_from_db()
            assert application.state not in (State.SUBMITTED, State.IN_REVIEW, State.AWAITING_APPLICANT)
            return
        application.refresh_from_db()
        assert application.state == State.WITHDRAWN
        assert not application.issued_documents.filter(type=DocumentType.API, status=DocumentStatus.VALID).exists()

    # What the agents do -------------------------------------------------------------------------

    @precondition(lambda self: self.person.applications.filter(state=State.SUBMITTED).exists())
    @rule(data=st.data())
    def an_agent_starts_the_review(self, data):
        application = data.draw(st.sampled_from(self._files(State.SUBMITTED)))
        review.application_start_review(application_id=application.pk, actor=self._agent_for(application))

    @precondition(lambda self: self.person.applications.filter(state=State.IN_REVIEW).exists())
    @rule(data=st.data(), days=st.integers(min_value=15, max_value=40))
    def an_agent_asks_for_a_document(self, data, days):
        application = data.draw(st.sampled_from(self._files(State.IN_REVIEW)))
        review.application_request_information(
            application_id=application.pk,
            actor=self._agent_for(application),
            items=["Proof of address"],
            message="Please send it.",
            deadline=self.today + timedelta(days=days),
        )

    @precondition(lambda self: self.person.applications.filter(state__in=CASEWORK_STATES).exists())
    @rule(data=st.data())
    def an_agent_closes_without_action(self, data):
        application = data.draw(st.sampled_from(self._files(*CASEWORK_STATES)))
        request = InformationRequest.objects.filter(application=application, answered_at__isnull=True).first()
        protected = (
            request is not None and application.state == State.AWAITING_APPLICANT and self.today <= request.deadline
        )
        try:
            review.application_close(
                application_id=application.pk, actor=self._agent_for(application), reason_code="unreachable", text="No."
            )
        except UserError:
            application.refresh_from_db()
            assert application.state in CASEWORK_STATES
            return
        assert not protected, "a file was closed while the person still had time to answer"

    @precondition(lambda self: self.person.applications.filter(state=State.IN_REVIEW).exists())
    @rule(data=st.data(), accept=st.booleans())
    def an_agent_decides(self, data, accept):
        application = data.draw(st.sampled_from(self._files(State.IN_REVIEW)))
        agent = self._agent_for(application)
        if accept:
            review.application_accept(application_id=application.pk, actor=agent)
        else:
            review.application_refuse(application_id=application.pk, actor=agent, ground="other", text="Non.")

    @precondition(lambda self: self.person.applications.filter(state=State.ACCEPTED).exists())
    @rule(data=st.data())
    def an_agent_orders_the_card(self, data):
        application = data.draw(st.sampled_from(self._files(State.ACCEPTED)))
        # Refused when the fingerprints are not taken yet, or when the renewal makes the card (invariant below).
        with contextlib.suppress(UserError):
            review.application_card_step(
                application_id=application.pk, event=EventKind.ORDER_CARD, actor=self._agent_for(application)
            )

    @precondition(lambda self: self.person.applications.filter(state=State.WITHDRAWN).exists())
    @rule(data=st.data())
    def an_agent_undoes_a_withdrawal(self, data):
        application = data.draw(st.sampled_from(self._files(State.WITHDRAWN)))
        withdrawn_on = timezone.localdate(application.state_changed_at)
        same_kind_waiting = (
            self.person.applications.filter(
                family_key=application.family_key,
                state__in=(State.SUBMITTED, State.IN_REVIEW, State.AWAITING_APPLICANT),
            )
            .exclude(pk=application.pk)
            .exists()
        )
        restorable = self.today <= withdrawn_on + timedelta(days=30) and not same_kind_waiting
        try:
            review.application_restore_withdrawal(
                application_id=application.pk, actor=self._agent_for(application), reason="Withdrawn by mistake."
            )
        except UserError:
            assert not restorable, "a withdrawal within 30 days could not be undone"
            return
        assert restorable, "a withdrawal was undone past its period or over a newer file"

    # Time ---------------------------------------------------------------------------------------

    @rule(days=st.integers(min_value=1, max_value=40))
    def time_passes(self, days):
        for _ in range(days):
            self.today += timedelta(days=1)
            self._clock.stop()
            self._clock = time_machine.travel(
                timezone.make_aware(datetime.combine(self.today, time(6)), timezone.get_default_timezone()),
                tick=False,
            )
            self._clock.start()
            issue_due_apis(today=self.today)
            escalate_overdue_requests()
            self._record_issue_days()
            self._every_day_is_covered()

    def _record_issue_days(self):
        for number in IssuedDocument.objects.filter(person=self.person, type=DocumentType.API).values_list(
            "number", flat=True
        ):
            self.issued_on.setdefault(number, self.today)

    def _every_day_is_covered(self):
        for renewal in renewals_covered_by_the_law(self.person.applications.all()):
            if renewal.permit_expires_on_at_filing >= self.today:
                continue  # the permit itself still covers today
            covering = IssuedDocument.objects.filter(
                application=renewal,
                type=DocumentType.API,
                status=DocumentStatus.VALID,
                valid_from__lte=self.today,
                valid_until__gte=self.today,
            )
            assert covering.exists(), f"{renewal.reference}: no valid API on {self.today}"

    # Invariants ---------------------------------------------------------------------------------

    @invariant()
    def a_renewal_in_time_keeps_the_right_for_third_parties(self):
        if self.person is None:
            return
        pending = renewals_covered_by_the_law(self.person.applications.all())
        if pending.exists():
            status = right_for(self.person, Purpose.WORK, today=self.today)
            assert status.holds, f"{status.verdict} while a renewal in time is pending"

    @invariant()
    def every_api_is_three_calendar_months_and_issued_before_it_starts(self):
        if self.person is None:
            return
        self._record_issue_days()
        for api in IssuedDocument.objects.filter(person=self.person, type=DocumentType.API):
            assert api.valid_until == api_period(api.valid_from)[1], "not three calendar months"
            issued = self.issued_on[api.number]
            assert api.valid_from >= issued, "back-dated"
            assert api.valid_until - issued >= timedelta(days=settings.ANEF_API_LEAD_DAYS), "issued about to expire"
            assert api.rights == {"residence": True, "work": True}  # a student's renewal, from the catalogue

    @invariant()
    def the_queue_order_follows_every_change_of_state_and_deadline(self):
        """`next_due` (the queue's stored order) is what the file's state and open request say now."""
        if self.person is None:
            return
        for application in self.person.applications.all():
            if application.state == State.AWAITING_APPLICANT:
                request = InformationRequest.objects.get(application=application, answered_at__isnull=True)
                assert application.next_due is not None, f"{application.reference}: no due date while waiting"
                assert application.next_due.astimezone(UTC).date() == request.deadline, application.reference
            elif application.state in (State.SUBMITTED, State.IN_REVIEW):
                assert application.next_due == application.due_at, application.reference
            else:
                assert application.next_due is None, f"{application.reference} ({application.state}) still due"

    @invariant()
    def every_open_file_is_at_the_prefecture_of_the_address(self):
        if self.person is None:
            return
        competent = prefecture_for_postcode(self.person.postcode)
        for application in self.person.applications.filter(state__in=CASEWORK_STATES, appeal_of__isnull=True):
            assert application.prefecture_id == competent.pk, f"{application.reference} left at the old prefecture"

    @invariant()
    def every_transfer_and_end_is_told_with_its_appeal_route(self):
        if self.person is None:
            return
        for application in self.person.applications.all():
            for event in application.events.filter(kind__in=TOLD):
                notices = Notification.objects.filter(event=event)
                assert notices.exists(), f"{event.kind} on {application.reference} told to nobody"
                if event.kind in (EventKind.CLOSE_NO_ACTION, EventKind.REFUSE):
                    deadline = date.fromisoformat(event.payload["appeal_deadline"])
                    assert deadline == timezone.localdate(event.created_at) + timedelta(days=60)
                    assert all(deadline.strftime("%d/%m/%Y") in notice.body for notice in notices)

    @invariant()
    def a_duplicate_orders_no_card_while_the_renewal_makes_it(self):
        if self.person is None:
            return
        ordered = self.person.applications.filter(
            procedure__code="card-duplicate", events__kind=EventKind.ORDER_CARD
        ).distinct()
        for duplicate in ordered:
            ordered_at = duplicate.events.filter(kind=EventKind.ORDER_CARD).earliest("sequence").created_at
            for joined in duplicate.events.filter(kind=EventKind.DECLARATION_JOINED):
                card_by = joined.payload.get("card_by")
                if card_by:
                    renewal = self.person.applications.get(reference=card_by)
                    ended_without_card = renewal.events.filter(
                        kind__in=(EventKind.REFUSE, EventKind.WITHDRAW, EventKind.CLOSE_NO_ACTION),
                        created_at__lte=ordered_at,
                    ).exists()
                    assert ended_without_card, "the duplicate ordered a card while the renewal was making one"


def test_a_persons_files_hold_their_promises_in_every_sequence():
    # More on PostgreSQL (CI's row locks and constraints); ANEF_STATEFUL_EXAMPLES=500 for a deeper hunt.
    examples = 40 if settings.DATABASES["default"]["ENGINE"].endswith("postgresql") else 15
    examples = int(os.environ.get("ANEF_STATEFUL_EXAMPLES", examples))
    run_state_machine_as_test(
        APersonsFiles,
        settings=hypothesis_settings(
            max_examples=examples,
            stateful_step_count=14,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
