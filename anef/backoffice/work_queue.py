"""The work queue: the files a member of staff may see, filtered and paged."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from anef.applications.access import applications_for_agent
from anef.applications.selectors import with_news_for
from anef.applications.workflow import PENDING_DECISION_STATES
from anef.messaging.models import Side
from anef.messaging.selectors import unread_counts

from .access import staff_required
from .filters import QueueFilter

PAGE_SIZE = 25


@staff_required
def queue(request):
    base = with_news_for(
        applications_for_agent(agent=request.user).select_related("person", "procedure", "assigned_to"),
        agent=request.user,
    )
    filterset = QueueFilter(request.GET or None, queryset=base, agent=request.user)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = unread_counts(base.filter(pk__in=[a.pk for a in page]), reader_side=Side.PREFECTURE)
    now = timezone.now()
    for application in page:
        application.unread = unread.get(application.pk, 0)
        # Past its target date while still waiting for a decision.
        application.overdue = bool(application.due_at and application.due_at < now) and (
            application.state in PENDING_DECISION_STATES
        )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "backoffice/queue.html",
        {"filter": filterset, "page": page, "query": query.urlencode(), "pending_states": PENDING_DECISION_STATES},
    )
