"""Issue 14, "rights that come from the records": what an employer reads comes from what the
administration issued or decided, never from what the person typed; and each verdict reads
differently, in French and in English."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from anef.accounts.constants import PermitType
from anef.accounts.models import Person
from anef.accounts.services import person_update
from anef.applications import review
from anef.applications.models import Application
from anef.certificates.models import IssuedDocument
from anef.sharing.constants import RightVerdict
from anef.sharing.services import share_code_create
from anef.testing import make_applicant, make_staff, submitted

pytestmark = pytest.mark.django_db


def _employer_check(client, person, purpose="work", language="en") -> str:
    code = share_code_create(person=person, purpose=purpose)
    answer = client.post(
        reverse("public:check_right"),
        {"code": code.display, "birth_date": person.date_of_birth.isoformat(), "verifier": "Garage Martin"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert answer.status_code == 200
    return answer.content.decode()


def _verdict(body: str) -> str:
    return body.split('data-verdict="', 1)[1].split('"', 1)[0]


def test_a_visitor_who_ticks_work_and_types_a_far_expiry_gets_no_right_at_the_employers_check(client):
    visitor = make_applicant(
        permit_type=PermitType.VISITOR, allows_work=True, permit_expires_in_days=5 * 365, language="en"
    )
    far = date_format(visitor.permit_expires_on, "d/m/Y")

    body = _employer_check(client, visitor)

    assert _verdict(body) == RightVerdict.NO_RIGHT
    assert "No right appears in the administration&#x27;s records today" in body
    assert "The right holds" not in body and far not in body
    # The holder is told why, on their own pages: what they typed is a declaration.
    client.force_login(visitor.user)
    sharing = client.get(reverse("portal:sharing"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="permit-unconfirmed"' in sharing
    profile = client.get(reverse("portal:profile"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "it gives no right by itself until an agent confirms it" in profile


def test_an_agent_confirms_the_declared_permit_and_a_later_change_makes_it_a_claim_again(client):
    person = make_applicant(permit_type=PermitType.STUDENT, allows_work=True, permit_expires_in_days=100)
    application = submitted(person, "student-renewal")
    agent = make_staff()
    client.force_login(agent)
    case = client.get(reverse("backoffice:case", args=[application.reference])).content.decode()
    assert "declared, not confirmed" in case or "déclaré, non confirmé" in case

    client.post(reverse("backoffice:act", args=[application.reference, "confirm_permit"]))

    person.refresh_from_db()
    assert person.permit_on_record and person.permit_confirmed_by == agent
    assert application.events.filter(kind="permit_confirm", payload__allows_work=True).exists()
    client.logout()
    holds = _employer_check(client, person)
    assert _verdict(holds) == RightVerdict.HOLDS
    assert date_format(person.permit_expires_on, "d/m/Y") in holds

    # The person types another expiry date: what the agent confirmed is no longer what the profile says.
    person_update(person_id=person.pk, actor=person.user, permit_expires_on=timezone.localdate() + timedelta(days=2000))
    person.refresh_from_db()
    assert not person.permit_on_record
    client.logout()
    after = _employer_check(client, person)
    assert _verdict(after) == RightVerdict.RENEWAL_PENDING  # the renewal filed in time, not the typed date
    assert date_format(person.permit_expires_on, "d/m/Y") not in after


def test_when_the_api_could_not_be_issued_the_renewal_in_time_itself_answers_the_employer(client):
    person = make_applicant(permit_expires_in_days=61, allows_work=False, language="en")  # work ticked off
    application = submitted(person, "student-renewal")  # the catalogue: a student permit allows work
    assert application.filed_in_time
    # The permit expired yesterday and the automatic API failed: no document covers today.
    yesterday = timezone.localdate() - timedelta(days=1)
    Application.objects.filter(pk=application.pk).update(permit_expires_on_at_filing=yesterday)
    Person.objects.filter(pk=person.pk).update(permit_expires_on=yesterday)
    assert not IssuedDocument.objects.filter(person=person, type="api").exists()

    body = _employer_check(client, person)

    assert _verdict(body) == RightVerdict.RENEWAL_PENDING
    assert "A renewal filed in time is pending: the right continues" in body
    assert "Check again on " + date_format(timezone.localdate() + timedelta(days=7), "d/m/Y") in body
    assert "No right" not in body


def _titles_and_lines(client, language: str) -> dict[str, str]:
    nothing = make_applicant(permit_expires_in_days=None, language=language)
    stay_only = make_applicant(
        permit_type=PermitType.VISITOR, allows_work=False, permit_on_record=True, language=language
    )
    decided = make_applicant(permit_expires_in_days=None, language=language)
    application = submitted(decided, "student-first")
    agent = make_staff()
    review.application_start_review(application_id=application.pk, actor=agent)
    review.application_accept(application_id=application.pk, actor=agent)
    # The attestation of favourable decision is not out (its issuance failed).
    IssuedDocument.objects.filter(application=application, type="attestation_decision_favorable").delete()
    answers = {}
    for person in (nothing, stay_only, decided):
        body = _employer_check(client, person, language=language)
        answers[_verdict(body)] = body.split('class="fr-alert__title">', 1)[1].split("</h2>", 1)[0]
    return answers


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_right_stay_without_work_and_not_issued_yet_never_read_the_same(client, language):
    answers = _titles_and_lines(client, language)

    assert set(answers) == {RightVerdict.NO_RIGHT, RightVerdict.STAY_WITHOUT_WORK, RightVerdict.NOT_ISSUED_YET}
    assert len(set(answers.values())) == 3
    if language == "fr":
        assert "séjourner" in answers[RightVerdict.STAY_WITHOUT_WORK]
