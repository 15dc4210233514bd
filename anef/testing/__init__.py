"""Helpers shared by the tests of every app: people, files, complete applications.

Above every app (it builds files through the services of all of them), and independent of the demo
(`anef.demo`): the few data it needs, answers to a procedure's form and a PDF, are built here.
"""

import io
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from PIL import Image

from anef.accounts.constants import PermitType, Role
from anef.accounts.models import Person, User
from anef.applications import kernel, services
from anef.applications.models import Application
from anef.applications.selectors import applicable_documents
from anef.applications.workflow import EventKind
from anef.appointments.constants import RequestStatus
from anef.appointments.models import BookingRequest, Invitation, Slot
from anef.appointments.sweeps import draw_booking_requests
from anef.documents.services import document_upload
from anef.procedures.conditions import condition_holds
from anef.procedures.constants import FieldType
from anef.procedures.models import Procedure
from anef.territory.models import Prefecture

PASSWORD = "correct-horse-battery-staple"
_counter = iter(range(1, 1_000_000))
# What a counter agent types for a person who came in (the registration form's fields).
COUNTER_IDENTITY = {
    "first_name": "Mamadou",
    "last_name": "Sylla",
    "date_of_birth": "1980-03-04",
    "nationality": "GN",
    "address_line": "4 rue Paul Bert",
    "postcode": "69003",
    "city": "Lyon",
    "preferred_language": "fr",
}


def make_applicant(
    *,
    email: str | None = None,
    postcode: str = "69002",
    permit_type: str = PermitType.STUDENT,
    permit_expires_in_days: int | None = 90,
    allows_work: bool = True,
    language: str = "fr",
    permit_on_record: bool = False,
) -> Person:
    """An applicant with an account. The permit is what they declared; `permit_on_record` as if an
    agent had confirmed it (the only permit that gives a right at a third party's check)."""
    number = next(_counter)
    user = User.objects.create_user(email or f"applicant{number}@example.org", PASSWORD, first_name="Test")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return Person.objects.create(
        user=user,
        first_name="Awa",
        last_name=f"Traoré{number}",
        date_of_birth=date(1995, 5, 17),
        nationality="CI",
        address_line="1 rue de la Paix",
        postcode=postcode,
        city="Lyon",
        email=user.email,
        preferred_language=language,
        permit_type=permit_type if permit_expires_in_days is not None else "",
        permit_number="123456" if permit_expires_in_days is not None else "",
        permit_expires_on=(timezone.localdate() + timedelta(days=permit_expires_in_days))
        if permit_expires_in_days is not None
        else None,
        permit_allows_work=allows_work,
        permit_confirmed_at=timezone.now() if permit_on_record and permit_expires_in_days is not None else None,
    )


