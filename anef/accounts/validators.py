"""A password must not be made of the person's own details: the first thing a guesser tries."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Shorter name parts ("Li", "Awa") are refused only when the password is nothing else (with digits
# and signs): containing them would refuse "Kawasaki" for every Awa.
MIN_PART = 4


def _plain(text: str) -> str:
    """Lower case, accents removed, letters and digits only: "Élodie-Marie" -> "elodiemarie"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch)).lower()


def name_parts(*names: str) -> set[str]:
    parts = set()
    for name in names:
        whole = _plain(name)
        if whole:
            parts.add(whole)
        parts.update(_plain(part) for part in re.split(r"[\s\-'’.,_+]+", name or "") if _plain(part))
    return parts


def _date_forms(day) -> set[str]:
    """The date of birth as people type it: 31121990, 19901231, 311290, 1990, 3112."""
    if day is None:
        return set()
    dd, mm, yyyy = f"{day.day:02d}", f"{day.month:02d}", f"{day.year:04d}"
    return {dd + mm + yyyy, yyyy + mm + dd, mm + dd + yyyy, dd + mm + yyyy[2:], yyyy}


def personal_details(user) -> tuple[set[str], set[str]]:
    """(name parts, date forms) known for this account: its own names and email, and the names and
    date of birth of its Person profile when it has one. `user` may be unsaved (sign-up form)."""
    first_names = [getattr(user, "first_name", "")]
    last_names = [getattr(user, "last_name", "")]
    emails = [getattr(user, "email", "")]
    birth_dates = []
    person = None
    if getattr(user, "pk", None):
        from .models import Person

        person = Person.objects.filter(user_id=user.pk).first()
    if person is not None:
        first_names.append(person.first_name)
        last_names.append(person.last_name)
        emails.append(person.email)
        birth_dates.append(person.date_of_birth)
    parts = name_parts(*first_names, *last_names)
    for email in emails:
        local = (email or "").split("@")[0]
        parts |= name_parts(local)
    dates = set().union(*(_date_forms(day) for day in birth_dates)) if birth_dates else set()
    return parts, dates


class PersonalDetailsValidator:
    """Refuses a password that contains the person's first or last name, the local part of their
    email address, or their date of birth (31121990, 19901231, 311290, or the year of birth)."""

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        parts, dates = personal_details(user)
        self.validate_against(password, parts=parts, dates=dates)

    def validate_against(self, password: str, *, parts: set[str], dates: set[str]) -> None:
        plain = _plain(password)
        letters = "".join(ch for ch in plain if not ch.isdigit())
        digits = "".join(ch for ch in password if ch.isdigit())
        for part in parts:
            if (len(part) >= MIN_PART and part in plain) or part == letters:
                raise ValidationError(
                    _("Your password must not contain your name or your email address."),
                    code="password_has_personal_details",
                )
        if any(form in digits for form in dates):
            raise ValidationError(
                _("Your password must not contain your date of birth or your year of birth."),
                code="password_has_personal_details",
            )

    def get_help_text(self) -> str:
        return _("Your password must not contain your name, your email address or your date of birth.")
