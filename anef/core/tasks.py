"""The one way to enqueue background work.

django-q2's ORM broker writes the task as a row of the default database, on the current connection:
called inside a service's transaction, the task exists only if that transaction commits. This is
our outbox; never enqueue through anything that could escape a rollback.
"""

import re

from django_q.tasks import async_task

# The last line of a failed task's traceback when the database went away under it (restart,
# failover, connection lost): Django's wrapped errors, or the driver's own when raised unwrapped.
DATABASE_INTERRUPTION = re.compile(
    r"^(?:django\.db\.utils|psycopg2?(?:\.errors)?|sqlite3)\.(?:OperationalError|InterfaceError)\b"
)
PENDING_SCAN_LIMIT = 20_000


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


def interrupted_by_the_database(result) -> bool:
    """Whether a failed task's result (django-q2's "message : traceback") ends with a database error."""
    lines = [line for line in str(result or "").splitlines() if line.strip()]
    return bool(lines) and bool(DATABASE_INTERRUPTION.match(lines[-1].strip()))


def retry_tasks_interrupted_by_the_database(sender, task, **kwargs) -> None:
    """django-q2 signal `post_execute_in_worker`, in the worker, before the result goes to the monitor.

    With `ack_failures`, a task that raised is acknowledged and kept as a failure for the
    administrator. A task that raised because the database went away did nothing (its transaction
    rolled back): leave it unacknowledged, so that the broker delivers it again after
    `ANEF_Q_RETRY` seconds, as it does for a killed worker, until `ANEF_Q_MAX_ATTEMPTS`. Genuine
    errors still go to the failed tasks at once."""
    if not task.get("success") and interrupted_by_the_database(task.get("result")):
        task["ack_failure"] = False


def pending_task_args(func: str) -> set | None:
    """The first arguments of the tasks of `func` waiting in (or taken from) the ORM broker's queue;
    None when the queue is too long to read (then everything is pending anyway)."""
    from django_q.models import OrmQ

    rows = list(OrmQ.objects.values_list("payload", flat=True)[: PENDING_SCAN_LIMIT + 1])
    if len(rows) > PENDING_SCAN_LIMIT:
        return None
    from django_q.signing import BadSignature, SignedPackage

    pending = set()
    for payload in rows:
        try:
            task = SignedPackage.loads(payload)
        except BadSignature:
            continue  # signed with another key: not a task this cluster can run either
        if task.get("func") == func and task.get("args"):
            pending.add(task["args"][0])
    return pending
