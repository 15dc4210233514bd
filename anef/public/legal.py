"""The service's own statements: how personal data is handled (with the retention periods in
force, read from the settings) and the accessibility statement (RGAA model)."""

from datetime import date

from django.shortcuts import render

from anef.applications.retention import retention_table

# The day the accessibility statement was drawn up; change it with the statement.
ACCESSIBILITY_STATEMENT_DATE = date(2026, 11, 24)


def _has_personal_space(user) -> bool:
    """Anonymous visitors get the links (sign-in comes first); staff and helpers have no personal
    file, so the links to the applicant's space would lead nowhere."""
    return not user.is_authenticated or getattr(user, "person", None) is not None


def privacy(request):
    return render(
        request,
        "public/privacy.html",
        {"retention": retention_table(), "personal_space": _has_personal_space(request.user)},
    )


def accessibility(request):
    return render(request, "public/accessibility.html", {"statement_date": ACCESSIBILITY_STATEMENT_DATE})
