"""Slowing down guessers without locking anybody out, with counts every machine shares.

Two kinds of limit, both counted in the default cache (Redis in production, `ANEF_CACHE_URL`: every
web process on every machine sees the same counts, and its INCR is atomic, so N concurrent requests
against a limit of N let exactly N through):

- `throttle(...)`, a view decorator: at most `rate` requests per client (or per account) in a window;
  past it, `request.limited` is true and the view answers with its own translated refusal.
- `FailureLimit`: code-entry pages (share codes, claim codes, document numbers) count wrong answers
  per client, and per client and code. An attempt first reserves one unit of every limit, atomically;
  a right answer gives its units back. A guesser is refused for a while (429), but a code is never
  locked, so its holder, from any other connection, always gets through.

A window opens at the first counted request and lasts its whole period (the counter's expiry is set
once and INCR keeps it): no boundary in the middle of a burst where the count silently restarts.
The database cache of the demo has no atomic increment: counts are right one request at a time,
which a single-machine demo is; production refuses to start without Redis (settings/production.py).
"""

import contextlib
import hashlib
import ipaddress
import re
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

# "10/m", "20/h", "5/5m": an amount per period (s, m, h, d, with an optional multiplier).
_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# A person with an IPv6 connection usually holds a whole /64: limits count that block as one client.
IPV6_PREFIX = 64


def parse_rate(rate: str) -> tuple[int, int]:
    """("10/m") -> (10, 60): the amount and the period in seconds."""
    match = _RATE.match(rate)
    if match is None:
        raise ValueError(f"Not a rate: {rate!r} (expected e.g. '10/m', '20/h', '5/5m').")
    amount, multiplier, unit = match.groups()
    return int(amount), int(multiplier or 1) * _UNITS[unit]


def _clean_address(value: str) -> str | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.9:443"
        value = value.split(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_address(request) -> str:
    """The client's address: the one place every limit, log and security event reads it.

    Behind `ANEF_TRUSTED_PROXIES` proxies (the load balancer, a TLS terminator...), each of which
    appends the address it received the request from to X-Forwarded-For, the client is the entry that
    many places from the right: what the client itself wrote in the header, further left, is never
    believed. A request that did not pass through all of them (a header too short or garbled) is
    counted under the address that reached us directly.
    """
    direct = _clean_address(request.META.get("REMOTE_ADDR", "")) or "unknown"
    proxies = settings.ANEF_TRUSTED_PROXIES
    if proxies <= 0:
        return direct
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < proxies:
        return direct
    return _clean_address(forwarded[-proxies]) or direct


def client_block(request) -> str:
    """The client as limits count it: its address, or its /64 for IPv6."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.IPv6Network(f"{parsed}/{IPV6_PREFIX}", strict=False).network_address)
    return address


def _digest(value: str) -> str:
    # Codes, accounts and addresses are personal data: the cache keeps only a digest of them.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _key(group: str, who: str) -> str:
    return f"throttle:{group}:{_digest(who)}"


def _take(key: str, period: int) -> int:
    """Count one more in the window of `key` (opened now if there is none) and return the count."""
    for _attempt in range(3):
        cache.add(key, 0, timeout=period)  # only the first request of a window sets the expiry
        try:
            return cache.incr(key)
        except ValueError:  # the window expired between the two calls: open a new one
            continue
    raise RuntimeError(f"The cache refuses to count {key}.")


def _give_back(key: str) -> None:
    with contextlib.suppress(ValueError):  # the window expired meanwhile: nothing to give back
        cache.decr(key)


def throttle(*, group: str, rate: str, per: str = "client", methods: tuple[str, ...] = ("POST",)):
    """A view decorator: past `rate` requests of `methods` per client address (`per="client"`) or
    per signed-in account (`per="user"`; per client when nobody is signed in) in a window,
    `request.limited` is true (the view refuses in its own words: a message, a 429 page). Other
    methods are neither counted nor limited."""
    amount, period = parse_rate(rate)
    if per not in ("client", "user"):
        raise ValueError(per)

    def decorate(view):
        @wraps(view)
        def counted(request, *args, **kwargs):
            request.limited = False
            if request.method in methods:
                user = getattr(request, "user", None)
                signed_in = per == "user" and user is not None and user.is_authenticated
                who = f"user:{user.pk}" if signed_in else client_block(request)
                request.limited = _take(_key(group, who), period) > amount
            return view(request, *args, **kwargs)

        return counted

    return decorate


@dataclass(frozen=True)
class FailureLimit:
    """At most `rate` wrong answers per client, or per client and target when a target is given; per
    target alone with `per_client=False` (for a target that is the guesser's own, such as their
    account: never a code or a person someone else depends on)."""

    group: str
    rate: str
    per_client: bool = True

    def key(self, request, target: str) -> str:
        who = "|".join(([client_block(request)] if self.per_client else []) + ([target] if target else []))
        return _key(self.group, who)


class Attempt:
    """One attempt's reserved units: `succeeded()` gives them back (a right answer is not a failure)."""

    def __init__(self, keys: list[str]):
        self._keys = keys

    def succeeded(self) -> None:
        for key in self._keys:
            _give_back(key)
        self._keys = []


def attempt(request, limits: list[tuple[FailureLimit, str]]) -> Attempt | None:
    """Reserve one unit of every limit, atomically per limit; None (and nothing kept) when any is spent.
    Concurrent wrong guesses cannot overtake the limit: each holds its unit before it is checked."""
    taken: list[str] = []
    for limit, target in limits:
        amount, period = parse_rate(limit.rate)
        key = limit.key(request, target)
        count = _take(key, period)
        taken.append(key)
        if count > amount:
            Attempt(taken).succeeded()  # a refused attempt is not a failure either
            return None
    return Attempt(taken)


def limit_per_client(view, *, group: str, rate: str):
    """Wrap a view we do not own (allauth's) with a per-client limit on every request: past it, a
    translated 429 page, and the view is not called."""

    @wraps(view)
    @throttle(group=group, rate=rate, methods=("GET", "POST", "HEAD"))
    def limited(request, *args, **kwargs):
        if request.limited:
            return render(request, "too_many_requests.html", status=429)
        return view(request, *args, **kwargs)

    return limited
