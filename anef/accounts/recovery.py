"""Giving an applicant their account back when they lost their email address or their password, by
another path than the email (allauth's password reset covers those who still read their mail):

- a 6-digit code sent by text message to the number on file, asked with the date of birth and the
  number (or the email address the person remembers);
- a code printed on paper by a counter agent of the competent prefecture, or by a helper holding a
  mandate of the person, who checked the person's identity document in person.

With a valid code the person chooses a new email address (confirmed by allauth's usual mail) and a
new password; every session of the account ends, the trace and the person's history record it, and
the previous address and the number on file are told, with what to do if it was not them.

What a recovery may and may not bypass (decision note 0015): a code by text message or from a
helper never removes a second factor (authentication app); a code given at a prefecture counter,
after an agent checked the identity document, does, since it is the only way back for a person who
lost their phone, their mailbox and their app together. Staff never recover here: their
administrator restores their access.

Codes are kept as keyed hashes, expire (15 minutes by text message, 7 days on paper), end at their
first use (a conditional update: two simultaneous uses let exactly one through), are replaced by a
newer one, and end after a few wrong answers. The pages add per-client and per-account limits on the
attempts (core.throttle); sending is limited per account here, from the database.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from anef.core.errors import UserError
from anef.core.links import absolute
from anef.security.constants import SecurityEventKind
from anef.security.services import security_event_append, sessions_end
from anef.territory.postcodes import UnknownPostcode
from anef.territory.services import prefecture_for_postcode

from .constants import IdentityDocument, RecoveryChannel, Role
from .models import Person, RecoveryCode, User
from .ports import HELPER_ACTS_FOR, NOTIFY_CONTACTS, NOTIFY_PERSON, port

SMS_CODE_MINUTES = 15
PAPER_CODE_DAYS = 7
MAX_WRONG_ANSWERS = 5  # then the code ends; a new one must be asked for
# Text messages a person may receive for recovery: a few an hour, a handful a day (whoever asks).
SMS_PER_HOUR = 3
SMS_PER_DAY = 6
PAPER_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"  # no 0/O, 1/I/L, 2/Z, 5/S, 8/B to confuse on paper
PAPER_CODE_LENGTH = 10


class RecoveryError(UserError):
    """A refusal on the recovery pages; `field` names the answer it is about (code, email, password)."""

    default_message = _(
        "This code is not valid: it may be wrong, already used or expired. Check it, or ask for a new one."
    )

    def __init__(self, message=None, *, field: str = "code"):
        super().__init__(message)
        self.field = field


class SecondFactor:
    """What a recovery did to the account's second factor (told to the person, kept in the trace)."""

    NONE = "none"
    KEPT = "kept"
    REMOVED = "removed"


@dataclass(frozen=True)
class Recovered:
    user: User
    email_to_confirm: EmailAddress | None  # the new address, to confirm by allauth's mail
    second_factor: str


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _hash(code: str, *, scope: str) -> str:
    """A keyed hash (the secret key): a stolen table gives no code. Text-message codes are scoped
    to their person (six digits repeat between people); paper codes are long enough to stand alone
    and are found by their hash."""
    return salted_hmac("anef.recovery-code", f"{scope}:{normalise_code(code)}").hexdigest()


def _sms_scope(person_id: int) -> str:
    return f"sms:{person_id}"


def phone_digits(number: str) -> str:
    """The last nine digits of a phone number, as people type it (06 12 34 56 78, +33 6 12..., 0033...)
    or as the profile holds it: enough to compare two writings of the same number."""
    digits = re.sub(r"\D", "", number or "")
    return digits[-9:] if len(digits) >= 9 else ""


def _recoverable() -> Q:
    """Accounts that recover here: applicants' active accounts (staff go to their administrator)."""
    return Q(user__isnull=False, user__is_active=True, user__role=Role.APPLICANT)


# --- By text message -------------------------------------------------------------------------------


def _sms_match(*, birth_date: date, phone: str, email: str) -> list[Person]:
    people = Person.objects.filter(_recoverable(), date_of_birth=birth_date).exclude(phone="").select_related("user")
    if email.strip():
        people = people.filter(user__email__iexact=email.strip())
    wanted = phone_digits(phone)
    if phone.strip():
        return [person for person in people if wanted and phone_digits(person.phone) == wanted]
    return list(people)


