"""Generate a national-scale database: N applications with their people, histories, uploaded and
issued documents, requests, messages and notifications, in PostgreSQL, set-based.

    DATABASE_URL=postgresql://postgres@localhost:5432/anef_bench \
        .venv/bin/python bench/generate.py --applications 1000000

How: the demo's story (`seed_demo`: 55 applications in every state, their events, documents,
notifications, requests, messages; every row made by the real services) is the template; each copy
k of it is written by one INSERT ... SELECT per table, with new keys from the tables' sequences, the
foreign keys mapped to the same copy's rows, unique values rewritten (emails, references, document
numbers, idempotency keys), the copy's files moved to one of the 103 prefectures (its agent, its
postcode), names drawn from a list, and every date moved back by up to four months. So the
proportions are the demo's (about 14 events, 5 notifications, 4 uploads and 2 issued documents per
file), every constraint of the schema holds (the database checks them as it writes), and a million
files take minutes on 2 cores. Rows are written in chunks of copies, one transaction each.

Not copied: appointments (slots are per site and day), mandates, share codes, staff reads, the
history's seals (a copied event lands on days already sealed: `verify_history` would report it;
this database is for measuring, never for checking seals).
"""

import argparse
import math
import os
import sys
import time
from pathlib import Path

from bench_setup import bench_django

ROOT = Path(__file__).resolve().parent.parent

# Tables copied, in the order their foreign keys need; `where` selects the template's rows.
TEMPLATE_APPLICATIONS = "SELECT application_id FROM bench_template"
TABLES = [
    (
        "accounts_user",
        "role = 'applicant' AND id IN (SELECT p.user_id FROM accounts_person p JOIN bench_template_person tp "
        "ON tp.person_id = p.id)",
    ),
    ("account_emailaddress", "user_id IN (SELECT old FROM bench_users_copied)"),
    ("accounts_person", "id IN (SELECT person_id FROM bench_template_person)"),
    ("applications_application", f"id IN ({TEMPLATE_APPLICATIONS})"),
    ("applications_applicationevent", f"application_id IN ({TEMPLATE_APPLICATIONS})"),
    ("applications_informationrequest", f"application_id IN ({TEMPLATE_APPLICATIONS})"),
    ("applications_casenote", f"application_id IN ({TEMPLATE_APPLICATIONS})"),
    ("documents_uploadeddocument", f"application_id IN ({TEMPLATE_APPLICATIONS})"),
    ("certificates_issueddocument", f"application_id IN ({TEMPLATE_APPLICATIONS})"),
    ("messaging_message", f"application_id IN ({TEMPLATE_APPLICATIONS})"),
    ("transparency_inquiry", f"application_id IN ({TEMPLATE_APPLICATIONS})"),
    (
        "notifications_notification",
        f"person_id IN (SELECT person_id FROM bench_template_person) "  # noqa: S608 (our own constants)
        f"AND (application_id IS NULL OR application_id IN ({TEMPLATE_APPLICATIONS})) AND print_run_id IS NULL",
    ),
]

