from .selectors import incidents_ongoing


def ongoing_incidents(request):
    """Every page says when the service is failing (one small query: incidents are few)."""
    return {"ongoing_incidents": list(incidents_ongoing())}
