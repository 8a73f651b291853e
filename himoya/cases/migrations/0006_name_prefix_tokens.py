"""Add the searchable beginnings of every name word to the name tokens of existing persons."""

from django.db import migrations

NAME_FIELDS = (
    "given_name",
    "family_name",
    "patronymic",
    "given_name_latin",
    "family_name_latin",
    "patronymic_latin",
)


def add_prefix_tokens(apps, schema_editor):
    from himoya.cases.models import name_hashes

    Person = apps.get_model("cases", "Person")
    Token = apps.get_model("cases", "PersonNameToken")
    last = 0
    while True:
        batch = list(Person.objects.filter(pk__gt=last).order_by("pk")[:2000])
        if not batch:
            return
        ids = [p.pk for p in batch]
        Token.objects.filter(person_id__in=ids).delete()
        Token.objects.bulk_create(
            [
                Token(person_id=p.pk, token_hash=h)
                for p in batch
                for h in sorted(name_hashes(*(getattr(p, f) or "" for f in NAME_FIELDS)))
            ],
            batch_size=5000,
        )
        last = ids[-1]


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_statistics_indexes")]

    operations = [migrations.RunPython(add_prefix_tokens, migrations.RunPython.noop)]
