from django.db import migrations


def load(apps, schema_editor):
    from himoya.screening.library import load_national_checklist

    load_national_checklist(
        apps.get_model("screening", "Checklist"),
        apps.get_model("screening", "ChecklistVersion"),
        apps.get_model("screening", "Indicator"),
    )


class Migration(migrations.Migration):
    dependencies = [("screening", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
