from .selectors import incidents_ongoing_for_every_page


def ongoing_incidents(request):
    """Every page says when the service is failing (from the shared cache: anef/incidents/selectors.py)."""
    return {"ongoing_incidents": incidents_ongoing_for_every_page()}
