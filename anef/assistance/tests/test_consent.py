"""Nobody acts for a person without their consent (issue 11): a paper mandate opens nothing until
the person confirms it through a channel they already control; every mandate given, used or ended
is told to them; the forms tell nobody who has an account."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from anef.accounts.constants import Role
from anef.assistance.models import Mandate
from anef.notifications.models import Notification
from anef.testing import make_applicant, make_helper, make_staff, paper_person, pdf_upload, profile_form_data, submitted

pytestmark = pytest.mark.django_db

UNTIL = timezone.localdate() + timedelta(days=60)


@pytest.fixture
def helper():
    return make_helper()


def _paper(client, person_email, birth_date):
    return client.post(
        reverse("helperspace:paper_mandate"),
        {
            "person_email": person_email,
            "birth_date": birth_date.isoformat(),
            "ends_on": UNTIL.isoformat(),
            "scan": pdf_upload(),
        },
        follow=True,
    )


def _code(person) -> str:
    body = Notification.objects.get(person=person, kind="mandate_code", channel="email").body
    return re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", body).group(1)


def _confirm(client, person, code):
    return client.post(reverse("helperspace:confirm_mandate"), {"person_email": person.user.email, "code": code})


def test_a_paper_mandate_opens_nothing_until_the_person_gives_their_code(client, helper):
    """The finding: any PDF and an email gave a helper every file of a stranger at once."""
    person = make_applicant()
    person.phone = "+33611223344"
    person.save(update_fields=["phone"])
    application = submitted(person)
    client.force_login(helper)
    _paper(client, person.user.email, person.date_of_birth)

    page = reverse("portal:application", args=[application.reference])
    assert client.get(page).status_code == 404
    assert client.get(reverse("portal:documents", args=[application.reference])).status_code == 404
    assert client.post(reverse("portal:withdraw", args=[application.reference])).status_code == 404
    assert person.full_name not in client.get(reverse("helperspace:dashboard")).content.decode()

    # The code went to the contact details on file, on each channel, never anywhere the helper typed.
    sent = Notification.objects.filter(person=person, kind="mandate_code")
    assert {(n.channel, n.recipient) for n in sent} == {("email", person.email), ("sms", "+33611223344")}

    wrong = _confirm(client, person, "AAAA-AAAA")
    assert wrong.status_code == 400 and "ne correspond à aucun mandat" in wrong.content.decode()
    assert client.get(page).status_code == 404

    assert _confirm(client, person, _code(person).lower()).status_code == 302  # typed as the person read it
    assert client.get(page).status_code == 200
    mandate = Mandate.objects.get(person=person)
    assert mandate.origin == "paper" and mandate.confirmed_at is not None
    assert Notification.objects.filter(person=person, kind="mandate_granted").count() == 2  # email and SMS


def test_the_paper_form_tells_nobody_who_has_an_account(client, helper):
    person = make_applicant()
    client.force_login(helper)
    tried = [
        ("nobody@example.org", person.date_of_birth),
        (person.user.email, person.date_of_birth - timedelta(days=1)),
        (person.user.email, person.date_of_birth),
    ]

    def shown(email, birth_date):
        response = _paper(client, email, birth_date)
        page = re.sub(r'name="(csrfmiddlewaretoken|submission_token)" value="[^"]+"', "", response.content.decode())
        page = page.replace(email, "…").replace(email.replace("@", "%40"), "…")
        return response.status_code, str(response.redirect_chain).replace(email, "…"), page

    answers = [shown(email, birth_date) for email, birth_date in tried]
    assert answers[0] == answers[1] == answers[2]
    # Only the details that match an account (email and date of birth) send a code.
    assert Notification.objects.filter(kind="mandate_code").count() == 1


def test_wrong_codes_cancel_the_request_never_the_persons_account(client, helper):
    person = make_applicant()
    client.force_login(helper)
    _paper(client, person.user.email, person.date_of_birth)
    code = _code(person)
    for _ in range(5):
        _confirm(client, person, "ZZZZ-ZZZZ")
    assert _confirm(client, person, code).status_code == 400  # the request is cancelled
    assert not Mandate.objects.valid().exists()
    client.force_login(person.user)
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_the_person_confirms_or_refuses_from_their_own_space(client, helper):
    person = make_applicant(language="en")
    application = submitted(person)
    client.force_login(helper)
    _paper(client, person.user.email, person.date_of_birth)
    mandate = Mandate.objects.get(person=person)

    stranger = make_applicant()
    client.force_login(stranger.user)
    client.post(reverse("portal:helpers"), {"agree": mandate.pk})
    mandate.refresh_from_db()
    assert mandate.confirmed_at is None  # not theirs to confirm

    client.force_login(person.user)
    page = client.get(reverse("portal:helpers")).content.decode()
    assert "asks for your agreement" in page and "Lucie Fontaine" in page
    client.post(reverse("portal:helpers"), {"refuse": mandate.pk})
    client.force_login(helper)
    assert client.get(reverse("portal:application", args=[application.reference])).status_code == 404

    _paper(client, person.user.email, person.date_of_birth)
    again = Mandate.objects.get(person=person, revoked_at__isnull=True)
    client.force_login(person.user)
    client.post(reverse("portal:helpers"), {"agree": again.pk})
    client.force_login(helper)
    assert client.get(reverse("portal:application", args=[application.reference])).status_code == 200


def test_a_person_without_email_or_phone_gives_a_mandate_at_the_counter(client, helper):
    person = paper_person()
    application = submitted(person)
    counter = make_staff(role=Role.COUNTER_AGENT)
    client.force_login(counter)
    url = reverse("backoffice:counter_mandate", args=[application.reference])
    values = {"helper_email": helper.email, "ends_on": UNTIL.isoformat(), "identity_checked": ""}
    assert client.post(url, values).status_code == 400  # the identity document checked is required
    assert not Mandate.objects.exists()
    response = client.post(url, {**values, "identity_checked": "passeport 19AB12345"})
    assert response.status_code == 302
    mandate = Mandate.objects.get(person=person)
    assert mandate.origin == "counter" and mandate.recorded_by == counter and mandate.confirmed_at
    letter = Notification.objects.get(person=person, kind="mandate_granted")
    assert letter.channel == "letter"

    elsewhere = make_staff(role=Role.COUNTER_AGENT, prefecture_code="pref-33")
    client.force_login(elsewhere)
    assert client.post(url, {**values, "identity_checked": "passeport"}).status_code == 404
    case_agent = make_staff(role=Role.CASE_AGENT)
    client.force_login(case_agent)
    assert client.get(url).status_code == 404


def test_every_use_of_a_mandate_is_told_to_the_person(client, helper):
    from anef.assistance.services import mandate_grant

    person = make_applicant()
    person.phone = "+33611223344"
    person.save(update_fields=["phone"])
    application = submitted(person)
    mandate_grant(person=person, helper_email=helper.email, ends_on=UNTIL)
    client.force_login(helper)

    client.get(reverse("portal:application", args=[application.reference]))
    client.get(reverse("portal:application", args=[application.reference]))
    assert Notification.objects.filter(person=person, kind="mandate_used", channel="email").count() == 1  # a day

    # The helper changes the phone number: the old number is told too.

    url = reverse("portal:application_profile", args=[application.reference])
    assert client.post(url, profile_form_data(person, phone="+33799999999")).status_code == 302
    told = Notification.objects.filter(person=person, kind="profile_update")
    assert {n.recipient for n in told} >= {person.email, "+33611223344", "+33799999999"}
    assert all("Lucie Fontaine" in n.body for n in told)

    client.post(reverse("portal:withdraw", args=[application.reference]), {"confirm": "on", "reason": "test"})
    application.refresh_from_db()
    if application.state == "withdrawn":
        assert "Lucie Fontaine" in Notification.objects.filter(kind="withdraw", channel="email").get().body


def test_the_person_ends_a_mandate_in_one_step_and_is_told(client, helper):
    from anef.assistance.services import mandate_grant

    person = make_applicant()
    application = submitted(person)
    mandate = mandate_grant(person=person, helper_email=helper.email, ends_on=UNTIL)
    client.force_login(person.user)
    client.post(reverse("portal:helpers"), {"revoke": mandate.pk})
    assert Notification.objects.filter(person=person, kind="mandate_ended").exists()
    client.force_login(helper)
    assert client.get(reverse("portal:application", args=[application.reference])).status_code == 404


def test_the_helper_ends_a_mandate_and_sees_each_origin(client, helper):
    from anef.assistance.services import mandate_grant

    person = make_applicant()
    mandate = mandate_grant(person=person, helper_email=helper.email, ends_on=UNTIL)
    client.force_login(helper)
    page = client.get(reverse("helperspace:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "given online by the person" in page
    other = make_helper(structure_name="Autre structure")
    client.force_login(other)
    assert client.post(reverse("helperspace:end_mandate", args=[mandate.pk])).status_code == 404
    client.force_login(helper)
    client.post(reverse("helperspace:end_mandate", args=[mandate.pk]))
    mandate.refresh_from_db()
    assert mandate.revoked_at and mandate.revoked_by == helper
    assert Notification.objects.filter(person=person, kind="mandate_ended").exists()


def test_administrators_see_every_mandate_and_its_origin(client, helper):
    from anef.assistance.services import mandate_grant

    person = make_applicant()
    mandate_grant(person=person, helper_email=helper.email, ends_on=UNTIL)
    admin = make_staff(role=Role.ADMINISTRATOR, prefecture_code=None)
    client.force_login(admin)
    page = client.get(
        reverse("backoffice:structure", args=[helper.structure_id]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert person.full_name in page and "Given online by the person" in page and "in force" in page


def test_mandate_changes_are_security_events_that_administrators_read(client, helper):
    from anef.assistance.services import mandate_grant, mandate_revoke
    from anef.security.models import SecurityEvent

    person = make_applicant()
    client.force_login(helper)
    _paper(client, "nobody@example.org", person.date_of_birth)  # no account: recorded as a miss
    mandate = mandate_grant(person=person, helper_email=helper.email, ends_on=UNTIL)
    mandate_revoke(mandate=mandate, actor=person.user)
    kinds = list(
        SecurityEvent.objects.filter(user=helper, kind__startswith="mandate_")
        .order_by("pk")
        .values_list("kind", "details__matched")
    )
    assert kinds == [("mandate_requested", False), ("mandate_granted", None), ("mandate_ended", None)]
    admin = make_staff(role=Role.ADMINISTRATOR, prefecture_code=None)
    client.force_login(admin)
    page = client.get(reverse("backoffice:security_events"), {"kind": "mandate_granted"}, HTTP_ACCEPT_LANGUAGE="en")
    assert helper.email in page.content.decode()
