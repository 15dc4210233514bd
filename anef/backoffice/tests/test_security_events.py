"""The security events page: national administrators only, filtered, paginated, in few queries."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from anef.accounts.constants import Role
from anef.security.constants import SecurityEventKind as Kind
from anef.security.models import SecurityEvent
from anef.security.services import security_event_record
from anef.testing import make_helper, make_staff

pytestmark = pytest.mark.django_db

URL = reverse("backoffice:security_events")


@pytest.fixture
def admin_client():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(make_staff(role=Role.ADMINISTRATOR, prefecture_code=None))
    SecurityEvent.objects.all().delete()  # the sign-in above; the rows' own delete() refuses
    return client


def _rows(response) -> int:
    return response.content.decode().count("<tr>") - 1  # minus the header row


def test_events_are_listed_newest_first_with_their_kind_and_account(admin_client):
    security_event_record(kind=Kind.SIGN_IN_FAILED, email="first@example.org")
    security_event_record(kind=Kind.SIGN_IN_FAILED, email="second@example.org")

    text = admin_client.get(URL).content.decode()

    assert text.index("second@example.org") < text.index("first@example.org")
    assert "Failed sign-in" in text


def test_the_filters_pick_by_kind_account_and_dates(admin_client):
    old = security_event_record(kind=Kind.SIGN_IN, email="old@example.org")
    SecurityEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    security_event_record(kind=Kind.SIGN_IN, email="new@example.org")
    security_event_record(kind=Kind.SIGN_IN_FAILED, email="New@example.org")
    today = timezone.localdate()

    by_kind = admin_client.get(URL, {"kind": "sign_in"})
    by_email = admin_client.get(URL, {"email": " NEW@example.org "})
    by_dates = admin_client.get(
        URL, {"since": str(today - timedelta(days=11)), "until": str(today - timedelta(days=9))}
    )

    assert _rows(by_kind) == 2 and "New@example.org".lower() in by_kind.content.decode()
    assert _rows(by_email) == 2 and "old@example.org" not in by_email.content.decode()
    assert _rows(by_dates) == 1 and "old@example.org" in by_dates.content.decode()


def test_a_start_date_after_the_end_date_is_refused_with_a_clear_error(admin_client):
    security_event_record(kind=Kind.SIGN_IN, email="someone@example.org")

    response = admin_client.get(URL, {"since": "2026-05-02", "until": "2026-05-01"})

    assert response.status_code == 400
    assert "The end date must not be before the start date." in response.content.decode()
    assert "someone@example.org" not in response.content.decode()


def test_the_page_is_paginated_and_its_queries_do_not_grow_with_the_events(admin_client, django_assert_max_num_queries):
    helper = make_helper()
    actor = make_staff(role=Role.ADMINISTRATOR, prefecture_code=None)
    for number in range(60):
        security_event_record(kind=Kind.ACCOUNT_DEACTIVATED, user=helper, actor=actor, number=number)
    SecurityEvent.objects.exclude(kind=Kind.ACCOUNT_DEACTIVATED).delete()

    with django_assert_max_num_queries(12):
        first = admin_client.get(URL)

    assert _rows(first) == 50
    assert _rows(admin_client.get(URL, {"page": 2})) == 10
    assert actor.email in first.content.decode()


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.CASE_AGENT, Role.COUNTER_AGENT])
def test_other_staff_get_404_and_their_attempt_is_recorded(client, role):
    user = make_staff(role=role)
    client.force_login(user)

    assert client.get(URL).status_code == 404

    assert SecurityEvent.objects.filter(kind=Kind.OUT_OF_SCOPE, user=user, path=URL).count() == 1


def test_the_page_speaks_french(admin_client):
    security_event_record(kind=Kind.SIGN_IN_FAILED, email="someone@example.org")

    text = admin_client.get(URL, HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Événements de sécurité" in text and "Échec de connexion" in text