FIRST_NAMES = (  # noqa: SIM905 (a list of words reads better as words)
    "Amina Aya Fatima Mariam Awa Khadija Leila Nour Sara Yasmine Ines Salma Aicha Hawa Fatou Binta Rokia "
    "Kenza Olena Iryna Natalia Anna Maria Elena Ana Sofia Wei Li Mei Xin Priya Anjali Thi Linh Hoa "
    "Mohamed Ahmed Youssef Omar Ali Hamza Karim Bilal Mamadou Moussa Ibrahima Oumar Seydou Amadou "
    "Oleksandr Andriy Dmytro Ivan Carlos Jose Luis Juan Pedro Jun Hao Raj Arjun Minh Tuan Kofi Kwame "
    "Tigist Dawit Samuel Daniel"
).split()
LAST_NAMES = (  # noqa: SIM905 (a list of words reads better as words)
    "Diallo Traore Keita Coulibaly Diarra Camara Sow Ba Ndiaye Diop Fall Sylla Toure Kone Cisse Bamba "
    "Kante Benali Haddad Mansouri Belkacem Bouzid Cherif Amrani Bennani Alaoui Idrissi Tazi Chraibi "
    "El-Fassi Saidi Trabelsi Jaziri Ben-Salah Gharbi Mejri Hamdi Kovalenko Shevchenko Bondarenko "
    "Tkachenko Kravchenko Melnyk Popescu Ionescu Popa Dumitru Stan Gomez Rodriguez Fernandez Lopez "
    "Martinez Garcia Silva Santos Oliveira Pereira Costa Wang Zhang Liu Chen Yang Huang Zhao Nguyen Tran "
    "Le Pham Hoang Phan Vu Dang Bui Sharma Patel Singh Kumar Gupta Das Rahman Hossain Ahmed Islam Okafor "
    "Mensah Asante Boateng Owusu Alemu Tesfaye Bekele Haile Girma Yilmaz Kaya Demir Celik Sahin Ozturk "
    "Aydin Arslan Dogan Hakobyan Petrosyan"
).split()

EMAIL_COPY = "'b' || m.k || '.' || t.{col}"
# Column rewrites: the copy's own values where the template's would collide or be meaningless.
OVERRIDES = {
    "accounts_user": {"email": EMAIL_COPY.format(col="email")},
    "account_emailaddress": {"email": EMAIL_COPY.format(col="email")},
    "accounts_person": {
        "email": "CASE WHEN t.email = '' THEN '' ELSE " + EMAIL_COPY.format(col="email") + " END",
        "claim_code": "NULL",
        "first_name": "(%(first)s)[1 + ((m.k * 7 + t.id * 13) %% %(nfirst)s)]",
        "last_name": "(%(last)s)[1 + ((m.k * 11 + t.id * 3) %% %(nlast)s)]",
        "postcode": "bk.postcode",
        "city": "bk.city",
        "phone": "CASE WHEN t.phone = '' THEN '' "
        "ELSE '+336' || lpad(((m.k * 100 + t.id) %% 100000000)::text, 8, '0') END",
    },
    "applications_application": {
        "reference": "'B' || lpad(m.k::text, 5, '0') || '-' || lpad(tpl.rank::text, 3, '0')",
        "prefecture_id": "CASE WHEN t.prefecture_id IS NULL THEN NULL ELSE bk.prefecture_id END",
        "assigned_to_id": "CASE WHEN t.assigned_to_id IS NULL THEN NULL ELSE bk.agent_id END",
    },
    "certificates_issueddocument": {"number": "'B' || m.k || '-' || t.number"},
    "notifications_notification": {
        "idempotency_key": "t.idempotency_key || ':b' || m.k",
        "recipient": "CASE WHEN t.channel = 'email' THEN "
        + EMAIL_COPY.format(col="recipient")
        + " ELSE t.recipient END",
    },
}
EXTRA_JOINS = {"applications_application": "JOIN bench_template tpl ON tpl.application_id = t.id"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--applications", type=int, default=10_000, help="how many applications in all (default 10,000)"
    )
    parser.add_argument("--chunk", type=int, default=500, help="copies of the template per transaction")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench/generate.py writes set-based SQL for PostgreSQL: set DATABASE_URL=postgresql://...")
    os.environ.setdefault("ANEF_SCANNER", "fake")  # the demo's uploads are scanned by the demo's scanner
    bench_django()

    from django.core.management import call_command
    from django.db import connection, transaction

    from anef.applications.models import Application

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_template') IS NOT NULL")
        has_template = cursor.fetchone()[0]
    if not has_template:
        if Application.objects.exists():
            sys.exit("This database has applications but no bench template: generate into an empty database.")
        call_command("seed_demo", verbosity=0)
        template_from_demo(connection)
        print(f"template: the demo's story, seeded in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_template")
        per_copy = cursor.fetchone()[0]
        cursor.execute("SELECT coalesce(max(k), 0) FROM bench_copies")
        done = cursor.fetchone()[0]
    wanted = max(0, math.ceil((args.applications - per_copy) / per_copy))
    print(f"{per_copy} applications per copy; {done} copies there, {wanted} wanted")
    staff_per_prefecture(connection)
    columns = {table: table_columns(connection, table) for table, _ in TABLES}
    every_foreign_key = foreign_keys(connection, copied_only=False)
    foreign = {key: ref for key, ref in every_foreign_key.items() if ref in {t for t, _ in TABLES}}
    for first in range(done + 1, wanted + 1, args.chunk):
        last = min(wanted, first + args.chunk - 1)
        chunk_started = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_copies (k, shift_days, prefecture_id, agent_id, postcode, city) "
                "SELECT k, (k * 7919) %% 120, s.prefecture_id, s.agent_id, s.postcode, s.city "
                "FROM generate_series(%s, %s) k JOIN bench_staff s ON s.rank = k %% (SELECT count(*) FROM bench_staff)",
                [first, last],
            )
            # Foreign keys are checked once per chunk by set-based joins (check_foreign_keys) instead of
            # a trigger per row at commit, which took most of the time; unique and check constraints
            # stay on (they are indexes and expressions, not triggers).
            cursor.execute("SET LOCAL session_replication_role = replica")
            for table, where in TABLES:
                copy_table(cursor, table, where, columns[table], foreign, first, last)
            check_foreign_keys(cursor, every_foreign_key)
        rate = (last - first + 1) * per_copy / (time.perf_counter() - chunk_started)
        print(f"copies {first}-{last}: {rate:,.0f} applications/s", flush=True)
    with connection.cursor() as cursor:
        for table, _ in TABLES:
            cursor.execute(f"ANALYZE {table}")  # noqa: S608 (table names are ours)
        cursor.execute("SELECT count(*) FROM applications_application")
        total = cursor.fetchone()[0]
    print(f"{total:,} applications in {time.perf_counter() - started:.0f} s")


