from .constants import SecurityEventKind
from .services import security_event_record

REFUSALS = {403: SecurityEventKind.ACCESS_DENIED, 429: SecurityEventKind.RATE_LIMITED}


class SecurityEventMiddleware:
    """Every refusal (403) and every rate limit hit (429), whoever answered it (a view, the CSRF
    check, the API), leaves a security event. Placed after the authentication middleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        kind = REFUSALS.get(response.status_code)
        if kind is not None:
            security_event_record(
                kind=kind, user=getattr(request, "user", None), request=request, method=request.method
            )
        return response
