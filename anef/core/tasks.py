"""The one way to enqueue background work.

django-q2's ORM broker writes the task as a row of the default database, on the current connection:
called inside a service's transaction, the task exists only if that transaction commits. This is
our outbox; never enqueue through anything that could escape a rollback.
"""

from django_q.tasks import async_task


def enqueue(func: str, *args, **kwargs) -> str:
    name = func.rsplit(".", 1)[-1]
    return async_task(func, *args, q_options={"task_name": f"{name}:{':'.join(map(str, args))}", **kwargs})


def failed_task_retry(*, task_id: str) -> bool:
    """An administrator puts a failed task back in the queue (the task is idempotent)."""
    from django.db import transaction
    from django_q.models import Failure

    with transaction.atomic():
        failure = Failure.objects.select_for_update(of=("self",)).filter(id=task_id).first()
        if failure is None:
            return False
        async_task(failure.func, *(failure.args or ()), q_options={"task_name": failure.name}, **(failure.kwargs or {}))
        failure.delete()
    return True
