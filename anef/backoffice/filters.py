import re
from datetime import timedelta

import django_filters
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anef.accounts.models import Person
from anef.applications.models import Application, InformationRequest
from anef.applications.workflow import CASEWORK_STATES, TERMINAL_STATES, State
from anef.procedures.models import Procedure

REFERENCE_SHAPE = re.compile(r"^[A-Za-z0-9]+-[A-Za-z0-9]+$")
YES_NO = [("yes", _("Yes")), ("no", _("No"))]
SORTS = [
    ("due", _("Due first")),
    ("filed_at", _("Oldest filing first")),
    ("-filed_at", _("Newest filing first")),
    ("due_at", _("Expected decision date")),
    ("permit_expires_on_at_filing", _("Permit expiring first")),
    ("state_changed_at", _("Idle longest")),
]


class Scope(models.TextChoices):
    OPEN = "open", _("Open files")
    FINISHED = "finished", _("Finished files")
    ALL = "all", _("All files")


def with_request_deadline(queryset):
    """`request_deadline`: the open request's deadline, which the queue's "Due" column shows for a file waiting
    for the applicant (its order reads the stored `next_due`, kept by the workflow: decision 0021)."""
    deadline = InformationRequest.objects.filter(application=OuterRef("pk"), answered_at__isnull=True).values(
        "deadline"
    )[:1]
    return queryset.annotate(request_deadline=Subquery(deadline))


class QueueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name, application number or date of birth"), method="search")
    procedure = django_filters.ModelChoiceFilter(
        label=_("Procedure"), queryset=Procedure.objects.all(), empty_label=_("All procedures")
    )
    scope = django_filters.ChoiceFilter(
        label=_("Open or finished"),
        choices=Scope.choices,
        empty_label=None,
        method="filter_scope",
        help_text=_("A state chosen below takes precedence."),
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=[c for c in State.choices if c[0] != State.DRAFT], empty_label=_("All states")
    )
    assignee = django_filters.ChoiceFilter(
        label=_("Assigned to"),
        choices=[("me", _("Me")), ("none", _("Nobody"))],
        empty_label=_("Anyone"),
        method="filter_assignee",
    )
    older_than = django_filters.NumberFilter(label=_("Filed more than N days ago"), method="filter_older")
    permit_expires_before = django_filters.DateFilter(
        label=_("Permit expires before"), field_name="permit_expires_on_at_filing", lookup_expr="lte"
    )
    in_time = django_filters.ChoiceFilter(
        label=_("Renewal filed in time"), choices=YES_NO, empty_label=_("All"), method="filter_in_time"
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Past the target time"), choices=YES_NO, empty_label=_("All"), method="filter_overdue"
    )
    news = django_filters.ChoiceFilter(
        label=_("New since I last looked"), choices=YES_NO, empty_label=_("All"), method="filter_news"
    )
    sort = django_filters.ChoiceFilter(label=_("Sort"), choices=SORTS, empty_label=None, method="filter_sort")

    class Meta:
        model = Application
        fields: list[str] = []

    def __init__(self, *args, agent=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.agent = agent
        self.filters["sort"].extra["initial"] = "due"
        self.filters["scope"].extra["initial"] = Scope.OPEN
        self.filters["older_than"].field.widget.attrs.update({"min": 0, "inputmode": "numeric"})
        self.filters["permit_expires_before"].field.widget.input_type = "date"

    def search(self, queryset, name, value):
        """A file number finds its file; otherwise the people are found first (their names' trigram indexes,
        their birth dates' index), then their files in the queue: one condition across both tables would
        read every file of the prefecture."""
        value = value.strip()
        if REFERENCE_SHAPE.match(value) and (by_reference := queryset.filter(reference__iexact=value)).exists():
            return by_reference
        people = Q(last_name__icontains=value) | Q(first_name__icontains=value)
        for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                born = timezone.datetime.strptime(value, fmt).date()  # noqa: DTZ007 (a date, no time)
            except ValueError:
                continue
            people |= Q(date_of_birth=born)
        return queryset.filter(person_id__in=Person.objects.filter(people).values("pk"))

    def filter_assignee(self, queryset, name, value):
        if value == "me":
            return queryset.filter(assigned_to=self.agent)
        return queryset.filter(assigned_to__isnull=True)

    def filter_older(self, queryset, name, value):
        return queryset.filter(filed_at__lte=timezone.now() - timedelta(days=int(value)))

    def filter_in_time(self, queryset, name, value):
        return queryset.filter(filed_in_time=(value == "yes"))

    def filter_overdue(self, queryset, name, value):
        now = timezone.now()
        open_states = [State.SUBMITTED, State.IN_REVIEW, State.AWAITING_APPLICANT]
        if value == "yes":
            return queryset.filter(due_at__lt=now, state__in=open_states)
        return queryset.exclude(due_at__lt=now, state__in=open_states)

    def filter_news(self, queryset, name, value):
        """A document replaced or added, an answer or a declaration since the agent last opened the
        file (the queryset is annotated by `applications.selectors.with_news_for`)."""
        return queryset.filter(has_news=(value == "yes"))

    def filter_scope(self, queryset, name, value):
        return queryset  # applied in `qs`, where the chosen state is known

    def filter_sort(self, queryset, name, value):
        return queryset  # applied in `qs`, once

    @property
    def qs(self):
        """Open files by default (finished ones behind the scope filter), what is due first: the
        next deadline or expected decision date, then the oldest filing."""
        queryset = with_request_deadline(super().qs)
        data = getattr(self.form, "cleaned_data", {})
        scope = data.get("scope") or Scope.OPEN
        if not data.get("state"):
            if scope == Scope.OPEN:
                queryset = queryset.filter(state__in=CASEWORK_STATES)
            elif scope == Scope.FINISHED:
                queryset = queryset.filter(state__in=TERMINAL_STATES)
        sort = data.get("sort") or "due"
        if sort == "due":
            return queryset.order_by(F("next_due").asc(nulls_last=True), "filed_at", "pk")
        return queryset.order_by(sort, "pk")
