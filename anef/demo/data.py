"""Demo data that tells a story, generated through the services (so histories are real).

Run by `manage.py seed_demo` (and by the run command). Idempotent: it does nothing if the demo
applicant already exists.
"""

import time
import zlib
from datetime import date, timedelta
from decimal import Decimal

import pgtrigger
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from allauth.mfa.utils import decrypt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from anef.accounts.constants import PermitType, Role
from anef.accounts.models import Person, User
from anef.applications import kernel, review, services
from anef.applications.models import Application, ApplicationEvent
from anef.applications.selectors import applicable_documents
from anef.applications.workflow import EventKind, State
from anef.documents.models import UploadedDocument
from anef.documents.services import document_upload
from anef.incidents.services import incident_declare
from anef.procedures.models import Procedure
from anef.territory.models import Prefecture, Site
from anef.testing import form_answers, pdf_bytes
from anef.transparency.inquiries import inquiry_answer, inquiry_send
from anef.transparency.services import figures_backfill

DEMO_PASSWORD = "demo-anef-2026"
DOMAIN = "demo.anef.example"

STAFF = [
    # email, first, last, role, prefecture code
    ("admin", "Nadia", "Benali", Role.ADMINISTRATOR, None),
    ("superviseur.rhone", "Paul", "Girard", Role.SUPERVISOR, "pref-69"),
    ("instructeur.rhone", "Sophie", "Martin", Role.CASE_AGENT, "pref-69"),
    ("guichet.rhone", "Karim", "Haddad", Role.COUNTER_AGENT, "pref-69"),
    ("instructeur.gironde", "Julien", "Moreau", Role.CASE_AGENT, "pref-33"),
    ("superviseur.gironde", "Claire", "Lefèvre", Role.SUPERVISOR, "pref-33"),
    ("aidant", "Lucie", "Fontaine", Role.HELPER, None),
]

APPLICANTS = [
    # email, first, last, birth, nationality, address, postcode, city, phone, language, permit
    {
        "key": "amina",
        "first_name": "Amina",
        "last_name": "Diallo",
        "date_of_birth": date(1998, 4, 12),
        "nationality": "SN",
        "address_line": "12 rue de la République",
        "postcode": "69002",
        "city": "Lyon",
        "phone": "0612345678",
        "preferred_language": "fr",
        "permit": (PermitType.STUDENT, "6901234567", 90, True),
    },
    {
        "key": "carlos",
        "first_name": "Carlos",
        "last_name": "Mendes",
        "date_of_birth": date(1987, 9, 3),
        "nationality": "BR",
        "address_line": "5 cours de l'Intendance",
        "postcode": "33000",
        "city": "Bordeaux",
        "phone": "",
        "preferred_language": "en",
        "permit": (PermitType.EMPLOYEE, "3309876543", 75, True),
    },
    {
        "key": "wei",
        "first_name": "Wei",
        "last_name": "Li",
        "date_of_birth": date(1992, 1, 25),
        "nationality": "CN",
        "address_line": "40 avenue Jean Jaurès",
        "postcode": "69007",
        "city": "Lyon",
        "phone": "0698765432",
        "preferred_language": "en",
        "permit": (PermitType.TALENT, "6905554443", 400, True),
    },
    {
        "key": "fatou",
        "first_name": "Fatou",
        "last_name": "Camara",
        "date_of_birth": date(1979, 11, 30),
        "nationality": "ML",
        "address_line": "3 place Bellecour",
        "postcode": "69002",
        "city": "Lyon",
        "phone": "0611223344",
        "preferred_language": "fr",
        "permit": (PermitType.FAMILY, "6907778889", 100, True),
    },
    {
        "key": "oleksandr",
        "first_name": "Oleksandr",
        "last_name": "Kovalenko",
        "date_of_birth": date(1990, 6, 14),
        "nationality": "UA",
        "address_line": "18 quai des Chartrons",
        "postcode": "33300",
        "city": "Bordeaux",
        "phone": "0755667788",
        "preferred_language": "en",
        "permit": (PermitType.VISITOR, "3301112223", 200, False),
    },
]

