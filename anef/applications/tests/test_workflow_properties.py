"""Property-based tests of the workflow: random sequences of actions on one application, driven through
the real services, checked against a model computed from `workflow.TRANSITIONS`.

The model: an action is accepted iff the current state is a source of the event's transition and the
actor's relation to the application (applicant, agent or counter agent of its prefecture, stranger) is
one of the transition's actors. An accepted action moves the application to the transition's target and
appends exactly one event; a refused one raises `ApplicationError` and changes nothing.
"""

from collections import deque
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from anef.accounts.constants import Role
from anef.applications import kernel, review, services
from anef.applications.errors import ApplicationError
from anef.applications.models import Application, ApplicationEvent, InformationRequest
from anef.applications.workflow import (
    APPEAL_STEPS,
    OPEN_STATES,
    REOPENINGS,
    RESTORATIONS,
    TERMINAL_STATES,
    TRANSITIONS,
    Actor,
    EventKind,
    State,
)
from anef.testing import complete, draft, make_applicant, make_staff

pytestmark = pytest.mark.django_db


def _card_step(event):
    def run(application_id, user):
        with transaction.atomic():
            application = (
                Application.objects.select_for_update(of=("self",)).select_related("person").get(pk=application_id)
            )
            kernel.transition(application=application, event=event, actor=user)

    return run


SERVICES = {
    EventKind.SUBMIT: lambda pk, user: services.application_submit(application_id=pk, actor=user),
    EventKind.REOPEN: lambda pk, user: services.application_reopen(application_id=pk, actor=user),
    EventKind.WITHDRAW: lambda pk, user: services.application_withdraw(application_id=pk, actor=user),
    EventKind.ANSWER_REQUEST: lambda pk, user: services.application_answer_request(
        application_id=pk, actor=user, answer="Here is my passport."
    ),
    EventKind.START_REVIEW: lambda pk, user: review.application_start_review(application_id=pk, actor=user),
    EventKind.REQUEST_INFORMATION: lambda pk, user: review.application_request_information(
        application_id=pk,
        actor=user,
        items=["passport"],
        message="Please send a copy of your passport.",
        deadline=timezone.localdate() + timedelta(days=20),
    ),
    EventKind.ACCEPT: lambda pk, user: review.application_accept(application_id=pk, actor=user),
    EventKind.REFUSE: lambda pk, user: review.application_refuse(
        application_id=pk, actor=user, ground="conditions_not_met", text="The conditions are not met."
    ),
    EventKind.CLOSE_NO_ACTION: lambda pk, user: review.application_close(
        application_id=pk, actor=user, reason_code="duplicate", text="Duplicate of another application."
    ),
    EventKind.RESTORE_WITHDRAWAL: lambda pk, user: review.application_restore_withdrawal(
        application_id=pk, actor=user, reason="Withdrawn by mistake."
    ),
    EventKind.ORDER_CARD: _card_step(EventKind.ORDER_CARD),
    EventKind.MARK_CARD_READY: _card_step(EventKind.MARK_CARD_READY),
    EventKind.DELIVER_CARD: _card_step(EventKind.DELIVER_CARD),
    **{
        event: lambda pk, user, event=event: review.application_system_step(
            application_id=pk, event=event, actor=user, reason="By hand."
        )
        for event in APPEAL_STEPS
    },
}
# Events that end a file early or send it back: runs that only drew allowed moves at random would mostly
# loop between draft and submitted or end early, and seldom reach the card.
NOT_TOWARD_THE_CARD = frozenset({EventKind.REOPEN, EventKind.WITHDRAW, EventKind.REFUSE, EventKind.CLOSE_NO_ACTION})
# "applicant" owns the application; "agent" and "counter" work at its prefecture (pref-69, postcode 69002);
# "outsider" is a case agent of another prefecture.
WHO = ("applicant", "agent", "counter", "outsider")
# A procedure without biometrics: the card steps depend on the table alone here (ordering the card
# of a procedure with biometrics also needs them recorded: tested in test_services.py).
PROCEDURE = "vls-ts-validation"


def test_every_transition_of_the_table_has_a_service():
    assert set(SERVICES) == set(TRANSITIONS)


