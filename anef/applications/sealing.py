"""The applications' history, sealed day by day and verifiable (docs/decisions/0007-sealed-history.md).

Each closed day (local time) gets one `HistoryDigest`:

    h_0 = digest of the previous day (32 zero bytes before the first sealed day)
    leaf_i = SHA-256("anef-event/1\\n" || canonical JSON of event i), events of the day ordered by id
    h_i = SHA-256(h_{i-1} || leaf_i)
    digest = h_n

and the statement {day, count, first and last event ids, digest, previous digest, key id} is signed
with the documents' Ed25519 key (anef/certificates/signing.py, published at
/.well-known/anef-keys.json). Every leaf is kept in `SealedEvent`, so that verification names the
event that differs, and a row deleted by the retention sweep (a never-filed draft, `PurgedEvent`)
leaves its leaf behind: the day still verifies.

A day is sealed only once it has been over for `GRACE`: an event is dated when its row is written,
and its transaction may commit a little later; no transaction of ours lasts that long.
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone

from anef.core import signing
from anef.core.append_only import purging

from .models import Application, ApplicationEvent, HistoryDigest, PurgedEvent, SealedEvent

FORMAT = "anef-history/1"
GENESIS = "0" * 64
GRACE = timedelta(hours=1)
EVENT_FIELDS = (
    "id",
    "application_id",
    "sequence",
    "kind",
    "actor_id",
    "actor_role",
    "from_state",
    "to_state",
    "reason",
    "payload",
    "created_at",
)


def _canonical(data: dict) -> bytes:
    return json.dumps(data, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def event_leaf(values: dict) -> str:
    """The hash of one event, from its stored values (a dict of EVENT_FIELDS)."""
    data = {name: values[name] for name in EVENT_FIELDS}
    data["created_at"] = values["created_at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return hashlib.sha256(b"anef-event/1\n" + _canonical(data)).hexdigest()


def chain(previous: str, leaves: list[str]) -> str:
    state = bytes.fromhex(previous)
    for leaf in leaves:
        state = hashlib.sha256(state + bytes.fromhex(leaf)).digest()
    return state.hex()


def statement(seal: HistoryDigest) -> bytes:
    """The bytes that the day's signature covers."""
    return _canonical(
        {
            "format": FORMAT,
            "day": seal.day.isoformat(),
            "count": seal.count,
            "first_event_id": seal.first_event_id,
            "last_event_id": seal.last_event_id,
            "digest": seal.digest,
            "previous_digest": seal.previous_digest,
            "kid": seal.key_id,
        }
    )


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def _events_of(day: date):
    start, end = day_bounds(day)
    return ApplicationEvent.objects.filter(created_at__gte=start, created_at__lt=end).order_by("id")


# Sealing --------------------------------------------------------------------------------------


def _first_day() -> date | None:
    first = ApplicationEvent.objects.aggregate(first=Min("created_at"))["first"]
    return timezone.localdate(first) if first else None


def _seal_day(day: date, previous: HistoryDigest | None) -> HistoryDigest | None:
    """Seal one day; None when another sweep sealed it first (the unique day refused ours)."""
    leaves = [(values["id"], event_leaf(values)) for values in _events_of(day).values(*EVENT_FIELDS).iterator()]
    key = signing.current_key()
    seal = HistoryDigest(
        day=day,
        count=len(leaves),
        first_event_id=leaves[0][0] if leaves else None,
        last_event_id=leaves[-1][0] if leaves else None,
        previous_digest=previous.digest if previous else GENESIS,
        key_id=key.kid,
    )
    seal.digest = chain(seal.previous_digest, [leaf for _id, leaf in leaves])
    seal.signature = signing.b64e(key.private.sign(statement(seal)))
    try:
        with transaction.atomic():
            seal.save()
            SealedEvent.objects.bulk_create(
                [SealedEvent(event_id=pk, day=day, leaf=leaf) for pk, leaf in leaves], batch_size=1000
            )
    except IntegrityError:
        return None
    return seal


