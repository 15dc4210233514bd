"""The history tables refuse UPDATE and DELETE in the database itself, not only in Django."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from anef.applications.models import ApplicationEvent, StaffRead
from anef.assistance.models import Structure, StructureEvent
from anef.core.append_only import purging
from anef.testing import make_applicant, make_staff, submitted

pytestmark = pytest.mark.django_db


def history_rows():
    """One row of each append-only table."""
    agent = make_staff()
    application = submitted(make_applicant())
    read = StaffRead.objects.create(actor=agent, application=application, kind=StaffRead.Kind.CASE)
    structure = Structure.objects.create(
        name="France Services", kind="france_services", address="Lyon", vouched_by=agent
    )
    structure_event = StructureEvent.objects.create(structure=structure, kind="created", actor=agent)
    return [application.events.first(), read, structure_event]


def raw(sql: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.postgres_only
def test_a_sql_update_or_delete_of_a_history_row_fails_on_postgresql():
    for row in history_rows():
        table = row._meta.db_table
        before = type(row).objects.filter(pk=row.pk).values().get()
        with pytest.raises(DatabaseError, match="Cannot update rows"):
            raw(f"UPDATE {table} SET created_at = created_at - interval '1 day' WHERE id = %s", [row.pk])  # noqa: S608
        with pytest.raises(DatabaseError, match="Cannot delete rows"):
            raw(f"DELETE FROM {table} WHERE id = %s", [row.pk])  # noqa: S608
        with pytest.raises(DatabaseError, match="Cannot update rows"), transaction.atomic():
            type(row).objects.filter(pk=row.pk).update(created_at=row.created_at)
        assert type(row).objects.filter(pk=row.pk).values().get() == before


@pytest.mark.postgres_only
def test_the_retention_purge_may_delete_but_never_update():
    event, read, _structure_event = history_rows()
    other_read = StaffRead.objects.create(actor=read.actor, application=read.application, kind=StaffRead.Kind.CASE)
    with purging(ApplicationEvent, StaffRead):
        with pytest.raises(DatabaseError, match="Cannot update rows"), transaction.atomic():
            ApplicationEvent.objects.filter(pk=event.pk).update(reason="rewritten")
        with transaction.atomic():
            StaffRead.objects.filter(pk=read.pk).delete()
    assert not StaffRead.objects.filter(pk=read.pk).exists()
    # Outside the purge, deleting is refused again.
    with pytest.raises(DatabaseError, match="Cannot delete rows"), transaction.atomic():
        StaffRead.objects.filter(pk=other_read.pk).delete()


def test_an_account_that_acted_in_a_history_cannot_be_deleted():
    agent = make_staff()
    application = submitted(make_applicant())
    from anef.applications import review

    review.application_start_review(application_id=application.pk, actor=agent)
    with pytest.raises(ProtectedError):
        agent.delete()
    assert ApplicationEvent.objects.filter(application=application, actor=agent).exists()
