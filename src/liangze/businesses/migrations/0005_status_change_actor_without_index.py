import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEX = "businesses_statuschange_actor_id_0903f336"


class Migration(migrations.Migration):
    """The actor's own index goes by DROP INDEX alone: an AlterField would make SQLite rebuild
    the whole table."""

    dependencies = [
        ("businesses", "0004_drop_uscc_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="statuschange",
                    name="actor",
                    field=models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {INDEX}",
                    reverse_sql=f'CREATE INDEX {INDEX} ON "businesses_statuschange" ("actor_id")',
                ),
            ],
        ),
    ]
