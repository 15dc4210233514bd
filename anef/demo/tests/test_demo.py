"""The demo tells a story: one command makes accounts for every role and files in every state,
so that every screen of the demo shows something real (including letters to post)."""

from datetime import timedelta

import pytest

from anef.accounts.constants import Role
from anef.accounts.models import User
from anef.applications.models import Application, ApplicationEvent
from anef.applications.workflow import EventKind, State
from anef.demo.data import seed_demo
from anef.documents.models import UploadedDocument
from anef.notifications.models import Notification, PrintRun

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_the_demo_has_every_role_every_state_and_letters_to_post():
    assert seed_demo() is True
    assert seed_demo() is False  # a second run changes nothing

    assert set(User.objects.values_list("role", flat=True)) >= set(Role.values)
    states = set(Application.objects.values_list("state", flat=True))
    assert states == set(State.values), set(State.values) - states
    assert Application.objects.filter(channel="counter", person__user__isnull=True).count() >= 2
    assert PrintRun.objects.filter(state="posted").exists()
    waiting = Notification.objects.filter(channel="letter", state="sent", print_run__isnull=True)
    assert waiting.exists() and all(n.letter for n in waiting)
    # Its files tell their story in time: each document was sent when the history says it was.
    added = ApplicationEvent.objects.filter(kind__in=(EventKind.DOCUMENT_ADD, EventKind.DOCUMENT_REPLACE))
    assert added.exists()
    for event in added:
        document = UploadedDocument.objects.get(pk=event.payload["document"])
        assert abs(document.uploaded_at - event.created_at) < timedelta(minutes=1), document.original_name
