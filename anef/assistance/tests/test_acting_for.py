"""A helper acting for a person (issue 15): every page of the person's file says for whom and until
when; the check page speaks of the person, not to them; the person is told, in their language, who
did what; and a person without email can be helped on a paper mandate."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from anef.assistance.models import Mandate
from anef.assistance.services import mandate_grant
from anef.notifications.models import Notification
from anef.testing import complete, draft, make_applicant, make_helper, paper_person, pdf_upload, submitted

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
UNTIL = timezone.localdate() + timedelta(days=60)


@pytest.fixture
def helper():
    return make_helper()


def test_every_page_of_the_persons_file_says_the_helper_acts_for_them_and_until_when(client, helper):
    person = make_applicant(language="en")
    application = complete(draft(person))
    mandate_grant(person=person, helper_email=helper.email, ends_on=UNTIL)
    client.force_login(helper)
    with translation.override("en"):
        until = date_format(UNTIL, "DATE_FORMAT")
    for name in ("portal:form", "portal:documents", "portal:review", "portal:messages"):
        page = client.get(reverse(name, args=[application.reference]), **EN).content.decode()
        assert 'id="acting-for"' in page, name
        assert f"You are acting for {person.full_name} under a mandate until {until}." in page, name
    # Not on the helper's own pages, nor for the person themselves.
    assert 'id="acting-for"' not in client.get(reverse("helperspace:dashboard"), **EN).content.decode()
    client.force_login(person.user)
    own = client.get(reverse("portal:review", args=[application.reference]), **EN).content.decode()
    assert 'id="acting-for"' not in own and "Your answers" in own and "you certify that" in own


def test_the_check_page_speaks_of_the_person_to_the_helper(client, helper):
    person = make_applicant(language="en")
    application = complete(draft(person))
    mandate_grant(person=person, helper_email=helper.email, ends_on=UNTIL)
    client.force_login(helper)
    page = client.get(reverse("portal:review", args=[application.reference]), **EN).content.decode()
    assert "The person's answers" in page and "Your answers" not in page
    assert f"you file this application for {person.full_name}, with their consent" in page
    assert "Submit my application" not in page and f"Submit the application of {person.full_name}" in page


def test_the_person_is_told_in_their_language_which_helper_did_what(client, helper):
    person = make_applicant(language="en")
    application = complete(draft(person))
    mandate_grant(person=person, helper_email=helper.email, ends_on=UNTIL)
    client.force_login(helper)
    submitting = client.post(reverse("portal:review", args=[application.reference]), **EN)
    confirmation = client.get(submitting.url, **EN).content.decode()
    assert f"The application of {person.full_name} is submitted" in confirmation
    assert "Your application is submitted" not in confirmation
    mail = Notification.objects.get(person=person, kind="submit", channel="email")
    assert mail.language == "en"
    assert f"news on your application {application.reference}" in mail.body
    assert "Done by Lucie Fontaine (France Services Lyon 3), who acts for you under your mandate" in mail.body
    assert reverse("portal:helpers") in mail.body


def _paper_without_email(client, person, **changes):
    data = {
        "person_email": "",
        "last_name": person.last_name.lower(),
        "file_or_claim": "",
        "birth_date": person.date_of_birth.isoformat(),
        "ends_on": UNTIL.isoformat(),
        "scan": pdf_upload(),
        **changes,
    }
    return client.post(reverse("helperspace:paper_mandate"), data)


def test_a_person_without_email_is_helped_on_paper_named_by_their_file_and_confirms_by_text_message(client, helper):
    person = paper_person()
    person.phone = "+33611223344"
    person.save(update_fields=["phone"])
    application = submitted(person)
    client.force_login(helper)

    answer = _paper_without_email(client, person, file_or_claim=application.reference.lower())
    assert answer.status_code == 302 and application.reference.lower() in answer["Location"].lower()
    sms = Notification.objects.get(person=person, kind="mandate_code")
    assert sms.channel == "sms" and sms.recipient == "+33611223344"
    code = re.search(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b", sms.body).group(1)

    page = reverse("portal:application", args=[application.reference])
    assert client.get(page).status_code == 404  # nothing before the code
    confirm = {"person_email": application.reference, "code": code}
    assert client.post(reverse("helperspace:confirm_mandate"), confirm).status_code == 302
    assert client.get(page).status_code == 200
    assert Mandate.objects.get(person=person).confirmed_at is not None


def test_a_person_without_email_or_phone_is_named_by_their_claim_code_and_gets_the_code_by_post(client, helper):
    person = paper_person()
    Mandate.objects.all().delete()
    type(person).objects.filter(pk=person.pk).update(claim_code="ACDEFGHJKM", user=None)
    person.refresh_from_db()
    client.force_login(helper)
    assert _paper_without_email(client, person, file_or_claim="acde-fghjkm").status_code == 302
    letter = Notification.objects.get(person=person, kind="mandate_code")
    assert letter.channel == "letter"
    assert "confirm it at your prefecture" in letter.body or "au guichet de votre préfecture" in letter.body
    assert "in your space" not in letter.body and "dans votre espace" not in letter.body
    assert Mandate.objects.get(person=person).confirmed_at is None


def test_paper_details_that_match_nobody_change_nothing_and_answer_the_same(client, helper):
    person = paper_person()
    application = submitted(person)
    client.force_login(helper)
    wrong_name = _paper_without_email(client, person, last_name="Martin", file_or_claim=application.reference)
    wrong_file = _paper_without_email(client, person, file_or_claim="ZZZZ99999")
    assert wrong_name.status_code == wrong_file.status_code == 302
    assert not Mandate.objects.exists() and not Notification.objects.filter(kind="mandate_code").exists()

    missing = _paper_without_email(client, person, last_name="")  # neither email nor name and file number
    assert missing.status_code == 400 and not Mandate.objects.exists()
