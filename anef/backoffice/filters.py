from datetime import timedelta

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anef.applications.models import Application
from anef.applications.workflow import State
from anef.procedures.models import Procedure

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
SORTS = [
    ("filed_at", _("Oldest filing first")),
    ("-filed_at", _("Newest filing first")),
    ("due_at", _("Expected decision date")),
    ("permit_expires_on_at_filing", _("Permit expiring first")),
    ("state_changed_at", _("Idle longest")),
]


class QueueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name, application number or date of birth"), method="search")
    procedure = django_filters.ModelChoiceFilter(
        label=_("Procedure"), queryset=Procedure.objects.all(), empty_label=_("All procedures")
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
        self.filters["sort"].extra["initial"] = "filed_at"
        self.filters["older_than"].field.widget.attrs.update({"min": 0, "inputmode": "numeric"})
        self.filters["permit_expires_before"].field.widget.input_type = "date"

    def search(self, queryset, name, value):
        value = value.strip()
        condition = Q(reference__iexact=value) | Q(person__last_name__icontains=value)
        condition |= Q(person__first_name__icontains=value)
        for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                born = timezone.datetime.strptime(value, fmt).date()  # noqa: DTZ007 (a date, no time)
            except ValueError:
                continue
            condition |= Q(person__date_of_birth=born)
        return queryset.filter(condition)

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

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(value, "pk")

    @property
    def qs(self):
        queryset = super().qs
        if not getattr(self.form, "cleaned_data", {}).get("sort"):
            queryset = queryset.order_by("filed_at", "pk")
        return queryset
