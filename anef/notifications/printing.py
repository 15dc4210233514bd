"""Paper letters: print runs and their posting (SPEC §8: a person without email or phone gets
letters; the print run and the postage are recorded).

A letter notification is "sent" when its PDF exists; it waits for a print run. Preparing a run
takes the waiting letters of a prefecture with a conditional update (two agents preparing at once
never share a letter), merges their PDFs behind a deposit slip, and stores the file. Recording the
posting closes the run and writes "letter posted" on the timeline of each application concerned.
A run prepared by mistake can be cancelled before posting: its letters wait again.
"""

from datetime import date
from decimal import Decimal
from io import BytesIO

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML

from anef.accounts.constants import Role
from anef.accounts.models import User
from anef.applications.errors import ApplicationError
from anef.applications.kernel import lock_applications, record_event
from anef.applications.workflow import EventKind
from anef.core.tasks import enqueue

from .constants import Channel, NotificationState
from .models import Notification, PrintRun

MAX_LETTERS_PER_RUN = 500  # one ream of paper, about; the rest waits for the next run
MAX_POSTAGE_EUR = Decimal("100000")


def _scope(queryset: QuerySet, user: User, field: str) -> QuerySet:
    """Administrators see every prefecture (and letters without one); others their own."""
    if user.role == Role.ADMINISTRATOR:
        return queryset
    return queryset.filter(**{field: user.prefecture_id})


def letters_waiting(user: User) -> QuerySet:
    waiting = Notification.objects.filter(
        channel=Channel.LETTER, state=NotificationState.SENT, print_run__isnull=True
    ).exclude(letter="")
    return _scope(waiting, user, "application__prefecture_id")


def print_runs_visible(user: User) -> QuerySet:
    return _scope(PrintRun.objects.all(), user, "prefecture_id")


def print_run_letters(run: PrintRun) -> QuerySet:
    """The letters of a run in the order of its PDF (and of its deposit slip)."""
    return run.letters.select_related("person", "application").order_by("application__reference", "created_at")


def _merged_pdf(run: PrintRun, letters: list[Notification]) -> bytes:

    slip = render_to_string(
        "notifications/print_run_slip.html",
        {"run": run, "letters": letters, "date": timezone.localdate(), "language": translation.get_language()},
    )
    writer = PdfWriter()
    writer.append(PdfReader(BytesIO(HTML(string=slip).write_pdf())))
    for letter in letters:
        with letter.letter.open("rb") as handle:
            reader = PdfReader(BytesIO(handle.read()))
        writer.append(reader)
        if len(reader.pages) % 2:
            writer.add_blank_page()  # printed recto-verso, each letter starts on its own sheet
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def print_run_prepare(*, actor: User, prefecture_id: int | None) -> PrintRun:
    """Gather the letters waiting for this prefecture (None: letters of files without one, for
    administrators) into a new run. Its PDF is built by the background worker (a few seconds for a
    full run), enqueued in the same transaction."""
    if actor.role != Role.ADMINISTRATOR and prefecture_id != actor.prefecture_id:
        raise ApplicationError(_("You can only print the letters of your prefecture."))
    with transaction.atomic():
        run = PrintRun.objects.create(
            number=f"tmp-{timezone.now().timestamp()}-{actor.pk}",
            prefecture_id=prefecture_id,
            prepared_by=actor,
            letter_count=1,  # set below; the constraint forbids an empty run
        )
        candidates = letters_waiting(actor).filter(application__prefecture_id=prefecture_id)
        chosen = list(candidates.order_by("created_at", "pk").values_list("pk", flat=True)[:MAX_LETTERS_PER_RUN])
        # Conditional update: a letter taken by a concurrent run in the meantime is not taken again.
        taken = Notification.objects.filter(pk__in=chosen, print_run__isnull=True).update(print_run=run)
        if not taken:
            transaction.set_rollback(True)
            raise ApplicationError(_("No letter is waiting to be printed."))
        run.number = f"IMP-{timezone.localdate():%Y%m%d}-{run.pk:06d}"
        run.letter_count = taken
        run.save(update_fields=["number", "letter_count"])
        enqueue("anef.notifications.printing.print_run_render", run.pk)
    return run


