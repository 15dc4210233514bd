"""Every page's incident notice comes from the shared cache (selectors.incidents_ongoing_for_every_page)."""

from django.core.cache import cache
from django.db import transaction

UNCLOSED_KEY = "incidents:unclosed"
UNCLOSED_SECONDS = 60


def forget_unclosed_incidents(**kwargs) -> None:
    """An incident changed: forget the list now, and again once its transaction commits (a page rendered in
    between would have cached the old list)."""
    cache.delete(UNCLOSED_KEY)
    transaction.on_commit(lambda: cache.delete(UNCLOSED_KEY))
