"""The agents' daily digest (issue 14: "agents learn of changes"): each agent in charge of files on
which the person did something since their last digest (a document added or replaced, an answer to
a request, a declaration joined) gets one mail a day listing them, with a link to each file. The
work queue marks the same files as news until the agent opens them
(`applications.selectors.with_news_for`).

The sweep is set-based and idempotent: one `AgentDigest` row per agent and day (unique), created
with its sending task in one transaction; the task locks the row and sends only if `sent_at` is
empty.
"""

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from anef.accounts.models import User
from anef.applications.models import ApplicationEvent
from anef.applications.selectors import NEWS_KINDS
from anef.applications.workflow import CASEWORK_STATES, EventKind
from anef.core.links import absolute
from anef.core.tasks import enqueue

from .models import AgentDigest

# The first digest of an agent covers this much of the past.
FIRST_DIGEST_HOURS = 24


def send_agent_digests() -> int:
    """Sweep (daily): one digest per agent with news on the files in their charge. Returns how many
    digests it created (0 when run again the same day)."""
    today = timezone.localdate()
    now = timezone.now()
    first_since = now - timedelta(hours=FIRST_DIGEST_HOURS)
    # Each digest covers what happened since the agent's previous one (or the last day, for a first).
    previous = dict(
        AgentDigest.objects.values("agent_id").annotate(last=Max("created_at")).values_list("agent_id", "last")
    )
    earliest = min([first_since, *previous.values()])
    rows = (
        ApplicationEvent.objects.filter(
            kind__in=NEWS_KINDS,
            created_at__gt=earliest,
            created_at__gte=F("application__filed_at"),  # a draft's own documents are no news
            application__state__in=CASEWORK_STATES,
            application__assigned_to__isnull=False,
            application__assigned_to__is_active=True,
        )
        .exclude(actor_id=F("application__assigned_to_id"))  # what the agent did themselves is no news
        .values_list("application__assigned_to_id", "application__reference", "kind", "created_at")
        .order_by("application__reference", "sequence")
    )
    news: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for agent_id, reference, kind, created_at in rows:
        since = previous.get(agent_id, first_since)
        if created_at > since and kind not in news[agent_id][reference]:
            news[agent_id][reference].append(kind)
    created = 0
    for agent_id, files in news.items():
        if not files:
            continue
        try:
            with transaction.atomic():
                digest = AgentDigest.objects.create(agent_id=agent_id, day=today, files=dict(files))
                enqueue("anef.notifications.digests.send_agent_digest", digest.pk)
        except IntegrityError:
            continue  # today's digest of this agent exists already
        created += 1
    return created


def send_agent_digest(digest_id: int) -> str:
    """Task: send one digest once (the row lock makes a duplicated task wait, then see it sent)."""
    with transaction.atomic():
        digest = AgentDigest.objects.select_for_update(of=("self",)).filter(pk=digest_id).first()
        if digest is None or digest.sent_at is not None:
            return "nothing to do"
        agent = User.objects.get(pk=digest.agent_id)
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "agent": agent,
                "files": [
                    {
                        "reference": reference,
                        "news": [str(EventKind(kind).label) for kind in kinds],  # lazy labels defeat |join
                        "link": absolute(reverse("backoffice:case", args=[reference])),
                    }
                    for reference, kinds in sorted(digest.files.items())
                ],
                "queue": absolute(reverse("backoffice:queue") + "?assignee=me&news=yes"),
            }
            subject = render_to_string("notifications/agent_digest_subject.txt", context).strip()
            body = render_to_string("notifications/agent_digest_body.txt", context).strip()
        EmailMessage(
            subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
            body=body,
            to=[agent.email],
            headers={"Message-ID": f"<digest.{digest.pk}@anef.notifications>"},
        ).send(fail_silently=False)
        digest.sent_at = timezone.now()
        digest.save(update_fields=["sent_at"])
    return "sent"
