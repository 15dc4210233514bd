from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.http import Http404

from .models import Attachment, Message, Side


def thread(*, application) -> QuerySet[Message]:
    return application.messages.select_related("author").prefetch_related("attachments")


def unread_counts(applications: QuerySet, *, reader_side: str) -> dict[int, int]:
    """{application id: number of messages from the other side not read yet}, in one query."""
    other = Side.PREFECTURE if reader_side == Side.APPLICANT else Side.APPLICANT
    rows = (
        Message.objects.filter(application__in=applications, side=other, read_at__isnull=True)
        .values("application_id")
        .annotate(n=Count("pk"))
    )
    return {row["application_id"]: row["n"] for row in rows}


def threads_waiting_for_staff(applications: QuerySet) -> QuerySet:
    """Applications whose last message is the applicant's, oldest first (SPEC §8)."""
    last = Message.objects.filter(application=OuterRef("pk")).order_by("-created_at", "-pk")
    return (
        applications.annotate(
            last_side=Subquery(last.values("side")[:1]), last_at=Subquery(last.values("created_at")[:1])
        )
        .filter(last_side=Side.APPLICANT)
        .order_by("last_at")
    )


def attachment_in(*, applications: QuerySet, attachment_id) -> Attachment:
    try:
        return Attachment.objects.select_related("message__application").get(
            pk=attachment_id, message__application__in=applications
        )
    except (Attachment.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
