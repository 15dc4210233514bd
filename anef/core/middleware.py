from django.conf import settings
from django.utils import translation


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
