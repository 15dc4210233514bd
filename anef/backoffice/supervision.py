"""Supervisors' pages: the state of the prefecture's files, the log of staff reads, and what
background work could not do."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_q.models import Failure

from anef.accounts.constants import Role
from anef.applications.access import applications_for_agent
from anef.applications.models import StaffRead
from anef.core.tasks import failed_task_retry
from anef.notifications.constants import NotificationState
from anef.notifications.models import Notification
from anef.notifications.services import notification_retry

from .access import supervisor_required
from .forms import NotificationRetryForm, TaskRetryForm
from .pages import supervision_page


@supervisor_required
def supervision(request):
    return render(request, "backoffice/supervision.html", supervision_page(user=request.user))


@supervisor_required
def reads(request):
    applications = applications_for_agent(agent=request.user)
    log = StaffRead.objects.filter(application__in=applications).select_related("actor", "application", "document")
    reference = request.GET.get("reference", "").strip()
    if reference:
        log = log.filter(application__reference__iexact=reference)
    page = Paginator(log, 50).get_page(request.GET.get("page"))
    return render(request, "backoffice/reads.html", {"page": page, "reference": reference})


@supervisor_required
def failures(request):
    """What background work could not do: failed notifications (of the viewer's prefecture) and,
    for administrators, failed tasks with their error. Each can be retried."""
    is_administrator = request.user.role == Role.ADMINISTRATOR
    notifications = Notification.objects.filter(state__in=[NotificationState.FAILED, NotificationState.RETRYING])
    if not is_administrator:
        notifications = notifications.filter(application__prefecture_id=request.user.prefecture_id)
    if request.method == "POST":
        if "notification" in request.POST:  # which button was pressed
            form = NotificationRetryForm(request.POST, notifications=notifications)
            if not form.is_valid():
                raise Http404
            notification_retry(notification_id=form.cleaned_data["notification"].pk, actor=request.user)
            messages.success(request, _("The notification will be sent again."))
        elif "task" in request.POST and is_administrator:
            form = TaskRetryForm(request.POST)
            if form.is_valid() and failed_task_retry(task_id=form.cleaned_data["task"]):
                messages.success(request, _("The task is back in the queue."))
        return redirect("backoffice:failures")
    tasks = Failure.objects.order_by("-stopped")[:100] if is_administrator else []
    return render(
        request,
        "backoffice/failures.html",
        {"notifications": notifications.select_related("person", "application")[:200], "tasks": tasks},
    )
