"""Indexes matching the registry list's orderings, so a page is read in index order instead of
sorting the whole jurisdiction (see core.pagination)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("businesses", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="business",
            index=models.Index(fields=["name", "id"], name="business_name_idx"),
        ),
        migrations.AddIndex(
            model_name="business",
            index=models.Index(
                fields=["division", "name", "id"], name="business_division_name_idx"
            ),
        ),
    ]
