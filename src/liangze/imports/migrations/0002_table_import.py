# The import of any entity's table, not only businesses': the model is renamed, its rows kept.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0001_business_import"),
        ("jobs", "0002_business_import_export_kinds"),
    ]

    operations = [
        migrations.RenameModel(old_name="BusinessImport", new_name="TableImport"),
        migrations.AlterField(
            model_name="tableimport",
            name="check_job",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="table_import",
                to="jobs.job",
            ),
        ),
        migrations.AlterField(
            model_name="tableimport",
            name="write_job",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="table_import_write",
                to="jobs.job",
            ),
        ),
    ]
