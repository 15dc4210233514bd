"""The nightly figures read when each file ended or was reopened from a partial index of the history
(applications.ApplicationEvent, "event_ends_and_reopenings"): it must hold every kind they ask for."""

from anef.applications.models import ApplicationEvent
from anef.transparency.constants import END_EVENTS, REOPEN_EVENTS


def test_the_history_index_holds_every_kind_the_figures_ask_for():
    (index,) = [i for i in ApplicationEvent._meta.indexes if i.name == "event_ends_and_reopenings"]
    (condition,) = index.condition.children
    assert condition[0] == "kind__in"
    assert set(condition[1]) == set(END_EVENTS | REOPEN_EVENTS)
