from django.conf import settings
from django.utils import translation


class SecondFactorRequiredMiddleware:
    """Staff and helpers cannot work without their second factor: until it is set up, their
    working areas send them to the enrolment page."""

    PROTECTED = ("/agents/", "/aidant/", "/espace/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from allauth.mfa.utils import is_mfa_enabled
        from django.shortcuts import redirect

        from anef.security.services import security_event_record

        user = request.user
        if (
            user.is_authenticated
            and user.role in ("helper", "counter_agent", "case_agent", "supervisor", "administrator")
            and request.path.startswith(self.PROTECTED)
            and not is_mfa_enabled(user)
        ):
            security_event_record(kind="second_factor_missing", user=user, request=request)
            return redirect("mfa_activate_totp")
        return self.get_response(request)


class PreferredLanguageMiddleware:
    """The language follows the person: an explicit choice (cookie) first, else their profile,
    else the browser (Django's LocaleMiddleware, which runs before this one)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and request.user.is_authenticated:
            person = getattr(request.user, "person", None)
            if person is not None and person.preferred_language:
                translation.activate(person.preferred_language)
                request.LANGUAGE_CODE = person.preferred_language
        return self.get_response(request)