# (applicant, procedure, target state, days ago it was started)
STORY = [
    ("amina", "student-first", "card_delivered", 400),
    ("amina", "student-renewal", "submitted", 3),
    ("amina", "change-of-address", "draft", 1),
    ("carlos", "employee-renewal", "in_review", 12),
    ("carlos", "card-duplicate", "awaiting_applicant", 20),
    ("wei", "talent-passport", "accepted", 40),
    ("wei", "naturalisation", "submitted", 8),
    ("fatou", "family-renewal", "card_ready", 70),
    ("fatou", "change-of-situation", "refused", 50),
    ("fatou", "visitor", "withdrawn", 30),
    ("oleksandr", "visitor", "in_review", 25),
    ("oleksandr", "card-duplicate", "closed_no_action", 60),
    ("oleksandr", "vls-ts-validation", "card_delivered", 200),
    ("wei", "employee-first", "card_ordered", 90),
]

# Files decided over the past months, so the processing times (SPEC §9) rest on enough decisions:
# postcode, city, procedure, how many, days ago of the most recent (one file every 17 days before).
DECIDED = [
    ("69007", "Lyon", "student-renewal", 7, 35),
    ("69008", "Lyon", "employee-renewal", 6, 45),
    ("33800", "Bordeaux", "student-renewal", 6, 40),
]
DECIDED_NAMES = [
    ("Moussa", "Traoré"),
    ("Li", "Na"),
    ("Aylin", "Demir"),
    ("Kwame", "Asante"),
    ("Sara", "Haddad"),
    ("Ivan", "Petrenko"),
    ("Nour", "Saleh"),
    ("Thanh", "Nguyen"),
    ("Grace", "Okafor"),
    ("Rania", "Toumi"),
    ("Diego", "Ramírez"),
    ("Anya", "Koval"),
    ("Bilal", "Cherif"),
    ("Mei", "Chen"),
    ("Oumar", "Sow"),
    ("Lina", "Aziz"),
    ("Tomás", "Ferreira"),
    ("Zainab", "Bello"),
    ("Arjun", "Patel"),
]

# More people, so that the queues, filters and supervision screens show a real prefecture's day.
CROWD = [
    # first, last, nationality, born, postcode, city, permit expires in, procedure, target, days ago
    ("Youssef", "El Amrani", "MA", date(1995, 3, 2), "69003", "Lyon", 70, "student-renewal", "submitted", 2),
    ("Mariana", "Silva", "PT", date(1988, 7, 19), "69100", "Villeurbanne", 65, "employee-renewal", "submitted", 5),
    ("Thi Lan", "Nguyen", "VN", date(1999, 12, 1), "69007", "Lyon", 100, "student-renewal", "in_review", 18),
    # Two files that waited longer than 9 in 10: one inquiry waits for its answer, one was answered.
    ("Hamza", "Ouali", "DZ", date(1997, 5, 21), "69007", "Lyon", 100, "student-renewal", "in_review", 180),
    ("Leila", "Mansour", "TN", date(1996, 8, 30), "69008", "Lyon", 110, "student-renewal", "in_review", 220),
    ("Ibrahima", "Sow", "SN", date(1985, 2, 14), "69008", "Lyon", 80, "family-renewal", "awaiting_applicant", 35),
    ("Ana", "Popescu", "MD", date(1993, 9, 9), "69001", "Lyon", 110, "employee-renewal", "in_review", 48),
    ("Kofi", "Mensah", "GH", date(1990, 4, 23), "69200", "Vénissieux", 300, "talent-passport", "submitted", 26),
    ("Leila", "Haddad", "TN", date(1997, 6, 30), "69003", "Lyon", 95, "student-renewal", "submitted", 40),
    ("Dmitri", "Ivanov", "GE", date(1982, 1, 11), "69009", "Lyon", 200, "naturalisation", "in_review", 120),
    ("Aïcha", "Traoré", "ML", date(1991, 10, 5), "69120", "Vaulx-en-Velin", 75, "family-renewal", "submitted", 9),
    ("Rahul", "Sharma", "IN", date(1994, 8, 17), "69002", "Lyon", 250, "card-duplicate", "in_review", 22),
    ("Sofia", "Gómez", "CO", date(2000, 5, 27), "69007", "Lyon", 90, "student-renewal", "accepted", 30),
    ("Moussa", "Keita", "CI", date(1987, 11, 3), "33800", "Bordeaux", 85, "employee-renewal", "submitted", 11),
    ("Elena", "Petrova", "BG", date(1996, 2, 8), "33000", "Bordeaux", 100, "student-renewal", "in_review", 16),
    ("Omar", "Benali", "DZ", date(1980, 12, 24), "33100", "Bordeaux", 300, "naturalisation", "submitted", 95),
    ("Grace", "Okoro", "NG", date(1992, 3, 15), "33400", "Talence", 70, "family-renewal", "awaiting_applicant", 28),
    ("Jin", "Park", "KR", date(1998, 7, 7), "33000", "Bordeaux", 105, "student-renewal", "refused", 55),
]

