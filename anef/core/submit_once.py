"""Exactly once for every form: a double click, a retry or two tabs create one thing.

Every POST form we render carries a hidden one-time token (`FIELD`, emitted by our `csrf_token`
tag, see `anef.core.templatetags.submission`); an API client may send an `Idempotency-Key` header.
Before the view runs, `SubmitOnceMiddleware` claims the token with an INSERT on a unique column
(`SubmissionToken.key`): the database decides which of two identical requests runs, whatever the
number of web processes. The other one waits (bounded) for the first to finish and answers what it
answered: the same redirect with the same flash messages (a form), the same body (an API write).
A first answer that is not a success (form errors, refusal, crash) releases the token, so that the
person can correct and send again; the same token with other content counts as another submission.
Requests without a token work as before (CSRF still applies).
"""

import hashlib
import json
import time
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeData, mark_safe

from .models import SubmissionToken

FIELD = "submission_token"
HEADER = "Idempotency-Key"
UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
MAX_REPLAYED_BODY = 1_000_000


def new_token() -> str:
    import secrets

    return secrets.token_urlsafe(24)


def _key(*, user_id, path: str, token: str, kind: str, content: str = "") -> str:
    return hashlib.sha256(f"{kind}|{user_id or '-'}|{path}|{token}|{content}".encode()).hexdigest()


def _content(request, api: bool) -> str:
    """A digest of what was sent. The same token with other content is another submission: a person
    who comes back to a page with the browser's back button, writes something else and sends it
    means a new message, not a copy of the first (whose result they would otherwise be shown)."""
    if api and not request.content_type.startswith("multipart/"):
        return hashlib.sha256(request.body).hexdigest()
    fields = sorted(
        (name, value)
        for name in request.POST
        if name not in (FIELD, "csrfmiddlewaretoken")
        for value in request.POST.getlist(name)
    )
    files = sorted(
        (name, upload.name or "", upload.size or 0) for name in request.FILES for upload in request.FILES.getlist(name)
    )
    return hashlib.sha256(json.dumps([fields, files]).encode()).hexdigest()


def submission_claim(*, key: str, user_id, path: str, wait: float) -> tuple[str, SubmissionToken | None]:
    """("claimed", row) for the first request with this key; (SubmissionToken.Status.DONE, row) once the
    first has answered; ("busy", row) when the first is still running after `wait` seconds."""
    deadline = time.monotonic() + wait
    delay = 0.02
    while True:
        try:
            with transaction.atomic():
                return "claimed", SubmissionToken.objects.create(key=key, user_id=user_id, path=path[:500])
        except IntegrityError:
            pass
        row = SubmissionToken.objects.filter(key=key).first()
        if row is None:
            continue  # the first one failed and released the token between our two queries: run
        if row.status == SubmissionToken.Status.DONE:
            return SubmissionToken.Status.DONE, row
        if time.monotonic() >= deadline:
            return "busy", row
        time.sleep(delay)  # polling the first request's row; bounded by `wait`
        delay = min(delay * 2, 0.25)


def submission_finish(*, row: SubmissionToken, request, response, api: bool) -> None:
    """Keep what a successful first answer said; release the token of any other answer."""
    succeeded = (
        200 <= response.status_code < 300 and not response.streaming and len(response.content) <= MAX_REPLAYED_BODY
        if api
        else response.status_code in (301, 302, 303, 307, 308) and response.has_header("Location")
    )
    if not succeeded:
        SubmissionToken.objects.filter(pk=row.pk, status=SubmissionToken.Status.RUNNING).delete()
        return
    storage = getattr(request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])  # what the view added, not yet stored
    SubmissionToken.objects.filter(pk=row.pk).update(
        status=SubmissionToken.Status.DONE,
        status_code=response.status_code,
        location=response.get("Location", "")[:2000],
        messages=[[m.level, str(m.message), m.extra_tags or "", isinstance(m.message, SafeData)] for m in queued],
        content_type=response.get("Content-Type", "")[:200] if api else "",
        body=response.content.decode(response.charset or "utf-8", "replace") if api else "",
        finished_at=timezone.now(),
    )


def submission_replay(*, row: SubmissionToken, request):
    if row.location:
        for level, text, tags, safe in row.messages:
            messages.add_message(request, level, mark_safe(text) if safe else text, extra_tags=tags)  # noqa: S308 - our own message, stored as it was
        response = HttpResponseRedirect(row.location)
        response.status_code = row.status_code or 302
        return response
    response = HttpResponse(row.body, status=row.status_code or 200, content_type=row.content_type or None)
    response["Idempotent-Replayed"] = "true"
    return response


def sweep_submission_tokens() -> dict:
    """Forget tokens older than `ANEF_SUBMISSION_TOKEN_HOURS` (one DELETE)."""
    cutoff = timezone.now() - timedelta(hours=settings.ANEF_SUBMISSION_TOKEN_HOURS)
    return {"deleted": SubmissionToken.objects.filter(created_at__lt=cutoff).delete()[0]}


class SubmitOnceMiddleware:
    """Placed after CsrfViewMiddleware (its `process_view` runs after the CSRF check) and after
    the authentication and messages middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        claim = getattr(request, "_submission_claim", None)
        if claim is not None:
            row, api = claim
            submission_finish(row=row, request=request, response=response, api=api)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in UNSAFE_METHODS or _exempt(view_func):
            return None
        token, api = request.headers.get(HEADER), True
        if not token:
            # Only a form post carries the field; reading POST here parses what the view would parse.
            token, api = (request.POST.get(FIELD) if request.method == "POST" else None), False
        if not token or len(token) > 255:
            return None
        user_id = request.user.pk if getattr(request, "user", None) and request.user.is_authenticated else None
        key = _key(
            user_id=user_id,
            path=request.path,
            token=token,
            kind="api" if api else "form",
            content=_content(request, api),
        )
        outcome, row = submission_claim(
            key=key, user_id=user_id, path=request.path, wait=settings.ANEF_SUBMISSION_WAIT_SECONDS
        )
        if outcome == "claimed":
            request._submission_claim = (row, api)
            return None
        if outcome == SubmissionToken.Status.DONE:
            return submission_replay(row=row, request=request)
        return render(request, "submission_in_progress.html", status=409)


def _exempt(view_func) -> bool:
    """Views that sign in, sign out or switch the language answer with cookies that a replay would
    not carry; they are idempotent by nature. Their forms still carry the token."""
    module = getattr(view_func, "__module__", "") or ""
    return module.startswith(settings.ANEF_SUBMISSION_EXEMPT_MODULES)
