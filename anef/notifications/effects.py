"""What every event of an application's history does (`workflow.ON_EVERY_EVENT`): the person is
told, on every channel, in the transaction of the change, when the `EVENTS` table says so."""

from anef.applications.kernel import Happened

from .services import notify_event


def tell_the_person(happened: Happened) -> None:
    notify_event(happened.event)
