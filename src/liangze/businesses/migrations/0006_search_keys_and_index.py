from django.db import migrations, models

from liangze.businesses.search import FTS_TABLE, PG_BODY, name_search_fields

TABLE = "businesses_business"
BODY = " || char(10) || ".join(
    f"{{row}}.{column}"
    for column in (
        "name",
        "name_pinyin",
        "name_initials",
        "uscc",
        "registration_number",
        "license_number",
        "address",
    )
)
INDEXED = "name, name_pinyin, name_initials, name_grams, uscc, registration_number, license_number, address"
# A contentless trigram index kept by triggers, whatever writes the row (services, the import's
# bulk statements, raw SQL): search.py explains what it answers.
SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(body, grams, content='', tokenize='trigram')",
    f"INSERT INTO {FTS_TABLE} (rowid, body, grams) SELECT id, {BODY.format(row=TABLE)}, name_grams FROM {TABLE}",
    f"""CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {FTS_TABLE} (rowid, body, grams) VALUES (new.id, {BODY.format(row="new")}, new.name_grams);
    END""",
    f"""CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, body, grams) VALUES ('delete', old.id, {BODY.format(row="old")}, old.name_grams);
    END""",
    f"""CREATE TRIGGER {FTS_TABLE}_update AFTER UPDATE OF {INDEXED} ON {TABLE} BEGIN
        INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, body, grams) VALUES ('delete', old.id, {BODY.format(row="old")}, old.name_grams);
        INSERT INTO {FTS_TABLE} (rowid, body, grams) VALUES (new.id, {BODY.format(row="new")}, new.name_grams);
    END""",
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{event}" for event in ("insert", "delete", "update")
] + [f"DROP TABLE IF EXISTS {FTS_TABLE}"]
POSTGRESQL_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    f"CREATE INDEX business_search_body_trgm ON {TABLE} USING gin (({PG_BODY}) gin_trgm_ops)",
    f"CREATE INDEX business_search_grams_trgm ON {TABLE} USING gin (name_grams gin_trgm_ops)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS business_search_body_trgm",
    "DROP INDEX IF EXISTS business_search_grams_trgm",
]


def fill_search_keys(apps, schema_editor):
    Business = apps.get_model("businesses", "Business")
    changed = []
    for business in Business.objects.only("pk", "name").iterator(chunk_size=2000):
        for field, value in name_search_fields(business.name).items():
            setattr(business, field, value)
        changed.append(business)
    Business.objects.bulk_update(
        changed, ["name_pinyin", "name_initials", "name_grams"], batch_size=2000
    )


def _run(statements):
    def run(apps, schema_editor):
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    """The name's search keys, filled for every business, and the trigram indexes the search
    reads (SQLite FTS5, PostgreSQL pg_trgm)."""

    dependencies = [
        ("businesses", "0005_status_change_actor_without_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="business",
            name="name_grams",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="business",
            name="name_initials",
            field=models.CharField(blank=True, default="", editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="business",
            name="name_pinyin",
            field=models.CharField(blank=True, default="", editable=False, max_length=1200),
        ),
        migrations.RunPython(fill_search_keys, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="business",
            index=models.Index(fields=["name_pinyin", "id"], name="business_pinyin_idx"),
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        ),
    ]
