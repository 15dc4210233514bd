from anef.applications.workflow import (
    OPEN_STATES,
    REOPENINGS,
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
        assert not any(state in rule.sources for rule in TRANSITIONS.values() if rule.event not in REOPENINGS), state
    # The one way back from a decision: an appeal granted, which only the system applies.
    assert all(TRANSITIONS[event].actors == {Actor.SYSTEM} for event in REOPENINGS)


def test_the_applicant_may_withdraw_before_a_decision_only():
    assert EventKind.WITHDRAW in allowed_events(State.AWAITING_APPLICANT, Actor.APPLICANT)
    assert EventKind.WITHDRAW not in allowed_events(State.ACCEPTED, Actor.APPLICANT)


def test_refusal_closure_and_information_requests_need_a_reason():
    for event in (EventKind.REFUSE, EventKind.CLOSE_NO_ACTION, EventKind.REQUEST_INFORMATION):
        assert TRANSITIONS[event].reason_required


def test_every_guard_of_the_table_is_a_function_that_exists():
    from django.utils.module_loading import import_string

    from anef.applications.workflow import TRANSITIONS

    guards = [t.guard for t in TRANSITIONS.values() if t.guard]
    assert guards, "the card's guard at least"
    for guard in guards:
        assert callable(import_string(guard)), guard
