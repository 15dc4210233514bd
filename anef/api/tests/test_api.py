import pytest
from django.urls import reverse

from anef.testing import make_applicant, submitted

pytestmark = pytest.mark.django_db


def test_the_catalogue_is_public(client):
    response = client.get(reverse("api:procedure-list"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    codes = {item["code"] for item in response.json()["results"]}
    assert "student-renewal" in codes


def test_applicants_list_only_their_own_applications_with_history(client):
    mine = submitted(make_applicant())
    theirs = submitted(make_applicant())
    client.force_login(mine.person.user)

    listing = client.get(reverse("api:application-list")).json()
    detail = client.get(reverse("api:application-detail", args=[mine.reference])).json()

    assert [item["reference"] for item in listing["results"]] == [mine.reference]
    assert detail["state"] == "submitted"
    assert [event["kind"] for event in detail["events"]][0] == "create"
    assert client.get(reverse("api:application-detail", args=[theirs.reference])).status_code == 404


def test_the_api_needs_a_session_for_applications(client):
    assert client.get(reverse("api:application-list")).status_code == 403


def test_the_openapi_schema_is_served(client):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    assert b"/api/v1/applications/" in response.content