def make_staff(*, role: str = Role.CASE_AGENT, prefecture_code: str | None = "pref-69", mfa: bool = True) -> User:
    """A staff member, enrolled in the second factor unless mfa=False (the TOTP secret is on `.totp_secret`)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    number = next(_counter)
    prefecture = Prefecture.objects.get(code=prefecture_code) if prefecture_code else None
    user = User.objects.create_user(
        f"agent{number}@example.org",
        PASSWORD,
        role=role,
        prefecture=prefecture,
        first_name="Agent",
        last_name=str(number),
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if mfa:
        user.totp_secret = generate_totp_secret()
        TOTP.activate(user, user.totp_secret)
    return user


def profile_form_data(person: Person, **changes) -> dict:
    """What the profile form posts for this person as it stands (an unchecked box sends nothing), with changes."""
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
        "nationality": person.nationality,
        "address_line": person.address_line,
        "postcode": person.postcode,
        "city": person.city,
        "phone": person.phone,
        "preferred_language": person.preferred_language,
        "permit_type": person.permit_type,
        "permit_number": person.permit_number,
        "permit_expires_on": person.permit_expires_on.isoformat() if person.permit_expires_on else "",
    }
    if person.permit_allows_work:
        data["permit_allows_work"] = "on"
    return {**data, **changes}


def totp_now(secret: str) -> str:
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))


def pdf_upload(name: str = "document.pdf", pages: int = 1) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(pages), content_type="application/pdf")


def pdf_bytes(pages: int = 1, title: str = "") -> bytes:
    """A valid PDF of blank A4 pages (with a title, for the demo's documents)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if title:
        writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def form_answers(procedure: Procedure, *, email: str = "contact@example.org") -> dict:
    """Valid answers to any procedure's form: the first choice, a date in the past, 'no', "Demo"
    for text; the fields whose condition does not hold are left out."""
    answers: dict = {}
    for field in procedure.fields:
        kind = field["type"]
        if kind == FieldType.CHOICE:
            value = field["choices"][0]["value"]
        elif kind == FieldType.BOOLEAN:
            value = False
        elif kind == FieldType.DATE:
            value = (timezone.localdate() - timedelta(days=200)).isoformat()
        elif kind == FieldType.NUMBER:
            value = 1
        elif kind == FieldType.EMAIL:
            value = email
        elif kind == FieldType.PHONE:
            value = "0400000000"
        elif field["name"] == "new_postcode":
            value = "69007"
        else:
            value = "Demo"
        answers[field["name"]] = value
    answers = {
        name: value
        for name, value in answers.items()
        if condition_holds(next(f for f in procedure.fields if f["name"] == name).get("when"), answers)
    }
    if procedure.needs_stamp:
        answers["stamp_number"] = "1234567890123456"
    return answers


def image_bytes(fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def draft(person: Person, code: str = "student-renewal") -> Application:
    return services.application_create(person=person, procedure=Procedure.objects.get(code=code), actor=person.user)


def complete(application: Application, actor: User | None = None, **answers) -> Application:
    """Answer everything (`answers` replace the defaults of `form_answers`) and upload every required
    document: the draft becomes submittable."""
    actor = actor or application.person.user
    procedure = application.procedure
    services.application_save_eligibility(
        application_id=application.pk, answers={q["name"]: q["expected"] for q in procedure.questions}, actor=actor
    )
    services.application_save_answers(
        application_id=application.pk, answers={**form_answers(procedure), **answers}, actor=actor
    )
    application.refresh_from_db()
    for requirement in applicable_documents(application):
        if requirement["required"]:
            document_upload(
                application_id=application.pk,
                requirement_code=requirement["code"],
                uploaded=pdf_upload(f"{requirement['code']}.pdf"),
                actor=actor,
            )
    application.refresh_from_db()
    return application


def filled_at_the_counter(client, code: str, **profile) -> Application:
    """The counter agent signed in on `client` registers the person of COUNTER_IDENTITY (with `profile`'s
    changes) for `code` and fills it for them through the pages, up to the check step: not submitted."""
    from django.urls import reverse

    procedure = Procedure.objects.get(code=code)
    response = client.post(
        reverse("backoffice:counter_register"), {**COUNTER_IDENTITY, **profile, "procedure": procedure.pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    application = Application.objects.filter(person__last_name=COUNTER_IDENTITY["last_name"]).latest("created_at")
    ref = application.reference
    client.post(reverse("portal:eligibility", args=[ref]), {q["name"]: "yes" for q in procedure.questions})
    answers = {k: ("yes" if v else "no") if isinstance(v, bool) else v for k, v in form_answers(procedure).items()}
    client.post(reverse("portal:form", args=[ref]), answers)
    application.refresh_from_db()
    for requirement in applicable_documents(application):
        if requirement["required"]:
            client.post(
                reverse("portal:documents", args=[ref]), {"requirement": requirement["code"], "file": pdf_upload()}
            )
    return application


def submitted(person: Person, code: str = "student-renewal") -> Application:
    application = complete(draft(person, code))
    services.application_submit(application_id=application.pk, actor=person.user)
    application.refresh_from_db()
    return application


def awaiting_answer(*, deadline: date, postcode: str = "69002", language: str = "fr") -> Application:
    """A file under review whose agent asked for a document, to be answered by `deadline`."""
    from anef.applications import review
    from anef.applications.models import InformationRequest

    application = submitted(make_applicant(postcode=postcode, language=language))
    agent = make_staff(prefecture_code=f"pref-{postcode[:2]}")
    review.application_start_review(application_id=application.pk, actor=agent)
    review.application_request_information(
        application_id=application.pk,
        actor=agent,
        items=["Passport"],
        message="Please",
        deadline=timezone.localdate() + timedelta(days=20),
    )
    InformationRequest.objects.filter(application=application).update(deadline=deadline)
    kernel.keep_next_due(application.pk)
    return application


def appealed(refused: Application, *, decide: str = "") -> Application:
    """An appeal of this refusal, filed by the person; `decide` "accept" or "refuse" has an agent of
    the prefecture decide it."""
    from anef.applications import review

    appeal = services.application_create_appeal(refused_id=refused.pk, actor=refused.person.user)
    complete(appeal)
    services.application_submit(application_id=appeal.pk, actor=refused.person.user)
    if decide:
        agent = make_staff(prefecture_code=Application.objects.get(pk=refused.pk).prefecture.code)
        review.application_start_review(application_id=appeal.pk, actor=agent)
        if decide == EventKind.ACCEPT:
            review.application_accept(application_id=appeal.pk, actor=agent)
        else:
            review.application_refuse(application_id=appeal.pk, actor=agent, ground="other", text="Rien de nouveau.")
    appeal.refresh_from_db()
    return appeal


def url_patterns():
    """Every named URL pattern of the project: (namespace, pattern, modules of the URL confs that
    include it). The walks over pages (ownership, accessibility, garbled forms) filter this."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(resolver, namespace="", modules=()):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                module = getattr(entry.urlconf_name, "__name__", str(entry.urlconf_name))
                yield from walk(entry, entry.namespace or namespace, (*modules, module))
            elif isinstance(entry, URLPattern) and entry.name:
                yield namespace, entry, modules

    return list(walk(get_resolver()))


def url_patterns_with_parameters(namespaces: set[str], public_parameters: frozenset = frozenset({"code", "format"})):
    """Every named URL pattern of these namespaces that takes a parameter naming an object:
    (namespace, name, parameters). Used by the ownership walks."""
    found = []
    for namespace, pattern, _modules in url_patterns():
        parameters = set(pattern.pattern.regex.groupindex)
        if namespace in namespaces and parameters - public_parameters:
            found.append((namespace, pattern.name, tuple(sorted(parameters))))
    return found


def run_queued_tasks(max_rounds: int = 10) -> list[str]:
    """Run what the ORM broker holds, as a worker would (tasks may enqueue more). Returns task names."""
    from django.utils.module_loading import import_string
    from django_q.models import OrmQ

    names = []
    for _ in range(max_rounds):
        rows = list(OrmQ.objects.order_by("pk"))
        if not rows:
            break
        for row in rows:
            task = row.task
            func = import_string(task["func"]) if isinstance(task["func"], str) else task["func"]
            func(*task.get("args", ()), **task.get("kwargs", {}))
            names.append(task["func"])
            row.delete()
    return names


def make_site_with_slots(*, prefecture_code: str = "pref-69", kinds=("biometrics", "card_handover"), days: int = 14):
    """A site open 9:00-12:00 on weekdays with two counters, and its seats for the coming days."""
    from datetime import time

    from anef.appointments.models import Counter, OpeningHours
    from anef.appointments.services import slots_generate
    from anef.territory.models import Site

    number = next(_counter)
    site = Site.objects.create(
        prefecture=Prefecture.objects.get(code=prefecture_code),
        name=f"Site {number}",
        address_line="1 place de la Préfecture",
        postcode="69003",
        city="Lyon",
    )
    for name in ("Guichet 1", "Guichet 2"):
        Counter.objects.create(site=site, name=name, kinds=list(kinds))
    for weekday in range(5):
        OpeningHours.objects.create(site=site, weekday=weekday, opens=time(9), closes=time(12))
    start = timezone.localdate()
    for kind in kinds:
        slots_generate(site=site, kind=kind, start=start, end=start + timedelta(days=days))
    return site


def invited(application, agent=None):
    """Start the review (biometrics procedures invite the file); return the open invitation."""
    from anef.applications import review

    review.application_start_review(application_id=application.pk, actor=agent or make_staff())
    return application.invitations.get(status=Invitation.Status.OPEN)


def make_helper(*, structure_name: str = "France Services Lyon 3") -> User:
    from anef.assistance.models import Structure

    admin = User.objects.filter(role=Role.ADMINISTRATOR).first() or make_staff(
        role=Role.ADMINISTRATOR, prefecture_code=None
    )
    structure, _ = Structure.objects.get_or_create(
        name=structure_name, defaults={"kind": "france_services", "address": "Lyon", "vouched_by": admin}
    )
    helper = make_staff(role=Role.HELPER, prefecture_code=None)
    helper.structure = structure
    helper.first_name, helper.last_name = "Lucie", "Fontaine"
    helper.save(update_fields=["structure", "first_name", "last_name"])
    return helper


def biometrics_taken(application: Application) -> None:
    """The person books the biometrics appointment they were invited to and comes: the counter
    records their presence (a site with seats is created for the prefecture if there is none)."""
    from anef.appointments.constants import BookingStatus, Kind
    from anef.appointments.models import Slot
    from anef.appointments.services import booking_book, booking_mark, free_slots

    if not Slot.objects.filter(site__prefecture_id=application.prefecture_id, kind=Kind.BIOMETRICS).exists():
        make_site_with_slots(prefecture_code=application.prefecture.code)
    invitation = application.invitations.get(kind=Kind.BIOMETRICS, status=Invitation.Status.OPEN)
    slot = free_slots(application=application, kind=Kind.BIOMETRICS, limit=1)[0]
    booking = booking_book(token=invitation.token, slot_id=slot.pk, actor=application.person.user)
    appointment_day_came(booking)
    counter = make_staff(role=Role.COUNTER_AGENT, prefecture_code=application.prefecture.code)
    booking_mark(booking_id=booking.pk, presence=BookingStatus.ATTENDED, actor=counter)


def draw_once_windows_closed() -> int:
    """Time passes until the windows of the requests waiting for a draw have closed (their window
    is moved back), then the sweep draws them, as the scheduler would. Returns the draws held."""
    passed = timedelta(minutes=settings.ANEF_APPOINTMENT_DRAW_MINUTES + 2)
    BookingRequest.objects.filter(status=RequestStatus.PENDING).update(window_start=F("window_start") - passed)
    return draw_booking_requests()


def appointment_day_came(booking) -> None:
    """Time passes until the booked appointment has begun (its seat is moved to just before now):
    presence can then be recorded."""
    slot = Slot.objects.get(pk=booking.slot_id)
    length = slot.ends_at - slot.starts_at
    moment = timezone.now() - timedelta(minutes=1)
    while Slot.objects.filter(counter_id=slot.counter_id, starts_at=moment).exists():
        moment -= timedelta(seconds=1)
    Slot.objects.filter(pk=slot.pk).update(starts_at=moment, ends_at=moment + length)


def card_ready(person: Person | None = None, code: str = "student-renewal") -> Application:
    """A file accepted, its card ordered and ready: the handover invitation is open."""
    from anef.applications import review
    from anef.applications.workflow import EventKind

    application = submitted(person or make_applicant(), code)
    agent = make_staff()
    review.application_start_review(application_id=application.pk, actor=agent)
    review.application_accept(application_id=application.pk, actor=agent)
    if application.procedure.biometrics:
        biometrics_taken(application)
    for event in (EventKind.ORDER_CARD, EventKind.MARK_CARD_READY):
        with transaction.atomic():  # as a service would: the history is written under the row lock
            locked = kernel.lock_application(application.pk)
            kernel.transition(application=locked, event=event, actor=agent)
    application.refresh_from_db()
    return application


def paper_person(postcode: str = "69003") -> Person:
    """A person known by post only (no email, no phone): everything reaches them as letters."""
    person = make_applicant(postcode=postcode)
    Person.objects.filter(pk=person.pk).update(
        email="", phone="", address_line="4 rue Paul Bert", city="Lyon", first_name="Mamadou", last_name="Sylla"
    )
    person.refresh_from_db()
    return person


def letters_waiting_for(person: Person, count: int = 1) -> list[Application]:
    """Submitted files of a paper person whose letters are rendered and wait for a print run."""
    applications = [submitted(person, code) for code in ("student-renewal", "family-first")[:count]]
    run_queued_tasks()
    return applications


def race(calls) -> list[str]:
    """Run the calls in threads released at the same moment (PostgreSQL tests): "ok" or the name
    of the exception each one raised; one outcome per call, so a thread that died is seen."""
    import threading

    from django.db import connection

    barrier = threading.Barrier(len(calls))
    outcomes = []

    def run(call):
        try:
            barrier.wait()
            call()
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001 - every outcome is reported to the test
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == len(calls), outcomes
    return outcomes


def rewriting_history(*models):
    """Tests only: lift the append-only triggers (UPDATE and DELETE) of these models on PostgreSQL,
    to backdate rows the way time would have. The product never does this."""
    import pgtrigger

    from anef.core.append_only import DELETE_TRIGGER, UPDATE_TRIGGER

    return pgtrigger.ignore(
        *(f"{model._meta.label}:{name}" for model in models for name in (UPDATE_TRIGGER, DELETE_TRIGGER))
    )