# People known by post only, who filed at the Lyon counter (no email, no phone).
COUNTER_PEOPLE = [
    {
        "first_name": "Mamadou",
        "last_name": "Sylla",
        "date_of_birth": date(1980, 3, 4),
        "nationality": "GN",
        "address_line": "4 rue Paul Bert",
        "postcode": "69003",
        "city": "Lyon",
        "preferred_language": "fr",
    },
    {
        "first_name": "Tigist",
        "last_name": "Alemu",
        "date_of_birth": date(1992, 11, 17),
        "nationality": "ET",
        "address_line": "10 rue Marietton",
        "postcode": "69009",
        "city": "Lyon",
        "preferred_language": "en",
    },
]

# The help page's contacts (demo values: the numbers of the reserved fiction range).
PREFECTURE_CONTACTS = {
    "pref-69": ("04 99 00 69 00", f"etrangers.rhone@{DOMAIN}"),
    "pref-33": ("05 99 00 33 00", f"etrangers.gironde@{DOMAIN}"),
}

SITES = {
    "pref-69": [
        ("Préfecture du Rhône — accueil des étrangers", "106 rue Pierre Corneille", "69003", "Lyon"),
        ("Sous-préfecture de Villefranche-sur-Saône", "30 rue de Thizy", "69400", "Villefranche-sur-Saône"),
    ],
    "pref-33": [
        ("Préfecture de la Gironde — accueil des étrangers", "2 esplanade Charles de Gaulle", "33000", "Bordeaux"),
    ],
}


def demo_pdf(title: str = "Demo document") -> bytes:
    return pdf_bytes(title=title)


def demo_answers(procedure: Procedure) -> dict:
    """Plausible answers for any procedure form: the first choice, a date in the past, 'no'."""
    return form_answers(procedure, email=f"contact@{DOMAIN}")


