"""Seed the national indicator catalogue (praja.risk.catalogue) as Indicator rows."""

from django.db import migrations


def seed(apps, schema_editor):
    from praja.risk.services import seed_catalogue

    seed_catalogue(apps.get_model("risk", "Indicator"))


class Migration(migrations.Migration):

    dependencies = [
        ("risk", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