@transaction.atomic
def recovery_sms_request(*, birth_date: date, phone: str = "", email: str = "") -> int | None:
    """Send a code by text message to the number on file of the one applicant account that matches
    the date of birth and the number (or the email address). Returns that person's id, for the page
    to keep in the visitor's session (it never shows it: the page says the same whether an account
    matched or not), or None. Past the sending limits, nothing new is sent, and the last code stays
    valid."""
    matches = _sms_match(birth_date=birth_date, phone=phone, email=email)
    if len(matches) != 1:
        security_event_append(
            kind=SecurityEventKind.RECOVERY_REQUESTED, email=email, matched=False, candidates=len(matches)
        )
        return None
    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=matches[0].pk)
    now = timezone.now()
    sent = RecoveryCode.objects.filter(person=person, channel=RecoveryChannel.SMS)
    if (
        sent.filter(created_at__gt=now - timedelta(hours=1)).count() >= SMS_PER_HOUR
        or sent.filter(created_at__gt=now - timedelta(days=1)).count() >= SMS_PER_DAY
    ):
        security_event_append(kind=SecurityEventKind.RATE_LIMITED, user=person.user, limit="recovery_sms")
        return person.pk
    # Only the newest code works: an older one still in a message ends now.
    RecoveryCode.objects.usable().filter(person=person, channel=RecoveryChannel.SMS).update(revoked_at=now)
    code = f"{secrets.randbelow(10**6):06d}"
    row = RecoveryCode.objects.create(
        person=person,
        channel=RecoveryChannel.SMS,
        code_hash=_hash(code, scope=_sms_scope(person.pk)),
        created_at=now,
        expires_at=now + timedelta(minutes=SMS_CODE_MINUTES),
    )
    security_event_append(
        kind=SecurityEventKind.RECOVERY_REQUESTED, user=person.user, matched=True, channel=RecoveryChannel.SMS
    )
    port(NOTIFY_CONTACTS)(
        person=person,
        kind="recovery_code",
        key=f"recovery_code:{row.pk}",
        phone=person.phone,
        code=code,
        minutes=SMS_CODE_MINUTES,
        link=absolute(reverse("portal:recovery_sms_code")),
    )
    return person.pk


def recovery_complete_by_sms(*, person_id: int | None, code: str, new_email: str, password: str) -> Recovered:
    """The code received by text message, for the person the request matched (None when it matched
    nobody: the answer is the same wrong code)."""
    with transaction.atomic():
        row = None
        if person_id is not None:
            row = (
                RecoveryCode.objects.usable()
                .select_for_update(of=("self",))
                .filter(person_id=person_id, channel=RecoveryChannel.SMS)
                .order_by("-created_at", "-pk")
                .first()
            )
        if row is not None and constant_time_compare(row.code_hash, _hash(code, scope=_sms_scope(row.person_id))):
            return _complete(row=row, new_email=new_email, password=password)
        if row is not None:
            _count_wrong_answer(row)
    raise RecoveryError()  # outside the block: the wrong answer stays counted


# --- On paper, after an identity check --------------------------------------------------------------


def counter_may_serve(*, agent: User, person: Person) -> bool:
    """The competent counter: an agent of the prefecture of the person's address, or of a prefecture
    that holds one of their files."""
    if agent.role != Role.COUNTER_AGENT or not agent.is_active or agent.prefecture_id is None:
        return False
    if person.applications.filter(prefecture_id=agent.prefecture_id).exists():
        return True
    try:
        return prefecture_for_postcode(person.postcode).pk == agent.prefecture_id
    except UnknownPostcode:
        return False


def may_issue_paper_code(*, actor: User, person: Person) -> bool:
    """Who may check this person's identity and give them a recovery code: the competent counter, or
    a helper holding a valid mandate of the person. Only for an applicant's active account."""
    account = person.user
    if account is None or not account.is_active or account.role != Role.APPLICANT:
        return False
    if actor.role == Role.HELPER:
        return bool(port(HELPER_ACTS_FOR)(helper=actor, person=person))
    return counter_may_serve(agent=actor, person=person)