def _user(local: str, first: str, last: str, role: str, prefecture: Prefecture | None) -> User:
    user = User.objects.create_user(
        f"{local}@{DOMAIN}", DEMO_PASSWORD, first_name=first, last_name=last, role=role, prefecture=prefecture
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if user.is_agent:
        # Demo staff are enrolled already; `manage.py demo_totp EMAIL` prints their current code.
        TOTP.activate(user, generate_totp_secret())
        RecoveryCodes.activate(user)
    return user


def demo_totp_code(email: str) -> str:
    """The current second-factor code of a demo staff account (demo accounts only)."""
    if not email.endswith(f"@{DOMAIN}"):
        raise ValueError("Only demo accounts")
    authenticator = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
    secret = decrypt(authenticator.data["secret"])
    counter = int(time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def _advance(application: Application, target: str, agent: User, applicant: User) -> None:
    """Walk the workflow from submitted to the target state through the same services as the views."""
    pk = application.pk
    if target == State.WITHDRAWN:
        services.application_withdraw(application_id=pk, actor=applicant, reason="Mon projet a changé.")
        return
    if target == State.CLOSED_NO_ACTION:
        review.application_close(
            application_id=pk,
            actor=agent,
            reason_code="duplicate",
            text="Demande en double : la carte perdue a été retrouvée et une seule demande reste ouverte.",
        )
        return
    if target == State.SUBMITTED:
        return
    review.application_start_review(application_id=pk, actor=agent)
    if target == State.AWAITING_APPLICANT:
        review.application_request_information(
            application_id=pk,
            actor=agent,
            # One document of the procedure's list (the person reads it in their language), one in the agent's words.
            items=[
                *[{"code": d["code"]} for d in application.procedure.documents if d["code"] == "proof_of_address"],
                "Déclaration de perte signée et datée",
                "Photo d'identité récente",
            ],
            message="Bonjour, il manque deux pièces pour instruire votre demande. Merci de les déposer en ligne.",
            deadline=timezone.localdate() + timedelta(days=21),
        )
        return
    if target == State.REFUSED:
        review.application_refuse(
            application_id=pk,
            actor=agent,
            ground="insufficient_resources",
            text="Vos ressources des six derniers mois sont inférieures au montant exigé (CESEDA L. 423-7).",
        )
        return
    if target == State.IN_REVIEW:
        review.note_add(application_id=pk, actor=agent, text="Vérifier l'attestation de l'employeur (SIRET).")
        return
    review.application_accept(application_id=pk, actor=agent, comment="Dossier complet et conforme.")
    if target in (State.CARD_ORDERED, State.CARD_READY, State.CARD_DELIVERED) and application.procedure.biometrics:
        _demo_biometrics(application, agent)
    for event in {
        State.CARD_ORDERED: [EventKind.ORDER_CARD],
        State.CARD_READY: [EventKind.ORDER_CARD, EventKind.MARK_CARD_READY],
        State.CARD_DELIVERED: [EventKind.ORDER_CARD, EventKind.MARK_CARD_READY, EventKind.DELIVER_CARD],
    }.get(target, []):
        with transaction.atomic():
            locked = Application.objects.select_for_update(of=("self",)).select_related("person").get(pk=pk)
            kernel.transition(application=locked, event=event, actor=agent)


@transaction.atomic
def seed_demo() -> bool:
    if User.objects.filter(email=f"amina@{DOMAIN}").exists():
        return False
    prefectures = {p.code: p for p in Prefecture.objects.filter(code__in=["pref-69", "pref-33"])}
    for code, (phone, email) in PREFECTURE_CONTACTS.items():
        Prefecture.objects.filter(code=code).update(phone=phone, email=email)
    for code, sites in SITES.items():
        for name, address, postcode, city in sites:
            site, _created = Site.objects.get_or_create(
                prefecture=prefectures[code],
                name=name,
                defaults={"address_line": address, "postcode": postcode, "city": city},
            )
            _demo_capacity(site)
    staff = {local: _user(local, first, last, role, prefectures.get(code)) for local, first, last, role, code in STAFF}
    people = {}
    today = timezone.localdate()
    for spec in APPLICANTS:
        spec = dict(spec)
        key = spec.pop("key")
        permit_type, number, expires_in, work = spec.pop("permit")
        user = _user(key, spec["first_name"], spec["last_name"], Role.APPLICANT, None)
        people[key] = Person.objects.create(
            user=user,
            email=user.email,
            permit_type=permit_type,
            permit_number=number,
            permit_expires_on=today + timedelta(days=expires_in),
            permit_allows_work=work,
            **spec,
        )
    procedures = {p.code: p for p in Procedure.objects.all()}
    story = list(STORY)
    for first, last, nationality, born, postcode, city, expires_in, code, target, days_ago in CROWD:
        key = f"{first} {last}"
        people[key] = _crowd_person(
            first, last, nationality, born, postcode, city, today + timedelta(days=expires_in), code
        )
        story.append((key, code, target, days_ago))
    names = iter(DECIDED_NAMES)
    for postcode, city, code, count, most_recent in DECIDED:
        for index in range(count):
            first, last = next(names)
            born = date(1990 + index, 1 + index, 10)
            key = f"{first} {last}"
            people[key] = _crowd_person(first, last, "SN", born, postcode, city, today + timedelta(days=90), code)
            target = "refused" if index % 4 == 3 else "accepted"
            story.append((key, code, target, most_recent + 17 * index))
    for key, code, target, days_ago in story:
        procedure = procedures.get(code)
        if procedure is not None:
            _demo_file(people[key], procedure, people[key].user, target, days_ago, staff)
    _demo_permits_on_record(people, staff)
    _demo_conversations(people, staff)
    _demo_bookings()
    _demo_mandates(people, staff)
    _demo_counter_filings(procedures, staff)
    figures_backfill(weeks=26)
    _demo_inquiries(people, staff)
    _demo_incident(staff["admin"])
    _demo_appeal(people["Kwame Asante"])
    _demo_appeal(people["Diego Ramírez"], grant_by=staff["instructeur.rhone"])
    return True


def _demo_permits_on_record(people, staff) -> None:
    """The prefecture confirmed the permit of everyone whose file it examined (the card seen at the
    counter or in the register): that permit is what an employer's check reads. Oleksandr's visitor
    card stays declared only, as a person's own words: his page says so, and so does a check."""
    agents = {"pref-69": staff["instructeur.rhone"], "pref-33": staff["instructeur.gironde"]}
    for key, person in people.items():
        if key == "oleksandr" or not person.has_current_permit:
            continue
        examined = (
            Application.objects.filter(person=person, prefecture__code__in=agents)
            .exclude(state=State.DRAFT)
            .select_related("prefecture")
            .first()
        )
        if examined is not None:
            review.application_permit_confirm(application_id=examined.pk, actor=agents[examined.prefecture.code])


def _crowd_person(first, last, nationality, born, postcode, city, permit_expires_on, code) -> Person:
    """One more person of the crowd, with an account, whose permit matches the procedure."""
    key = f"{first} {last}"
    user = User.objects.create_user(
        f"{first}.{last}@example.invalid".lower().replace(" ", "-"), None, first_name=first, last_name=last
    )
    kind = next((kind for kind in (PermitType.FAMILY, PermitType.EMPLOYEE) if kind in code), PermitType.STUDENT)
    return Person.objects.create(
        user=user,
        first_name=first,
        last_name=last,
        date_of_birth=born,
        nationality=nationality,
        address_line="1 rue de la Demo",
        postcode=postcode,
        city=city,
        email=user.email,
        permit_type=kind,
        permit_number=f"{postcode[:2]}{zlib.crc32(key.encode()) % 10**8:08d}",
        permit_expires_on=permit_expires_on,
        permit_allows_work=True,
    )


def _demo_incident(admin: User) -> None:
    """An incident of last week, over: the public list shows it, with the deadlines it moved."""
    start = timezone.localtime().replace(hour=9, minute=30, second=0, microsecond=0) - timedelta(days=6)
    incident_declare(
        actor=admin,
        title="Envoi de pièces impossible",
        description="Les pièces justificatives ne pouvaient pas être envoyées en ligne (erreur à l'envoi).",
        starts_at=start,
        ends_at=start + timedelta(hours=26),
    )


def _demo_inquiries(people, staff) -> None:
    """Formal inquiries on files that waited too long (the figures must exist first)."""
    for key, answer in (
        ("Hamza Ouali", ""),
        (
            "Leila Mansour",
            "Votre dossier est complet. L'avis de l'employeur de votre stage est attendu cette semaine ; "
            "la décision devrait être prise avant la fin du mois.",
        ),
    ):
        application = people[key].applications.get(procedure__code="student-renewal")
        inquiry_send(
            application_id=application.pk,
            actor=people[key].user,
            text="Mon titre expire bientôt et mon employeur me demande où en est ma demande.",
        )
        if answer:
            inquiry_answer(application_id=application.pk, actor=staff["instructeur.rhone"], text=answer)


def _demo_file(person: Person, procedure: Procedure, actor: User, target: str, days_ago: int, staff) -> Application:
    """One application, filled in and filed by the person (or the counter agent), then walked to
    its target state by the agent of the competent prefecture, and spread over the past days."""
    application = services.application_create(person=person, procedure=procedure, actor=actor)
    services.application_save_eligibility(
        application_id=application.pk,
        answers={q["name"]: q["expected"] for q in procedure.questions},
        actor=actor,
    )
    services.application_save_answers(application_id=application.pk, answers=demo_answers(procedure), actor=actor)
    if target != State.DRAFT:
        _upload_and_file(application, actor)
        agent = staff["instructeur.rhone"] if person.postcode.startswith("69") else staff["instructeur.gironde"]
        _advance(application, target, agent, actor)
    _backdate(application, days_ago)
    return application


def _upload_and_file(application: Application, actor: User) -> None:
    """Upload the required documents (demo PDFs) and submit."""
    application.refresh_from_db()
    for requirement in applicable_documents(application):
        if requirement["required"]:
            document_upload(
                application_id=application.pk,
                requirement_code=requirement["code"],
                uploaded=SimpleUploadedFile(
                    f"{requirement['code']}.pdf", demo_pdf(requirement["code"]), "application/pdf"
                ),
                actor=actor,
            )
    services.application_submit(application_id=application.pk, actor=actor)


def _demo_appeal(person: Person, grant_by: User | None = None) -> None:
    """A refusal appealed online: the appeal waits at the prefecture that refused, or, granted,
    has reopened the refused file."""
    refused = person.applications.get(state=State.REFUSED)
    appeal = services.application_create_appeal(refused_id=refused.pk, actor=person.user)
    answers = {
        **demo_answers(appeal.procedure),
        **appeal.answers,
        "decision_received_date": appeal.answers.get("decision_date"),
        "grounds": "J'ai validé mon année : le relevé de notes, arrivé après le refus, est joint.",
    }
    services.application_save_answers(application_id=appeal.pk, answers=answers, actor=person.user)
    _upload_and_file(appeal, person.user)
    if grant_by is not None:
        review.application_start_review(application_id=appeal.pk, actor=grant_by)
        review.application_accept(
            application_id=appeal.pk, actor=grant_by, comment="Le relevé de notes établit la réussite de l'année."
        )


def _demo_counter_filings(procedures, staff) -> None:
    """Two people with no email or phone filed at the Lyon counter: everything reaches them by
    letter. Mamadou's letters were printed and posted in a run; Tigist's wait for the next run."""
    from anef.accounts.services import person_create_at_counter
    from anef.notifications.models import Notification
    from anef.notifications.printing import print_run_prepare, print_run_record_posting, print_run_render
    from anef.notifications.tasks import send_notification

    counter = staff["guichet.rhone"]

    def counter_filing(identity: dict, target: str, days_ago: int) -> Person:
        person = person_create_at_counter(actor=counter, **identity)
        _demo_file(person, procedures["family-first"], counter, target, days_ago, staff)
        for pk in Notification.objects.filter(person=person, channel="letter").values_list("pk", flat=True):
            send_notification(pk)  # what the worker does: the letter's PDF, ready to print
        return person

    mamadou, tigist = COUNTER_PEOPLE
    counter_filing(mamadou, "in_review", 12)
    run = print_run_prepare(actor=counter, prefecture_id=counter.prefecture_id)
    print_run_render(run.pk)  # what the worker does; the run was printed, then posted
    print_run_record_posting(
        run_id=run.pk,
        actor=counter,
        posted_on=timezone.localdate(),
        postage_class="green",
        postage_cost=Decimal("1.39") * run.letter_count,
        deposit_reference="LV-0612",
    )
    tigist = counter_filing(tigist, "submitted", 2)
    _demo_consents(tigist, staff)


def _demo_mandates(people, staff) -> None:
    """The demo helper works at a France Services point; Fatou and Oleksandr gave her a mandate."""
    from anef.assistance.models import Structure
    from anef.assistance.services import mandate_grant, structure_create

    helper = staff["aidant"]
    helper.structure = structure_create(
        name="France Services Lyon 7e",
        kind=Structure.Kind.FRANCE_SERVICES,
        address="18 rue Saint-Michel, 69007 Lyon",
        actor=staff["admin"],
    )
    helper.save(update_fields=["structure"])
    TOTP.activate(helper, generate_totp_secret())
    RecoveryCodes.activate(helper)
    for key in ("fatou", "oleksandr"):
        mandate_grant(person=people[key], helper_email=helper.email, ends_on=timezone.localdate() + timedelta(days=180))


def _demo_consents(tigist: Person, staff) -> None:
    """Consent, the two other ways: Tigist (no email, no phone) gave the France Services helper a
    mandate at the Lyon counter, identity checked; Carlos signed a paper mandate that the helper
    recorded, and it waits for his code or his answer in his space (the helper sees nothing yet)."""
    from anef.assistance.services import mandate_record_at_counter, mandate_request_paper

    helper = staff["aidant"]
    until = timezone.localdate() + timedelta(days=180)
    mandate_record_at_counter(
        agent=staff["guichet.rhone"],
        person=tigist,
        helper_email=helper.email,
        ends_on=until,
        identity_checked="passeport éthiopien EP1234567",
    )
    carlos = Person.objects.get(user__email="carlos@demo.anef.example")
    mandate_request_paper(
        helper=helper,
        person_email=carlos.user.email,
        birth_date=carlos.date_of_birth,
        ends_on=until,
        uploaded=SimpleUploadedFile("mandat.pdf", demo_pdf("Mandat signé"), "application/pdf"),
    )


def _demo_capacity(site) -> None:
    """Counters open Monday to Friday, 9:00-12:00 and 13:30-16:30, with four weeks of seats."""
    from datetime import time

    from anef.appointments.models import Counter, OpeningHours
    from anef.appointments.services import slots_generate

    for number in (1, 2):
        Counter.objects.get_or_create(
            site=site, name=f"Guichet {number}", defaults={"kinds": ["biometrics", "card_handover"]}
        )
    for weekday in range(5):
        OpeningHours.objects.get_or_create(site=site, weekday=weekday, opens=time(9), closes=time(12))
        OpeningHours.objects.get_or_create(site=site, weekday=weekday, opens=time(13, 30), closes=time(16, 30))
    today = timezone.localdate()
    for kind in ("biometrics", "card_handover"):
        slots_generate(site=site, kind=kind, start=today, end=today + timedelta(days=28))


def _demo_bookings() -> None:
    """Some invited files book (today's remaining slots first, so the counter's day shows people)."""
    from anef.appointments.models import Invitation, Slot
    from anef.appointments.services import SlotTaken, booking_book

    open_invitations = list(
        Invitation.objects.filter(status=Invitation.Status.OPEN)
        .select_related("application__person__user")
        .order_by("pk")
    )
    keep_open = {i.pk for i in open_invitations if i.application.person.first_name == "Carlos"}
    for invitation in open_invitations:
        if invitation.pk in keep_open:
            continue  # Carlos shows what an invitation looks like
        slots = Slot.objects.filter(
            site__prefecture_id=invitation.application.prefecture_id,
            kind=invitation.kind,
            starts_at__gte=timezone.now() + timedelta(minutes=30),
        ).order_by("starts_at")
        for slot in slots[:20]:
            try:
                booking_book(token=invitation.token, slot_id=slot.pk, actor=invitation.application.person.user)
                break
            except SlotTaken:
                continue


def _demo_conversations(people, staff) -> None:
    from anef.messaging.models import MessageTemplate
    from anef.messaging.services import message_send

    MessageTemplate.objects.create(
        title="Dossier en cours d'instruction",
        body_fr="Bonjour, votre dossier est en cours d'instruction. Nous revenons vers vous dès que possible.",
        body_en="Hello, your application is being examined. We will come back to you as soon as possible.",
    )
    MessageTemplate.objects.create(
        procedure=Procedure.objects.filter(code="card-duplicate").first(),
        title="Déclaration de perte",
        body_fr="Bonjour, merci de joindre la déclaration de perte signée et datée.",
        body_en="Hello, please attach the signed and dated declaration of loss.",
    )
    carlos = Application.objects.get(person=people["carlos"], procedure__code="card-duplicate")
    message_send(
        application_id=carlos.pk,
        actor=people["carlos"].user,
        body="Hello, I declared the loss at the police station. Is the receipt enough?",
    )
    amina = Application.objects.get(person=people["amina"], procedure__code="student-renewal")
    message_send(
        application_id=amina.pk,
        actor=people["amina"].user,
        body="Bonjour, mon inscription pour l'année prochaine sera confirmée en septembre. Est-ce un problème ?",
    )
    message_send(
        application_id=amina.pk,
        actor=staff["instructeur.rhone"],
        body="Bonjour, une attestation de pré-inscription suffit. Vous pouvez l'ajouter à votre dossier.",
    )


def _demo_biometrics(application: Application, agent: User) -> None:
    """The person booked the biometrics appointment they were invited to and came: booked through
    the services, the seat moved into the past (whole weeks, so it keeps its weekday and hour) since
    the story happened before today, then the presence recorded."""
    from anef.appointments.constants import BookingStatus, Kind
    from anef.appointments.models import Invitation, Slot
    from anef.appointments.services import booking_book, booking_mark, free_slots

    application = Application.objects.select_related("person").get(pk=application.pk)
    invitation = application.invitations.get(kind=Kind.BIOMETRICS, status=Invitation.Status.OPEN)
    slot = free_slots(application=application, kind=Kind.BIOMETRICS, limit=1)[0]
    person = application.person
    booking = booking_book(token=invitation.token, slot_id=slot.pk, actor=person.user, assigned=person.user is None)
    for weeks in range(2, 20):  # presence is recorded only once the appointment took place
        moment = slot.starts_at - timedelta(weeks=weeks)
        if not Slot.objects.filter(counter=slot.counter, starts_at=moment).exists():
            Slot.objects.filter(pk=slot.pk).update(starts_at=moment, ends_at=slot.ends_at - timedelta(weeks=weeks))
            break
    booking_mark(booking_id=booking.pk, presence=BookingStatus.ATTENDED, actor=agent)


def _backdate(application: Application, days_ago: int) -> None:
    """Spread the story over time: the history keeps its order, shifted into the past."""
    events = list(ApplicationEvent.objects.filter(application=application).order_by("sequence"))
    start = timezone.now() - timedelta(days=days_ago)
    span = timedelta(days=days_ago) * 0.9
    filed_at = None
    for index, event in enumerate(events):
        moment = start + span * (index / max(1, len(events) - 1))
        # The history refuses UPDATE on PostgreSQL; demo data is written before anything is sealed,
        # and only the demo (refused in production) lifts the trigger to spread its stories in time.
        with pgtrigger.ignore("applications.ApplicationEvent:append_only_update"):
            ApplicationEvent.objects.filter(pk=event.pk).update(created_at=moment)
        if event.kind == EventKind.SUBMIT and filed_at is None:
            filed_at = moment
        if event.kind in (EventKind.DOCUMENT_ADD, EventKind.DOCUMENT_REPLACE) and event.payload.get("document"):
            # The document page says when it was sent: the same moment as the history.
            UploadedDocument.objects.filter(pk=event.payload["document"]).update(uploaded_at=moment)
    last = start + span
    Application.objects.filter(pk=application.pk).update(created_at=start, state_changed_at=last, updated_at=last)
    if filed_at is not None:
        Application.objects.filter(pk=application.pk).update(filed_at=filed_at)


def demo_accounts() -> list[tuple[str, str]]:
    rows = [
        (f"{local}@{DOMAIN}", str(Role(role).label) + (f" — {code}" if code else ""))
        for local, _f, _l, role, code in STAFF
    ]
    rows = [
        (f"{spec['key']}@{DOMAIN}", f"{Role.APPLICANT.label} — {spec['first_name']} {spec['last_name']}")
        for spec in APPLICANTS
    ] + rows
    return rows
