import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anef.applications.errors import ApplicationError

from .models import Purpose, ShareCheck, ShareCode
from .rights import right_for

# 25 unambiguous characters (no 0/O, 1/I/L, 2/Z, 5/S, 8/B): 10 of them make 25^10, about 1e14 codes;
# with the per-client throttle (anef.core.throttle, applied by the page), guessing is hopeless. A code
# is never locked: an attacker guessing dates of birth must not block the holder before a deadline.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 10
VALIDITY = timedelta(days=90)


def normalise(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())


def share_code_create(*, person, purpose: str) -> ShareCode:
    if purpose not in Purpose.values:
        raise ApplicationError(_("Choose what the code is for."))
    with transaction.atomic():
        while True:
            code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
            if not ShareCode.objects.filter(code=code).exists():
                break
        return ShareCode.objects.create(person=person, code=code, purpose=purpose, expires_at=timezone.now() + VALIDITY)


def share_code_revoke(*, share_code: ShareCode) -> ShareCode:
    ShareCode.objects.filter(pk=share_code.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    share_code.refresh_from_db()
    return share_code


def share_code_check(*, code: str, birth_date, verifier: str = "") -> ShareCheck | None:
    """The check a verifier makes. None means "no match", whatever the reason (unknown code, wrong
    date of birth, expired, revoked): the page reveals nothing more."""
    now = timezone.now()
    share_code = ShareCode.objects.select_related("person").filter(code=normalise(code)).first()
    if share_code is None:
        return None
    if share_code.person.date_of_birth != birth_date:
        # The holder sees failed attempts too: someone has their code without their date of birth.
        ShareCheck.objects.create(
            share_code=share_code, verifier=verifier.strip()[:200], right_holds=None, result={"failed": True}
        )
        return None
    if share_code.revoked_at is not None or share_code.expires_at <= now:
        return None
    status = right_for(share_code.person, share_code.purpose)
    result = status.as_result(name=share_code.person.full_name, purpose=share_code.purpose)
    return ShareCheck.objects.create(
        share_code=share_code, verifier=verifier.strip()[:200], right_holds=status.holds, result=result
    )