def seal_history(*, now: datetime | None = None) -> dict[str, int]:
    """The sweep: seal every day that ended at least GRACE ago and is not sealed yet, oldest first,
    every day in turn (a day without events is sealed too, so that the chain has no gap). Safe to
    run twice or at the same time: a day is sealed once (unique day), each from the stored seal of
    the day before."""
    # The last day that ended at least GRACE ago.
    last_closed = timezone.localdate((now or timezone.now()) - GRACE) - timedelta(days=1)
    sealed = 0
    while True:
        previous = HistoryDigest.objects.order_by("-day").first()
        day = previous.day + timedelta(days=1) if previous else _first_day()
        if day is None or day > last_closed:
            return {"days_sealed": sealed}
        sealed += _seal_day(day, previous) is not None


# Retention ------------------------------------------------------------------------------------


def events_purge(*, application: Application) -> int:
    """Delete the history of a never-filed draft (the retention sweep, in its transaction): each
    row is recorded as purged, and the leaves of sealed rows stay, so the sealed days still verify."""
    events = ApplicationEvent.objects.filter(application=application)
    PurgedEvent.objects.bulk_create(
        [PurgedEvent(event_id=pk, application_id=application.pk) for pk in events.values_list("pk", flat=True)]
    )
    with purging(ApplicationEvent):
        return events.delete()[0]


# Verification ---------------------------------------------------------------------------------


@dataclass
class DayCheck:
    day: date
    count: int
    purged: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def keys_from_published(published: dict) -> dict[str, Ed25519PublicKey]:
    """The public keys of an /.well-known/anef-keys.json document."""
    return {
        key["kid"]: Ed25519PublicKey.from_public_bytes(signing.b64d(key["public_key"])) for key in published["keys"]
    }


def _check_events(seal: HistoryDigest, check: DayCheck) -> None:
    sealed = dict(SealedEvent.objects.filter(day=seal.day).order_by("event_id").values_list("event_id", "leaf"))
    leaves = list(sealed.values())
    if len(leaves) != seal.count or chain(seal.previous_digest, leaves) != seal.digest:
        check.problems.append("the kept hashes of the day's events do not give the signed digest")
    live = {values["id"]: event_leaf(values) for values in _events_of(seal.day).values(*EVENT_FIELDS).iterator()}
    purged = dict(
        PurgedEvent.objects.filter(event_id__in=set(sealed) - set(live)).values_list("event_id", "application_id")
    )
    # Retention purges a draft with its whole history: a "purged" row whose application is still
    # there was deleted by someone else.
    purged_still_there = set(Application.objects.filter(pk__in=set(purged.values())).values_list("pk", flat=True))
    for event_id in sorted(set(sealed) | set(live)):
        if event_id not in live:
            if event_id in purged and purged[event_id] not in purged_still_there:
                check.purged += 1
            else:
                check.problems.append(f"event {event_id} was deleted")
        elif event_id not in sealed:
            check.problems.append(f"event {event_id} was added after the day was sealed")
        elif live[event_id] != sealed[event_id]:
            check.problems.append(f"event {event_id} was changed")


def history_verify(*, keys: dict[str, Ed25519PublicKey] | None = None) -> list[DayCheck]:
    """Check every sealed day: the link to the day before, the signature (against `keys`, by default
    the published ones), the kept hashes against the signed digest, and each event against its hash."""
    keys = signing.public_keys() if keys is None else keys
    checks = []
    previous = None
    for seal in HistoryDigest.objects.order_by("day").iterator():
        check = DayCheck(day=seal.day, count=seal.count)
        if previous is None and seal.previous_digest != GENESIS:
            check.problems.append("the first sealed day does not start the chain")
        if previous is not None:
            if seal.day != previous.day + timedelta(days=1):
                check.problems.append(f"days are missing between {previous.day} and this day")
            if seal.previous_digest != previous.digest:
                check.problems.append(f"it does not follow the digest of {previous.day}")
        key = keys.get(seal.key_id)
        if key is None:
            check.problems.append(f"it is signed by an unknown key ({seal.key_id})")
        else:
            try:
                key.verify(signing.b64d(seal.signature), statement(seal))
            except (InvalidSignature, ValueError):
                check.problems.append("its signature does not match")
        _check_events(seal, check)
        checks.append(check)
        previous = seal
    return checks
