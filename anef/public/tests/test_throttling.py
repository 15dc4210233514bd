"""Checking a document by its number: a guesser is slowed down, nobody is locked out."""

import pytest
from django.urls import reverse

from anef.testing import make_applicant, submitted

pytestmark = pytest.mark.django_db

GUESSER = {"REMOTE_ADDR": "203.0.113.9", "HTTP_ACCEPT_LANGUAGE": "en"}
EMPLOYER = {"REMOTE_ADDR": "198.51.100.7", "HTTP_ACCEPT_LANGUAGE": "en"}


def test_wrong_dates_of_birth_for_a_number_slow_that_client_only(client):
    person = make_applicant(language="en")
    document = submitted(person).issued_documents.first()
    url = reverse("public:verify")
    for day in range(1, 6):
        answer = client.post(url, {"number": document.number, "birth_date": f"1900-01-0{day}"}, **GUESSER)
        assert answer.status_code == 200

    refused = client.post(url, {"number": document.number, "birth_date": "1900-01-09"}, **GUESSER)
    body = refused.content.decode()
    assert refused.status_code == 429
    assert "Too many wrong document numbers or dates of birth from your connection" in body
    assert f'value="{document.number}"' in body and 'value="1900-01-09"' in body  # what was typed stays

    right = {"number": document.number, "birth_date": person.date_of_birth.isoformat()}
    assert client.post(url, right, **GUESSER).status_code == 429
    employer = client.post(url, right, **EMPLOYER)
    assert employer.status_code == 200 and 'id="verdict"' in employer.content.decode()


def test_a_client_trying_many_numbers_is_slowed_down(client):
    url = reverse("public:verify")
    for number in range(20):
        assert client.post(url, {"number": f"X{number:06d}", "birth_date": "1990-01-01"}, **GUESSER).status_code == 200
    assert client.post(url, {"number": "X999999", "birth_date": "1990-01-01"}, **GUESSER).status_code == 429
