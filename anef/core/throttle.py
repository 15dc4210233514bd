"""Slowing down guessers without locking anybody out.

Code-entry pages (share codes, claim codes, document numbers) count wrong answers per client, and
per client and code: a client that guesses is refused for a while (429), but the code itself is never
locked, so the holder, from any other connection, always gets through. Counters live in the default
cache (the database cache in production: every web process on every machine sees the same counts),
through django-ratelimit's fixed windows.
"""

import hashlib
from dataclasses import dataclass

from django_ratelimit.core import get_usage


def client_address(request) -> str:
    """The client's address. REMOTE_ADDR for now: behind a proxy, the trusted proxy's header will
    be read here (one place for every limit)."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def client_key(group, request) -> str:
    """A django-ratelimit key function: one bucket per client."""
    return client_address(request)


def _digest(value: str) -> str:
    # Codes and dates of birth are personal data: the cache keeps only a digest of them.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class FailureLimit:
    """At most `rate` wrong answers (django-ratelimit syntax: "5/h") per client, or per client and
    target when a target is given; per target alone with `per_client=False` (for a target that is
    the guesser's own, such as their account: never a code or a person someone else depends on)."""

    group: str
    rate: str
    per_client: bool = True

    def _usage(self, request, target: str, *, increment: bool):
        key = "|".join(([client_address(request)] if self.per_client else []) + ([_digest(target)] if target else []))
        return get_usage(
            request, group=self.group, key=lambda _group, _request: key, rate=self.rate, increment=increment
        )

    def reached(self, request, target: str = "") -> bool:
        usage = self._usage(request, target, increment=False)
        return usage is not None and usage["count"] >= usage["limit"]

    def record(self, request, target: str = "") -> None:
        self._usage(request, target, increment=True)


def any_reached(request, limits: list[tuple[FailureLimit, str]]) -> bool:
    return any(limit.reached(request, target) for limit, target in limits)


def record_all(request, limits: list[tuple[FailureLimit, str]]) -> None:
    for limit, target in limits:
        limit.record(request, target)


def limit_per_client(view, *, group: str, rate: str):
    """Wrap a view we do not own (allauth's) with a per-client limit on every request: past it, a
    translated 429 page, and the view is not called."""
    from functools import wraps

    from django.shortcuts import render
    from django_ratelimit.core import is_ratelimited

    @wraps(view)
    def limited(request, *args, **kwargs):
        if is_ratelimited(request, group=group, key=client_key, rate=rate, increment=True):
            return render(request, "too_many_requests.html", status=429)
        return view(request, *args, **kwargs)

    return limited
