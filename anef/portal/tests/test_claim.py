"""Claiming a counter filing with the code on paper: guessers are slowed down, never the person."""

from datetime import date

import pytest
from django.urls import reverse

from anef.accounts.services import person_create_at_counter
from anef.testing import make_applicant, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def counter_person():
    agent = make_staff(role="counter_agent")
    return person_create_at_counter(
        actor=agent, first_name="Mamadou", last_name="Sylla", date_of_birth=date(1980, 3, 4), postcode="69003"
    )


def test_a_guesser_is_refused_with_429_and_the_person_still_claims_from_their_connection(client, counter_person):
    from django.test import Client

    code = counter_person.claim_code
    guesser = make_applicant(language="en")
    client.force_login(guesser.user)
    url = reverse("portal:claim")
    for day in range(1, 6):
        wrong = client.post(url, {"code": code, "birth_date": f"1990-01-0{day}"}, REMOTE_ADDR="203.0.113.9")
        assert wrong.status_code == 400

    refused = client.post(url, {"code": code, "birth_date": "1990-01-09"}, REMOTE_ADDR="203.0.113.9")
    body = refused.content.decode()
    assert refused.status_code == 429
    assert "Too many wrong codes or dates of birth. Wait an hour and try again." in body
    assert f'value="{code}"' in body and 'value="1990-01-09"' in body  # what was typed stays
    right = {"code": code, "birth_date": "1980-03-04"}
    assert client.post(url, right, REMOTE_ADDR="203.0.113.9").status_code == 429
    counter_person.refresh_from_db()
    assert counter_person.user is None

    owner = make_applicant(language="en")
    owner.applications.all().delete()
    other = Client()
    other.force_login(owner.user)
    assert other.post(url, right, REMOTE_ADDR="198.51.100.7").status_code == 302
    counter_person.refresh_from_db()
    assert counter_person.user == owner.user


def test_an_account_guessing_from_many_connections_is_slowed_down(client):
    guesser = make_applicant(language="en")
    client.force_login(guesser.user)
    url = reverse("portal:claim")
    for number in range(10):
        answer = client.post(
            url, {"code": f"ACDEFGH{number:03d}", "birth_date": "1990-01-01"}, REMOTE_ADDR=f"203.0.113.{number}"
        )
        assert answer.status_code == 400
    assert (
        client.post(url, {"code": "ACDEFGHJKM", "birth_date": "1990-01-01"}, REMOTE_ADDR="203.0.113.99").status_code
        == 429
    )