def template_from_demo(connection):
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_template AS SELECT id AS application_id, row_number() OVER (ORDER BY id) AS rank "
            "FROM applications_application"
        )
        cursor.execute("CREATE TABLE bench_template_person AS SELECT DISTINCT person_id FROM applications_application")
        cursor.execute(
            "CREATE TABLE bench_copies (k integer PRIMARY KEY, shift_days integer, prefecture_id bigint, "
            "agent_id bigint, postcode varchar(10), city varchar(100))"
        )


def staff_per_prefecture(connection):
    """One case agent per prefecture: the copies' assigned files are theirs (a queue per prefecture)."""
    from django.contrib.auth.hashers import make_password

    from anef.accounts.constants import Role
    from anef.accounts.models import User
    from anef.territory.models import Prefecture

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('bench_staff') IS NOT NULL")
        if cursor.fetchone()[0]:
            return
    password = make_password("bench-anef-2026")
    rows = []
    for rank, prefecture in enumerate(Prefecture.objects.order_by("code").prefetch_related("departements")):
        agent, _ = User.objects.get_or_create(
            email=f"instructeur.{prefecture.code}@bench.anef.example",
            defaults={"role": Role.CASE_AGENT, "prefecture": prefecture, "password": password, "first_name": "Agent"},
        )
        departement = min(d.code for d in prefecture.departements.all())
        postcode = departement.replace("2A", "20").replace("2B", "20").ljust(5, "0")[:5]
        rows.append((rank, prefecture.pk, agent.pk, postcode, prefecture.city))
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_staff (rank integer PRIMARY KEY, prefecture_id bigint, agent_id bigint, "
            "postcode varchar(10), city varchar(100))"
        )
        cursor.executemany("INSERT INTO bench_staff VALUES (%s, %s, %s, %s, %s)", rows)


