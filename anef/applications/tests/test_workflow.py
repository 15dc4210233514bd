from anef.applications.workflow import (
    OPEN_STATES,
    REOPENINGS,
    RESTORATIONS,
    TERMINAL_STATES,
    TRANSITIONS,
    Actor,
    EventKind,
    State,
    allowed_events,
)


def test_every_state_is_reachable_from_draft():
    reached, frontier = {State.DRAFT}, [State.DRAFT]
    while frontier:
        state = frontier.pop()
        for rule in TRANSITIONS.values():
            if state in rule.sources and rule.target not in reached:
                reached.add(rule.target)
                frontier.append(rule.target)
    assert reached == set(State)


def test_every_open_state_can_be_moved_on_and_terminal_states_cannot():
    for state in OPEN_STATES:
        assert any(state in rule.sources for rule in TRANSITIONS.values()), state
    for state in TERMINAL_STATES:
        ways_back = REOPENINGS | RESTORATIONS
        assert not any(state in rule.sources for rule in TRANSITIONS.values() if rule.event not in ways_back), state
    # The one way back from a decision: an appeal granted, which only the system applies.
    assert all(TRANSITIONS[event].actors == {Actor.SYSTEM} for event in REOPENINGS)
    # The one way back from a withdrawal: an agent undoes it (guarded to a short period).
    assert {state for event in RESTORATIONS for state in TRANSITIONS[event].sources} == {State.WITHDRAWN}
    assert all(TRANSITIONS[event].actors == {Actor.AGENT} and TRANSITIONS[event].guards for event in RESTORATIONS)


def test_the_applicant_may_withdraw_before_a_decision_only():
    assert EventKind.WITHDRAW in allowed_events(State.AWAITING_APPLICANT, Actor.APPLICANT)
    assert EventKind.WITHDRAW not in allowed_events(State.ACCEPTED, Actor.APPLICANT)


def test_refusal_closure_and_information_requests_need_a_reason():
    for event in (EventKind.REFUSE, EventKind.CLOSE_NO_ACTION, EventKind.REQUEST_INFORMATION):
        assert TRANSITIONS[event].reason_required


def test_every_guard_effect_and_port_of_the_table_is_a_function_that_exists():
    from django.utils.module_loading import import_string

    from anef.applications.ports import PORTS
    from anef.applications.workflow import ON_EVERY_EVENT

    guards = [guard for t in TRANSITIONS.values() for guard in t.guards]
    effects = [effect for t in TRANSITIONS.values() for effect in t.effects]
    assert guards, "the card's guards at least"
    assert len(effects) >= 10, "documents and appointments follow the decisions"
    for path in [*guards, *effects, *ON_EVERY_EVENT, *PORTS]:
        assert callable(import_string(path)), path


def test_every_kind_of_event_has_its_row_in_the_events_table():
    """A new EventKind without a row in EVENTS (whom it tells, whether it is internal) fails here."""
    from anef.applications.workflow import EVENTS, INTERNAL_EVENTS, Tell

    assert set(EVENTS) == set(EventKind)
    assert all(row.kind == kind for kind, row in EVENTS.items())
    assert not any(EVENTS[kind].tells != Tell.NOBODY for kind in INTERNAL_EVENTS), "internal events tell nobody"
    # Every decision the person must know of tells them.
    for kind in (EventKind.ACCEPT, EventKind.REFUSE, EventKind.CLOSE_NO_ACTION, EventKind.REQUEST_INFORMATION):
        assert EVENTS[kind].tells == Tell.THE_PERSON, kind


def test_every_effect_of_a_move_is_declared_once_and_the_decisions_end_the_api():
    from anef.applications.workflow import END_API, ISSUE_DECISION_LETTER

    for rule in TRANSITIONS.values():
        assert len(rule.effects) == len(set(rule.effects)), rule.event
    for event in (EventKind.ACCEPT, EventKind.REFUSE, EventKind.CLOSE_NO_ACTION, EventKind.WITHDRAW):
        assert END_API in TRANSITIONS[event].effects, event
    for event in (EventKind.ACCEPT, EventKind.REFUSE, EventKind.CLOSE_NO_ACTION):
        assert ISSUE_DECISION_LETTER in TRANSITIONS[event].effects, event
