"""The queue's search by name reads a trigram index on PostgreSQL (the search is `icontains`: Django writes
UPPER(name) LIKE UPPER('%...%'), which a B-tree cannot serve); SQLite, the demo's database, has none and
needs none. Created concurrently-safe at deploy: a plain CREATE INDEX, run by `migrate` before the new web
processes start (decision 0021)."""

from django.db import migrations

INDEXES = {
    "person_last_name_trgm": "last_name",
    "person_first_name_trgm": "first_name",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON accounts_person USING gin (UPPER({column}::text) gin_trgm_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_recovery_code")]

    operations = [migrations.RunPython(create, drop)]