def table_columns(connection, table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s "
            "ORDER BY ordinal_position",
            [table],
        )
        return cursor.fetchall()


def foreign_keys(connection, copied_only=True):
    """{(table, column): referenced table} of the copied tables' foreign keys."""
    copied = {table for table, _ in TABLES}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text FROM pg_constraint c "
            "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] WHERE c.contype = 'f'"
        )
        return {
            (t, col): ref for t, col, ref in cursor.fetchall() if t in copied and (ref in copied or not copied_only)
        }


def check_foreign_keys(cursor, every_foreign_key):
    """Every foreign key of the rows just written points to a row (what the per-row triggers would check)."""
    for (table, column), referenced in every_foreign_key.items():
        cursor.execute(
            f"SELECT count(*) FROM bench_map_{table} m JOIN {table} t ON t.id = m.new "  # noqa: S608
            f"LEFT JOIN {referenced} r ON r.id = t.{column} WHERE t.{column} IS NOT NULL AND r.id IS NULL"
        )
        broken = cursor.fetchone()[0]
        if broken:
            raise RuntimeError(f"{broken} rows of {table}.{column} point to no {referenced}")


def copy_table(cursor, table, where, columns, foreign, first, last):
    pk_type = dict(columns)["id"]
    new_id = "gen_random_uuid()" if pk_type == "uuid" else f"nextval(pg_get_serial_sequence('{table}', 'id'))"
    mapping = f"bench_map_{table}"
    cursor.execute(f"DROP TABLE IF EXISTS {mapping}")
    cursor.execute(
        f"CREATE TEMP TABLE {mapping} (old {pk_type}, k integer, new {pk_type}, PRIMARY KEY (old, k)) ON COMMIT DROP"
    )
    cursor.execute(
        f"INSERT INTO {mapping} SELECT t.id, k, {new_id} FROM {table} t, generate_series(%s, %s) k WHERE {where}",  # noqa: S608
        [first, last],
    )
    if table == "accounts_user":
        cursor.execute("DROP TABLE IF EXISTS bench_users_copied")
        cursor.execute(f"CREATE TEMP TABLE bench_users_copied ON COMMIT DROP AS SELECT DISTINCT old FROM {mapping}")  # noqa: S608
    names = {
        "first": "ARRAY[" + ",".join(f"'{n}'" for n in FIRST_NAMES) + "]",
        "nfirst": len(FIRST_NAMES),
        "last": "ARRAY[" + ",".join(f"'{n}'" for n in LAST_NAMES) + "]",
        "nlast": len(LAST_NAMES),
    }
    overrides = {col: expr % names for col, expr in OVERRIDES.get(table, {}).items()}
    joins = [f"JOIN {table} t ON t.id = m.old", "JOIN bench_copies bk ON bk.k = m.k", EXTRA_JOINS.get(table, "")]
    values = []
    for index, (column, data_type) in enumerate(columns):
        if column == "id":
            values.append("m.new")
        elif column in overrides:
            values.append(overrides[column])
        elif (table, column) in foreign:
            alias = f"f{index}"
            joins.append(
                f"LEFT JOIN bench_map_{foreign[table, column]} {alias} ON {alias}.old = t.{column} AND {alias}.k = m.k"
            )
            values.append(f"COALESCE({alias}.new, t.{column})")
        elif data_type == "timestamp with time zone":
            values.append(f"t.{column} - bk.shift_days * interval '1 day'")
        elif data_type == "date":
            values.append(f"t.{column} - bk.shift_days")
        else:
            values.append(f't."{column}"')
    names_sql = ", ".join(f'"{c}"' for c, _ in columns)
    cursor.execute(
        f"INSERT INTO {table} ({names_sql}) SELECT {', '.join(values)} FROM {mapping} m {' '.join(joins)}"  # noqa: S608
    )


if __name__ == "__main__":
    main()