class WorkflowMachine(RuleBasedStateMachine):
    request_open = False  # the model's default (the path search below uses the model alone)

    def __init__(self):
        super().__init__()
        person = make_applicant()
        self.users = {
            "applicant": person.user,
            "agent": make_staff(prefecture_code="pref-69"),
            "counter": make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-69"),
            "outsider": make_staff(prefecture_code="pref-33"),
        }
        self.pk = complete(draft(person, PROCEDURE)).pk
        # The model
        self.state = State.DRAFT
        self.filed = False  # submitted at least once: filing date and prefecture set
        self.accepted: list[EventKind] = []
        self.request_open = False  # asked for documents, not answered yet (within its deadline)
        self.terminal: str | None = None
        self.filed_at = None
        self.forget()

    # -- model ------------------------------------------------------------------------------------------
    def actor_kind(self, who: str) -> Actor | None:
        if who == "applicant":
            return Actor.APPLICANT
        if not self.filed:  # no prefecture yet: staff have no business with the draft
            return None
        return {"agent": Actor.AGENT, "counter": Actor.COUNTER, "outsider": None}[who]

    def allowed(self, event: EventKind, who: str) -> bool:
        transition = TRANSITIONS[event]
        if event == EventKind.CLOSE_NO_ACTION and self.request_open:
            return False  # guard: the person still has time to answer
        if event == EventKind.RESTORE_WITHDRAWAL and not self.filed:
            return False  # guard: a discarded draft is not restored
        return self.state in transition.sources and self.actor_kind(who) in transition.actors

    # -- database (read once per step: the invariants share what they read) -----------------------------
    def application(self) -> Application:
        if self._application is None:
            self._application = Application.objects.get(pk=self.pk)
        return self._application

    def events(self) -> list[ApplicationEvent]:
        if self._events is None:
            self._events = list(ApplicationEvent.objects.filter(application_id=self.pk).order_by("sequence"))
        return self._events

    def forget(self) -> None:
        self._application = self._events = None

    def snapshot(self) -> dict:
        self.forget()
        application = self.application()
        requests = InformationRequest.objects.filter(application_id=self.pk)
        return {
            "state": application.state,
            "filed_at": application.filed_at,
            "due_at": application.due_at,
            "prefecture": application.prefecture_id,
            "assigned_to": application.assigned_to_id,
            "updated_at": application.updated_at,
            "state_changed_at": application.state_changed_at,
            "events": ApplicationEvent.objects.filter(application_id=self.pk).count(),
            # Transitions: document issuance and revocation add events of their own (no state change).
            "transitions": ApplicationEvent.objects.filter(application_id=self.pk).exclude(to_state="").count(),
            "requests": requests.count(),
            "open_requests": requests.filter(answered_at__isnull=True).count(),
        }

    def perform(self, event: EventKind, who: str) -> None:
        before = self.snapshot()
        user = self.users[who]
        if not self.allowed(event, who):
            with pytest.raises(ApplicationError):
                SERVICES[event](self.pk, user)
            assert self.snapshot() == before, f"refused {event} by {who} changed the application"
            return
        SERVICES[event](self.pk, user)
        # Undoing a withdrawal made while a request waited asks for it again: two moves.
        steps = [event]
        if event == EventKind.RESTORE_WITHDRAWAL and self.request_open:
            steps.append(EventKind.REQUEST_INFORMATION)
        after = self.snapshot()
        assert after["transitions"] == before["transitions"] + len(steps)
        moves = [e for e in self.events() if e.to_state][-len(steps) :]
        for step, last in zip(steps, moves, strict=True):
            target = TRANSITIONS[step].target
            assert (last.kind, last.from_state, last.to_state, last.actor_id) == (step, self.state, target, user.pk)
            self.state = target
            self.accepted.append(step)
        assert after["state"] == self.state, f"{event} by {who}: {after['state']} != {self.state}"
        if event == EventKind.REQUEST_INFORMATION:
            self.request_open = True
        if event == EventKind.ANSWER_REQUEST:
            self.request_open = False
        if event == EventKind.SUBMIT:
            self.filed = True
        self.terminal = self.state if self.state in TERMINAL_STATES else None

    # -- rules ------------------------------------------------------------------------------------------
    @rule(event=st.sampled_from(sorted(SERVICES)), who=st.sampled_from(WHO))
    def attempt(self, event, who):
        """Anyone tries anything: most attempts must be refused without a trace."""
        self.perform(event, who)

    def choices(self, *, forward_only: bool) -> list[tuple[EventKind, str]]:
        return [
            (event, who)
            for event in sorted(SERVICES)
            for who in WHO
            if self.allowed(event, who) and not (forward_only and event in NOT_TOWARD_THE_CARD)
        ]

    @precondition(lambda self: self.state in OPEN_STATES)
    @rule(data=st.data())
    def move_on(self, data):
        """Someone does something the table allows, including ending the file (withdraw, refuse, close)."""
        self.perform(*data.draw(st.sampled_from(self.choices(forward_only=False)), label="move"))

    @precondition(lambda self: self.state in OPEN_STATES)
    @rule(data=st.data())
    def move_forward(self, data):
        """Someone takes the file one step further toward the card (so that runs go deep into the workflow)."""
        self.perform(*data.draw(st.sampled_from(self.choices(forward_only=True)), label="forward"))

    @precondition(lambda self: self.state == State.SUBMITTED)
    @rule()
    def correct_and_resubmit(self):
        """The applicant takes the file back and submits it again: the filing date must not move."""
        self.perform(EventKind.REOPEN, "applicant")
        self.perform(EventKind.SUBMIT, "applicant")

    # -- invariants -------------------------------------------------------------------------------------
    @invariant()
    def database_state_is_the_model_state(self):
        assert self.application().state == self.state

    @invariant()
    def terminal_states_never_change(self):
        if self.terminal is not None:
            assert self.application().state == self.terminal
            assert TRANSITIONS[self.accepted[-1]].target == self.terminal

    @invariant()
    def history_is_the_sequence_of_accepted_actions(self):
        events = self.events()
        assert events[0].kind == EventKind.CREATE and events[0].to_state == State.DRAFT
        changes = [event.kind for event in events[1:] if event.to_state]
        assert changes == list(self.accepted)
        # Each state change starts where the previous one ended.
        states = [event.to_state for event in events if event.to_state]
        assert [event.from_state for event in events[1:] if event.to_state] == states[:-1]

    @invariant()
    def sequences_have_no_gaps(self):
        assert [event.sequence for event in self.events()] == list(range(1, len(self.events()) + 1))

    @invariant()
    def open_states_can_move_on(self):
        state = self.application().state
        if state in OPEN_STATES:
            assert any(state in t.sources and t.target != state for t in TRANSITIONS.values()), state
        else:
            # Only a granted appeal reopens a decision, and only the system applies it (test_appeals.py).
            ways_back = REOPENINGS | RESTORATIONS
            assert not any(state in t.sources for t in TRANSITIONS.values() if t.event not in ways_back), state

    @invariant()
    def filing_date_never_changes_once_set(self):
        filed_at = self.application().filed_at
        if self.filed_at is not None:
            assert filed_at == self.filed_at
        elif filed_at is not None:
            self.filed_at = filed_at
        assert (filed_at is not None) == self.filed

    def check_all_invariants(self):
        self.database_state_is_the_model_state()
        self.terminal_states_never_change()
        self.history_is_the_sequence_of_accepted_actions()
        self.sequences_have_no_gaps()
        self.open_states_can_move_on()
        self.filing_date_never_changes_once_set()


