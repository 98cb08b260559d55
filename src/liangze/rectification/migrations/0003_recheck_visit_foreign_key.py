# The re-check's visit becomes a foreign key (a re-check recorded from the visit form names the
# visit that carried it). The column stays `visit_id` and keeps its values: renamed to the field's
# name, then altered to the key, whose column is `visit_id` again.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("rectification", "0002_closed_loop"),
        ("visits", "0001_visits_tasks_windows"),
    ]

    operations = [
        migrations.RenameField(model_name="recheck", old_name="visit_id", new_name="visit"),
        migrations.AlterField(
            model_name="recheck",
            name="visit",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="rechecks",
                to="visits.visit",
            ),
        ),
    ]
