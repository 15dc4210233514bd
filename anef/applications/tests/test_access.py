"""`access.py` is the one definition of who may see a file and act on it: its two answers (the
capacity in which a user acts, and the files each user may open) must never disagree."""

from datetime import timedelta

import pytest
from django.utils import timezone

from anef.accounts.constants import Role
from anef.applications.access import (
    actor_kind,
    allowed_events,
    applications_for_agent,
    applications_for_applicant,
)
from anef.applications.models import Application, Channel
from anef.applications.workflow import Actor, EventKind, State
from anef.assistance.services import mandate_grant
from anef.core.testing import draft, make_applicant, make_helper, make_staff, submitted

pytestmark = pytest.mark.django_db


def _files():
    owner, other = make_applicant(), make_applicant(postcode="33000")
    online_draft, online_filed = draft(owner), submitted(owner, code="student-first")
    elsewhere = submitted(other)  # filed in the Gironde
    counter_draft = draft(make_applicant())
    Application.objects.filter(pk=counter_draft.pk).update(channel=Channel.COUNTER, prefecture=online_filed.prefecture)
    counter_filed = submitted(make_applicant(), code="student-first")
    Application.objects.filter(pk=counter_filed.pk).update(channel=Channel.COUNTER)
    return owner, [
        Application.objects.get(pk=a.pk) for a in (online_draft, online_filed, elsewhere, counter_draft, counter_filed)
    ]


def test_the_capacity_in_which_a_user_acts_and_the_files_they_may_open_agree_for_every_role():
    owner, files = _files()
    mandated = make_helper()
    mandate_grant(person=owner, helper_email=mandated.email, ends_on=timezone.localdate() + timedelta(days=60))
    users = [
        owner.user,
        make_applicant(postcode="69003").user,
        mandated,
        make_helper(structure_name="Another structure"),
        make_staff(role=Role.CASE_AGENT),
        make_staff(role=Role.CASE_AGENT, prefecture_code="pref-33"),
        make_staff(role=Role.SUPERVISOR),
        make_staff(role=Role.COUNTER_AGENT),
        make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-33"),
        make_staff(role=Role.ADMINISTRATOR, prefecture_code=None),
    ]
    seen = set()
    for user in users:
        as_applicant = set(applications_for_applicant(user=user).values_list("pk", flat=True))
        as_staff = set(applications_for_agent(agent=user).values_list("pk", flat=True))
        for application in files:
            kind = actor_kind(user=user, application=application)
            where = (user.role, application.channel, application.state, application.prefecture_id)
            seen.add((user.role, kind))
            if application.pk in as_applicant:
                assert kind in (Actor.APPLICANT, Actor.COUNTER), where
            if application.pk in as_staff:
                assert kind in (Actor.AGENT, Actor.COUNTER), where
            if kind is None:
                assert application.pk not in as_applicant | as_staff, where
                assert allowed_events(user=user, application=application) == frozenset(), where
            if kind == Actor.APPLICANT:
                assert application.pk in as_applicant, where
            if kind in (Actor.AGENT, Actor.COUNTER) and application.state != State.DRAFT:
                assert application.pk in as_staff, where
            if kind == Actor.COUNTER and application.channel == Channel.COUNTER:
                assert application.pk in as_applicant, where
    # Every capacity was met, and every kind of user was refused somewhere.
    assert {kind for _role, kind in seen} >= {Actor.APPLICANT, Actor.AGENT, Actor.COUNTER, None}


def test_what_a_user_may_do_on_a_file_follows_who_they_are_to_it():
    person = make_applicant()
    application = submitted(person)
    agent, outsider = make_staff(role=Role.CASE_AGENT), make_staff(role=Role.CASE_AGENT, prefecture_code="pref-33")

    assert EventKind.WITHDRAW in allowed_events(user=person.user, application=application)
    assert EventKind.START_REVIEW not in allowed_events(user=person.user, application=application)
    assert EventKind.START_REVIEW in allowed_events(user=agent, application=application)
    assert allowed_events(user=outsider, application=application) == frozenset()