def people_for_counter_recovery(*, agent: User, last_name: str, birth_date: date) -> list[Person]:
    """The applicants with an account this counter may give a code to, by the name and the date of
    birth read on the identity document."""
    if agent.role != Role.COUNTER_AGENT or not last_name.strip():
        return []
    found = Person.objects.filter(
        _recoverable(), date_of_birth=birth_date, last_name__icontains=last_name.strip()
    ).select_related("user")
    found = found.order_by("last_name", "first_name", "pk")[:50]
    return [person for person in found if counter_may_serve(agent=agent, person=person)]


def recovery_person_for(*, actor: User, person_id: int) -> Person | None:
    """The choke point of the issuing pages: the person, if this actor may give them a code (else
    None, the same for a missing person and one who is not theirs)."""
    person = Person.objects.select_related("user").filter(pk=person_id).first()
    if person is None or not may_issue_paper_code(actor=actor, person=person):
        return None
    return person


@transaction.atomic
def recovery_code_issue(
    *, person_id: int, actor: User, document: str, document_number: str
) -> tuple[RecoveryCode, str]:
    """The agent or helper checked the person's identity document in person: a code on paper, valid
    for 7 days, that replaces any earlier paper code. Returns the row and the code, shown once to
    be printed (only its hash is kept). The person reads it in their account's history and is told
    on every channel they have."""
    person = Person.objects.select_for_update(of=("self",)).select_related("user").get(pk=person_id)
    if not may_issue_paper_code(actor=actor, person=person):
        raise RecoveryError(_("You cannot give a recovery code to this person."))
    document = IdentityDocument(document)
    number_end = normalise_code(document_number)[-4:]
    if len(number_end) < 2:
        raise RecoveryError(_("Write the number of the document you checked (its last characters are enough)."))
    channel = RecoveryChannel.HELPER if actor.role == Role.HELPER else RecoveryChannel.COUNTER
    office = actor.structure if channel == RecoveryChannel.HELPER else actor.prefecture
    place = office.name if office is not None else ""  # both set: may_issue_paper_code checked them
    now = timezone.now()
    paper = RecoveryCode.objects.usable().filter(person=person).exclude(channel=RecoveryChannel.SMS)
    paper.update(revoked_at=now)
    while True:
        code = "".join(secrets.choice(PAPER_ALPHABET) for _ in range(PAPER_CODE_LENGTH))
        code_hash = _hash(code, scope="paper")
        if not RecoveryCode.objects.filter(code_hash=code_hash).exists():
            break
    row = RecoveryCode.objects.create(
        person=person,
        channel=channel,
        code_hash=code_hash,
        created_at=now,
        expires_at=now + timedelta(days=PAPER_CODE_DAYS),
        issued_by=actor,
        issued_at_place=place[:200],
        document=document,
        document_number_end=number_end,
    )
    security_event_append(
        kind=SecurityEventKind.RECOVERY_CODE_ISSUED,
        user=person.user,
        actor=actor,
        channel=channel,
        place=row.issued_at_place,
        document=document,
        document_number_end=number_end,
        code=row.pk,
    )
    port(NOTIFY_PERSON)(
        person=person,
        kind="recovery_code_given",
        key=f"recovery_code_given:{row.pk}",
        place=row.issued_at_place,
        document=document.label,
        number_end=number_end,
        expires_on=timezone.localdate(row.expires_at),
        link=absolute(reverse("portal:recovery_paper")),
    )
    return row, code


LETTER_LANGUAGES = ("fr", "en")


def recovery_letter(*, person: Person, row: RecoveryCode, code: str, issuer: User) -> dict:
    """What the printed letter shows (accounts/recovery_letter.html), whoever printed it."""
    return {
        "person": person,
        "row": row,
        "code": format_paper_code(code),
        "issuer": issuer.get_full_name() or issuer.email,
        "recovery_url": absolute(reverse("portal:recovery_paper")),
        "letter_languages": LETTER_LANGUAGES,
    }


