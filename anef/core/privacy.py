"""Personal pages never stay in a cache: not the browser's, not a shared computer's, not a proxy's."""

from django.utils.cache import patch_cache_control

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# What a view may have asked for that must not survive on a personal answer.
CACHEABLE = ("public", "max-age", "s-maxage", "immutable", "stale-while-revalidate", "stale-if-error")


def make_private_no_store(response) -> None:
    kept = [
        directive.strip()
        for directive in response.get("Cache-Control", "").split(",")
        if directive.strip() and directive.strip().split("=")[0].lower() not in CACHEABLE
    ]
    if kept:
        response["Cache-Control"] = ", ".join(kept)
    elif "Cache-Control" in response:
        del response["Cache-Control"]
    patch_cache_control(response, private=True, no_store=True)


class NoStoreForPersonalPagesMiddleware:
    """`Cache-Control: private, no-store` on every answer to a signed-in person (pages, downloads,
    exports, API) and on every answer to a form (a check's result names a person). Public pages for
    anonymous visitors stay cacheable; an anonymous download of personal data (a check's proof) is
    marked by its view with `never_cache`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or request.method not in SAFE_METHODS:
            make_private_no_store(response)
        return response
