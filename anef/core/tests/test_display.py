"""Choice labels (anef/core/display.py): the reader's language, every time, at a fraction of Django's cost."""

import pytest
from django.utils import translation

from anef.applications.models import Application, ApplicationEvent
from anef.applications.workflow import EventKind, State
from anef.core.display import speed_up_choice_labels


def test_labels_follow_the_language_of_each_call():
    application = Application(state=State.SUBMITTED)
    event = ApplicationEvent(kind=EventKind.SUBMIT)
    with translation.override("fr"):
        french = (application.get_state_display(), event.get_kind_display())
    with translation.override("en"):
        english = (application.get_state_display(), event.get_kind_display())
    with translation.override("fr"):
        again = (application.get_state_display(), event.get_kind_display())
    assert french == again == ("Déposée", "Demande déposée")
    assert english == ("Submitted", "Application submitted")


def test_a_value_outside_the_choices_is_shown_as_stored():
    assert Application(state="lost-in-migration").get_state_display() == "lost-in-migration"


@pytest.mark.parametrize("model", [Application, ApplicationEvent])
def test_every_generated_display_is_replaced_at_start(model):
    # At start-up every generated method was replaced; nothing is left for a second pass.
    assert speed_up_choice_labels([model]) == 0