def format_paper_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def recovery_complete_with_paper_code(*, code: str, birth_date: date, new_email: str, password: str) -> Recovered:
    """The code printed at the counter or by the helper, with the date of birth of the person it was
    given to."""
    with transaction.atomic():
        row = (
            RecoveryCode.objects.usable()
            .select_for_update(of=("self",))
            .filter(code_hash=_hash(code, scope="paper"))
            .exclude(channel=RecoveryChannel.SMS)
            .select_related("person")
            .first()
        )
        if row is not None and row.person.date_of_birth == birth_date:
            return _complete(row=row, new_email=new_email, password=password)
        if row is not None:
            _count_wrong_answer(row)
    raise RecoveryError(
        _("This code and date of birth do not match a valid recovery code. Check the paper you were given.")
    )


# --- Both ---------------------------------------------------------------------------------------------


def _count_wrong_answer(row: RecoveryCode) -> None:
    wrong = row.wrong_answers + 1
    fields: dict = {"wrong_answers": wrong}
    if wrong >= MAX_WRONG_ANSWERS:
        fields["revoked_at"] = timezone.now()
    RecoveryCode.objects.filter(pk=row.pk).update(**fields)
    person = Person.objects.select_related("user").get(pk=row.person_id)
    security_event_append(
        kind=SecurityEventKind.RECOVERY_CODE_FAILED,
        user=person.user,
        channel=row.channel,
        code=row.pk,
        wrong_answers=wrong,
        code_ended=wrong >= MAX_WRONG_ANSWERS,
    )


def _check_new_credentials(*, user: User, new_email: str, password: str) -> str:
    email = User.objects.normalize_email(new_email.strip()).lower()
    taken = User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists() or (
        EmailAddress.objects.filter(email__iexact=email).exclude(user=user).exists()
    )
    if taken:
        raise RecoveryError(
            _("Another account uses this email address. Choose an address that is yours alone."), field="email"
        )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise RecoveryError(" ".join(exc.messages), field="password") from exc
    return email


def _complete(*, row: RecoveryCode, new_email: str, password: str) -> Recovered:
    """Inside the transaction that locked the code: new credentials, sessions ended, the trace, and
    the previous contact details told. A refusal of the new email or password leaves the code valid."""
    person = Person.objects.select_for_update(of=("self",)).get(pk=row.person_id)
    user = User.objects.select_for_update().filter(person=person).first()
    if user is None or not user.is_active or user.role != Role.APPLICANT:
        raise RecoveryError()
    email = _check_new_credentials(user=user, new_email=new_email, password=password)
    now = timezone.now()
    # The single use: of two simultaneous answers with the same code, one updates the row.
    if RecoveryCode.objects.filter(pk=row.pk, used_at__isnull=True, revoked_at__isnull=True).update(used_at=now) != 1:
        raise RecoveryError()
    RecoveryCode.objects.usable().filter(person=person).update(revoked_at=now)  # any other code ends too

    previous_email, phone = user.email, person.phone
    user.email = email
    user.set_password(password)
    user.save(update_fields=["email", "password"])
    to_confirm = None
    verified = EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
    if email != previous_email.lower() or not verified:
        EmailAddress.objects.filter(user=user).delete()
        to_confirm = EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    person.email = email
    person.save(update_fields=["email", "updated_at"])

    second_factor = SecondFactor.NONE
    if Authenticator.objects.filter(user=user).exists():
        second_factor = SecondFactor.KEPT
        if row.channel == RecoveryChannel.COUNTER:
            Authenticator.objects.filter(user=user).delete()
            second_factor = SecondFactor.REMOVED
    ended = sessions_end(user_id=user.pk)
    security_event_append(
        kind=SecurityEventKind.ACCOUNT_RECOVERED,
        user=user,
        channel=row.channel,
        code=row.pk,
        previous_email=previous_email,
        sessions_ended=ended,
        second_factor=second_factor,
    )
    if second_factor == SecondFactor.REMOVED:
        security_event_append(
            kind=SecurityEventKind.SECOND_FACTOR_REMOVED, user=user, actor=row.issued_by, reason="recovery_at_counter"
        )
    port(NOTIFY_CONTACTS)(
        person=person,
        kind="recovery_done",
        key=f"recovery_done:{row.pk}",
        email=previous_email,
        phone=phone,
        how=RecoveryChannel(row.channel).label,
        when=timezone.localtime(now),
        second_factor_removed=second_factor == SecondFactor.REMOVED,
        link=absolute(reverse("portal:recovery")),
    )
    return Recovered(user=user, email_to_confirm=to_confirm, second_factor=second_factor)
