"""Lost access to one's email or password: the recovery page that lists every path, and the pages of
the two paths that need no mailbox (a code by text message, a code given on paper after an identity
check). No sign-in needed; the rules are in accounts.recovery."""

import secrets

from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from anef.accounts.recovery import (
    PAPER_CODE_DAYS,
    SMS_CODE_MINUTES,
    RecoveryError,
    SecondFactor,
    normalise_code,
    recovery_complete_by_sms,
    recovery_complete_with_paper_code,
    recovery_sms_request,
)
from anef.core.throttle import FailureLimit, attempt, throttle

from .forms import RecoveryPaperCodeForm, RecoverySmsCodeForm, RecoverySmsRequestForm

# Session keys: which request a code answers (the person's id, or None when nothing matched: the
# visitor never sees it), and what the last page says about the recovered account.
SMS_REQUEST = "recovery_sms"
DONE = "recovery_done"

# Wrong codes: per client, and per account for text-message codes (whoever tries them); per client
# and code for paper codes, which are never locked by others' guesses. A code also ends by itself
# after a few wrong answers (accounts.recovery.MAX_WRONG_ANSWERS).
CODE_FAILURES_PER_CLIENT = FailureLimit("recovery-client", "10/h")
SMS_FAILURES_PER_ACCOUNT = FailureLimit("recovery-account", "10/h", per_client=False)
PAPER_FAILURES_PER_CODE = FailureLimit("recovery-paper-code", "5/h")


@require_http_methods(["GET"])
def recovery(request):
    return render(request, "portal/recovery.html", {"sms_minutes": SMS_CODE_MINUTES, "paper_days": PAPER_CODE_DAYS})


@never_cache
@require_http_methods(["GET", "POST"])
@throttle(group="recovery-sms-request", rate="10/h")
def recovery_sms(request):
    form = RecoverySmsRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and request.limited:
        return render(request, "too_many_requests.html", status=429)
    if request.method == "POST" and form.is_valid():
        person_id = recovery_sms_request(
            birth_date=form.cleaned_data["birth_date"],
            phone=form.cleaned_data["phone"],
            email=form.cleaned_data["email"],
        )
        # The account's attempts are counted under its id; a request that matched nobody gets a key of
        # its own (one shared by every such request would be refused first: an oracle, and a nuisance).
        target = f"person:{person_id}" if person_id is not None else f"nobody:{secrets.token_hex(8)}"
        request.session[SMS_REQUEST] = {"person": person_id, "target": target}
        return redirect("portal:recovery_sms_code")
    return render(request, "portal/recovery_sms.html", {"form": form}, status=400 if form.errors else 200)


def _credentials_error(form, exc: RecoveryError) -> bool:
    """Show a refusal on its answer; True when it was about the code (a guess that failed)."""
    if exc.field in ("new_email", "email"):
        form.add_error("new_email", exc.message)
        return False
    if exc.field == "password":
        form.add_error("password1", exc.message)
        return False
    form.add_error("code", exc.message)
    return True


def _done(request, recovered):
    if request.user.is_authenticated:
        # Someone signed in here recovered an account: every session of that account has just ended
        # (this one may be among them), so this browser starts afresh, signed out.
        logout(request)
    if recovered.email_to_confirm is not None:
        recovered.email_to_confirm.send_confirmation(request)  # allauth's usual confirmation mail
    request.session[DONE] = {
        "email": recovered.user.email,
        "to_confirm": recovered.email_to_confirm is not None,
        "second_factor_kept": recovered.second_factor == SecondFactor.KEPT,
        "second_factor_removed": recovered.second_factor == SecondFactor.REMOVED,
    }
    return redirect("portal:recovery_done")


@never_cache
@require_http_methods(["GET", "POST"])
def recovery_sms_code(request):
    if SMS_REQUEST not in request.session:
        return redirect("portal:recovery_sms")
    person_id, target = request.session[SMS_REQUEST]["person"], request.session[SMS_REQUEST]["target"]
    form = RecoverySmsCodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        limits = [(CODE_FAILURES_PER_CLIENT, ""), (SMS_FAILURES_PER_ACCOUNT, target)]
        tried = attempt(request, limits)
        if tried is None:
            form.is_valid()
            form.add_error(None, _("Too many wrong codes. Wait an hour, then ask for a new code."))
            status = 429
        elif not form.is_valid():
            tried.succeeded()  # nothing was compared
            status = 400
        else:
            try:
                recovered = recovery_complete_by_sms(
                    person_id=person_id,
                    code=form.cleaned_data["code"],
                    new_email=form.cleaned_data["new_email"],
                    password=form.cleaned_data["password1"],
                )
            except RecoveryError as exc:
                if not _credentials_error(form, exc):
                    tried.succeeded()
                status = 400
            else:
                tried.succeeded()
                del request.session[SMS_REQUEST]
                return _done(request, recovered)
    return render(request, "portal/recovery_sms_code.html", {"form": form, "minutes": SMS_CODE_MINUTES}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def recovery_paper(request):
    form = RecoveryPaperCodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        code = normalise_code(request.POST.get("code", ""))[:20]
        tried = attempt(request, [(CODE_FAILURES_PER_CLIENT, ""), (PAPER_FAILURES_PER_CODE, code)])
        if tried is None:
            form.is_valid()
            form.add_error(None, _("Too many wrong codes or dates of birth. Wait an hour and try again."))
            status = 429
        elif not form.is_valid():
            tried.succeeded()
            status = 400
        else:
            try:
                recovered = recovery_complete_with_paper_code(
                    code=form.cleaned_data["code"],
                    birth_date=form.cleaned_data["birth_date"],
                    new_email=form.cleaned_data["new_email"],
                    password=form.cleaned_data["password1"],
                )
            except RecoveryError as exc:
                if not _credentials_error(form, exc):
                    tried.succeeded()
                status = 400
            else:
                tried.succeeded()
                return _done(request, recovered)
    return render(request, "portal/recovery_paper.html", {"form": form, "days": PAPER_CODE_DAYS}, status=status)


@never_cache
@require_http_methods(["GET"])
def recovery_done(request):
    done = request.session.pop(DONE, None)
    if done is None:
        return redirect("portal:recovery")
    return render(request, "portal/recovery_done.html", {"done": done})
