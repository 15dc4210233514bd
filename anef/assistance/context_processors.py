from django.db.models import Q

from .models import Mandate


def acting_for(request):
    """Every page where a helper acts on a person's file (a URL naming the file) says for whom and
    under which mandate: the base layout shows it as a notice (one query, for helpers only)."""
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    if user is None or not user.is_authenticated or not user.is_helper or match is None:
        return {}
    reference = match.kwargs.get("reference")
    if not reference:
        return {}
    mandate = (
        Mandate.objects.valid()
        .filter(helper=user)
        .filter(
            Q(all_applications=True, person__applications__reference=reference) | Q(applications__reference=reference)
        )
        .select_related("person")
        .order_by("-all_applications", "pk")
        .first()
    )
    return {"acting_mandate": mandate} if mandate else {}
