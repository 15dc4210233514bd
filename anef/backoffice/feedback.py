"""What people think of the service (opinions given after a filing), read by national administrators."""

from django.shortcuts import render

from anef.transparency.feedback import feedback_summary

from .structures import administrator_required


@administrator_required
def feedback_list(request):
    return render(request, "backoffice/feedback.html", feedback_summary())
