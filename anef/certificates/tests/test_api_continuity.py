"""The API over simulated time: from the permit's expiry to the decision, not one day without a
valid document; none issued already expired or about to expire; each with the expiring permit's rights."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from anef.applications import review
from anef.applications.models import Application
from anef.certificates.models import IssuedDocument
from anef.certificates.sweeps import api_period, issue_due_apis, renewals_needing_an_api
from anef.testing import make_applicant, make_staff, submitted

pytestmark = pytest.mark.django_db


def _renewal(days_before_expiry: int, allows_work: bool, code: str = "student-renewal"):
    person = make_applicant(permit_expires_in_days=days_before_expiry, allows_work=allows_work)
    return submitted(person, code)


@pytest.mark.slow
@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    days_before_expiry=st.integers(min_value=60, max_value=120),
    decision_after_expiry=st.integers(min_value=-30, max_value=420),
    ticked_work=st.booleans(),
    code=st.sampled_from(["student-renewal", "visitor-renewal"]),
    refused=st.booleans(),
)
def test_no_day_without_a_valid_document_until_the_decision(
    days_before_expiry, decision_after_expiry, ticked_work, code, refused
):
    application = _renewal(days_before_expiry, ticked_work, code)
    assert application.filed_in_time
    agent = make_staff()
    today = timezone.localdate()
    expiry = application.permit_expires_on_at_filing
    decision_day = max(today, expiry + timedelta(days=decision_after_expiry))
    issued_on = {}

    day = today
    while day <= decision_day:
        issue_due_apis(today=day)
        for number in application.issued_documents.filter(type="api").values_list("number", flat=True):
            issued_on.setdefault(number, day)
        day += timedelta(days=1)
    review.application_start_review(application_id=application.pk, actor=agent)
    if refused:
        review.application_refuse(application_id=application.pk, actor=agent, ground="other", text="No")
    else:
        review.application_accept(application_id=application.pk, actor=agent)

    apis = list(IssuedDocument.objects.filter(application=application, type="api").order_by("valid_from"))
    for api in apis:
        issued = issued_on[api.number]
        assert issued < api.valid_from, "issued after the lapse it should prevent"
        assert api.valid_until - issued >= timedelta(days=settings.ANEF_API_LEAD_DAYS), "issued about to expire"
        assert api.valid_until == api_period(api.valid_from)[1], "not three calendar months"
        # The rights of the permit renewed, as the catalogue gives them; never the profile's checkbox.
        assert api.rights == {"residence": True, "work": application.procedure.grants_work}
    covered = expiry
    for api in apis:
        assert api.valid_from <= covered + timedelta(days=1), f"gap before {api.valid_from}"
        covered = max(covered, api.valid_until)
    assert covered >= decision_day, "the holder lacked a document before the decision"
    # The decision ends the last API.
    assert not IssuedDocument.objects.filter(application=application, type="api", status="valid").exists()


def test_the_sweep_run_twice_issues_nothing_twice():
    application = _renewal(61, True)
    day = application.permit_expires_on_at_filing - timedelta(days=10)

    assert issue_due_apis(today=day) == 1
    assert issue_due_apis(today=day) == 0
    assert application.issued_documents.filter(type="api").count() == 1
    assert application.events.filter(kind="document_issue", payload__type="api").count() == 1


def test_late_or_decided_renewals_get_no_api():
    late = _renewal(30, True)
    assert late.filed_in_time is False
    decided = _renewal(61, True)
    agent = make_staff()
    review.application_start_review(application_id=decided.pk, actor=agent)
    review.application_accept(application_id=decided.pk, actor=agent)
    day = timezone.localdate() + timedelta(days=50)

    issue_due_apis(today=day)

    assert not IssuedDocument.objects.filter(type="api", application__in=[late, decided]).exists()
    assert not renewals_needing_an_api(day).filter(pk__in=[late.pk, decided.pk]).exists()


def test_a_failing_issuance_is_an_alert_not_a_silent_gap(monkeypatch):
    from anef.certificates import sweeps

    application = _renewal(61, True)
    second = _renewal(61, True)

    real = sweeps.issue_one_api

    def flaky(application_id, today):
        if application_id == application.pk:
            raise RuntimeError("PDF service down")
        return real(application_id, today)

    monkeypatch.setattr(sweeps, "issue_one_api", flaky)
    with pytest.raises(sweeps.ApiIssuanceFailed, match=str(application.pk)):
        issue_due_apis(today=application.permit_expires_on_at_filing - timedelta(days=5))
    assert second.issued_documents.filter(type="api").exists()
    assert Application.objects.get(pk=application.pk).issued_documents.filter(type="api").count() == 0


def test_the_holder_is_notified_of_a_new_api_with_the_pdf_attached():
    from django.core import mail

    from anef.testing import run_queued_tasks

    application = _renewal(61, True)
    run_queued_tasks()
    mail.outbox.clear()

    issue_due_apis(today=application.permit_expires_on_at_filing - timedelta(days=5))
    run_queued_tasks()

    [email] = [m for m in mail.outbox if m.attachments]
    name, content, mimetype = email.attachments[0]
    assert mimetype == "application/pdf" and content[:4] == b"%PDF"
    api = application.issued_documents.get(type="api")
    assert name == f"{api.number}.pdf"


def test_a_failed_api_alerts_the_prefectures_supervisors_who_can_issue_it_now(client, monkeypatch):
    from django.urls import reverse

    from anef.accounts.constants import Role
    from anef.certificates import sweeps

    application = _renewal(61, True)
    # Time passed: the permit now expires in three days and no API exists yet.
    Application.objects.filter(pk=application.pk).update(
        permit_expires_on_at_filing=timezone.localdate() + timedelta(days=3)
    )

    def failing(application_id, today, actor=None):
        raise RuntimeError("PDF service down")

    monkeypatch.setattr(sweeps, "issue_one_api", failing)
    for _ in range(2):  # the sweep runs every six hours: one alert a day in the history
        with pytest.raises(sweeps.ApiIssuanceFailed):
            issue_due_apis()
    assert application.events.filter(kind="api_issue_failed").count() == 1
    monkeypatch.undo()

    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    elsewhere = make_staff(role=Role.SUPERVISOR, prefecture_code="pref-33")
    client.force_login(elsewhere)
    assert application.reference not in client.get(reverse("backoffice:supervision")).content.decode()
    assert client.post(reverse("backoffice:act", args=[application.reference, "issue_api"])).status_code == 404
    client.force_login(make_staff(role=Role.CASE_AGENT, prefecture_code="pref-69"))
    assert client.post(reverse("backoffice:act", args=[application.reference, "issue_api"])).status_code == 404

    supervisor = make_staff(role=Role.SUPERVISOR, prefecture_code="pref-69")
    client.force_login(supervisor)
    page = client.get(reverse("backoffice:supervision")).content.decode()
    assert "1 renewal filed in time is not covered" in page and application.reference in page
    client.post(reverse("backoffice:act", args=[application.reference, "issue_api"]))
    api = application.issued_documents.get(type="api")
    assert api.valid_from == timezone.localdate() + timedelta(days=4)
    assert "is not covered" not in client.get(reverse("backoffice:supervision")).content.decode()
    # The alert is the prefecture's business: the applicant's timeline does not show it.
    application.person.__class__.objects.filter(pk=application.person_id).update(preferred_language="en")
    client.force_login(application.person.user)
    timeline = client.get(reverse("portal:application", args=[application.reference])).content.decode()
    assert "Automatic issuance of the API failed" not in timeline and "API" in timeline


def test_issue_now_follows_the_sweeps_rule_late_renewals_and_first_permits_get_no_api(client):
    from django.urls import reverse

    from anef.accounts.constants import Role

    late = _renewal(30, True)  # filed 30 days before expiry: not in time, no API
    first = submitted(make_applicant(permit_expires_in_days=None), "student-first")
    Application.objects.filter(pk=late.pk).update(permit_expires_on_at_filing=timezone.localdate() + timedelta(days=3))
    client.force_login(make_staff(role=Role.SUPERVISOR, prefecture_code="pref-69"))

    for application in (late, first):
        response = client.post(
            reverse("backoffice:act", args=[application.reference, "issue_api"]), follow=True, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert "No API is due for this file now." in response.content.decode()
        assert not application.issued_documents.filter(type="api").exists()
        assert not application.events.filter(kind="api_issue_failed").exists()