MACHINE_SETTINGS = settings(
    max_examples=40,
    stateful_step_count=12,
    deadline=None,
    database=None,  # no .hypothesis/ directory in the project
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.slow
def test_random_sequences_of_actions_follow_the_workflow_table():
    run_state_machine_as_test(WorkflowMachine, settings=MACHINE_SETTINGS)


def _natural_actor(machine: WorkflowMachine, event: EventKind) -> str | None:
    return next((who for who in WHO if machine.allowed(event, who)), None)


def _reachable_paths() -> dict[tuple[str, bool], list[tuple[EventKind, str]]]:
    """Shortest path of (event, actor) from a fresh draft to each model node (state, filed), by the table."""
    probe = WorkflowMachine.__new__(WorkflowMachine)  # model only: no database objects
    paths = {(State.DRAFT, False): []}
    queue = deque(paths)
    while queue:
        node = queue.popleft()
        probe.state, probe.filed = node
        for event in sorted(SERVICES):
            who = _natural_actor(probe, event)
            if who is None:
                continue
            following = (TRANSITIONS[event].target, probe.filed or event == EventKind.SUBMIT)
            if following not in paths:
                paths[following] = [*paths[node], (event, who)]
                queue.append(following)
    return paths


def _run(path) -> WorkflowMachine:
    machine = WorkflowMachine()
    machine.check_all_invariants()
    for event, who in path:
        accepted = len(machine.accepted)
        machine.perform(event, who)
        assert len(machine.accepted) == accepted + 1, f"{event} by {who} was not executed"
        machine.check_all_invariants()
    return machine


def test_every_state_is_reached_by_executing_the_table_through_the_services():
    paths = _reachable_paths()
    # A granted appeal is reached only through an appeal linked to a refusal (test_appeals.py).
    assert {state for state, _filed in paths} == set(State) - {State.APPEAL_GRANTED}
    for (state, _filed), path in paths.items():
        machine = _run(path)
        assert machine.application().state == state


@pytest.mark.slow
def test_every_allowed_transition_runs_through_the_services_from_every_reachable_state():
    executed = set()
    for path in _reachable_paths().values():
        probe = _run(path)
        for event in sorted(SERVICES):
            for who in WHO:
                if probe.allowed(event, who):
                    _run([*path, (event, who)])
                    executed.add((probe.state, event, probe.actor_kind(who)))
    expected = {
        (source, event, actor)
        for event, transition in TRANSITIONS.items()
        for source in transition.sources
        for actor in transition.actors - {Actor.SYSTEM}  # no scheduled job is driven here
    }
    # Guarded while the request runs (the model's requests are always within their deadline here);
    # closing once it has passed is tested through the pages (portal/tests/test_combinations.py).
    expected -= {(State.AWAITING_APPLICANT, EventKind.CLOSE_NO_ACTION, Actor.AGENT)}
    assert executed == expected