def print_run_render(run_id: int) -> str:
    """Background task: build the run's PDF once. The row lock makes a duplicated task wait, then
    find the PDF there; a cancelled run is not printed."""
    with transaction.atomic():
        run = PrintRun.objects.select_for_update(of=("self",)).filter(pk=run_id).first()
        if run is None or run.pdf or run.state == PrintRun.State.CANCELLED:
            return "nothing to do"
        letters = list(print_run_letters(run))
        run.pdf.save(f"{run.number}.pdf", ContentFile(_merged_pdf(run, letters)), save=False)
        run.save(update_fields=["pdf"])
    return "rendered"


def print_run_record_posting(
    *,
    run_id: int,
    actor: User,
    posted_on: date,
    postage_class: str,
    postage_cost: Decimal,
    deposit_reference: str = "",
) -> PrintRun:
    """The run went to the post: its date, class and cost are recorded, and each application's
    timeline says a letter was posted (with its subject), so an agent can tell the person."""

    today = timezone.localdate()
    with transaction.atomic():
        run = print_runs_visible(actor).select_for_update(of=("self",)).filter(pk=run_id).first()
        if run is None:
            raise PrintRun.DoesNotExist
        if run.state != PrintRun.State.PREPARED:
            raise ApplicationError(_("This print run is not waiting to be posted."))
        if not run.pdf:
            raise ApplicationError(_("The PDF of this run is not ready yet: print it before recording the posting."))
        if posted_on > today or posted_on < timezone.localtime(run.prepared_at).date():
            raise ApplicationError(_("The posting date is between the day the run was prepared and today."))
        if postage_class not in PrintRun.PostageClass.values:
            raise ApplicationError(_("Choose the postage."))
        if postage_cost is None or postage_cost < 0 or postage_cost > MAX_POSTAGE_EUR:
            raise ApplicationError(_("Give the postage cost in euros."))
        run.state = PrintRun.State.POSTED
        run.posted_on = posted_on
        run.postage_class = postage_class
        run.postage_cost = postage_cost
        run.deposit_reference = deposit_reference.strip()
        run.posted_by = actor
        run.posted_at = timezone.now()
        run.save(
            update_fields=[
                "state",
                "posted_on",
                "postage_class",
                "postage_cost",
                "deposit_reference",
                "posted_by",
                "posted_at",
            ]
        )
        letters = list(run.letters.order_by("application_id", "pk"))
        # Lock the applications in a fixed order (events are numbered per application).
        applications = lock_applications(letter.application_id for letter in letters)
        for letter in letters:
            if letter.application_id is None:
                continue
            record_event(
                application=applications[letter.application_id],
                kind=EventKind.LETTER_POSTED,
                actor=actor,
                payload={
                    "print_run": run.number,
                    "subject": letter.subject,
                    "posted_on": posted_on.isoformat(),
                    "postage": run.get_postage_class_display(),
                },
            )
    return run


def print_run_cancel(*, run_id: int, actor: User) -> PrintRun:
    """A run not posted (misprinted, lost) is cancelled: its letters wait for the next run."""
    with transaction.atomic():
        run = print_runs_visible(actor).select_for_update(of=("self",)).filter(pk=run_id).first()
        if run is None:
            raise PrintRun.DoesNotExist
        if run.state != PrintRun.State.PREPARED:
            raise ApplicationError(_("Only a print run that was not posted can be cancelled."))
        run.letters.update(print_run=None)
        run.state = PrintRun.State.CANCELLED
        run.cancelled_by = actor
        run.cancelled_at = timezone.now()
        run.save(update_fields=["state", "cancelled_by", "cancelled_at"])
    return run
