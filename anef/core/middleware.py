import logging
import time

from django.conf import settings
from django.utils import translation
from django.utils.log import log_response

from .request_logs import REQUEST_ID_HEADER, request_context_reset, request_context_set, request_id_from
from .throttle import client_address

request_logger = logging.getLogger("anef.request")


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


class RequestIdMiddleware:
    """First in the chain: every request gets an id (the load balancer's X-Request-ID when well formed,
    else a new one), echoed in the response; each log line written while it is served carries that id and
    the client's real address; and one line per request says what was asked and answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))
        token = request_context_set(request_id=request.request_id, client=client_address(request))
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request.request_id
            if response.status_code >= 400:
                # Django's own "Not Found: /x" line, written here rather than after the last middleware
                # (BaseHandler.get_response), so that it carries the request's id too (it is written once).
                log_response("%s: %s", response.reason_phrase, request.path, response=response, request=request)
            # The path without its query string (searches may hold names); the load balancer's probes,
            # every few seconds on every machine, only when debugging.
            request_logger.log(
                logging.DEBUG if request.path.startswith("/health/") else logging.INFO,
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.monotonic() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_context_reset(token)
