from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from himoya.vocab import build


class Command(BaseCommand):
    help = (
        "Regenerate the generated code lists: data/htcds.json from the HTCDS 2.0 ODS plus the "
        "hand-written Tajik/Russian labels, and data/countries.json from ISO 3166-1 (pycountry). "
        "`check` only compares them with the committed files."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["build", "check"])

    def handle(self, *args, action, **opts):
        try:
            htcds = build.build_htcds(settings.HIMOYA_SHARED_DATA)
            countries, tg_fallbacks = build.build_countries()
        except (build.BuildError, FileNotFoundError) as exc:
            raise CommandError(str(exc)) from exc
        except ImportError as exc:
            raise CommandError(f"{exc}: the build needs the dev dependencies") from exc
        outputs = {"htcds.json": htcds, "countries.json": countries}
        stale = []
        for name, lists in outputs.items():
            path = build.DATA_DIR / name
            fresh = build.dump(lists)
            if action == "check":
                if not path.exists() or path.read_text(encoding="utf-8") != fresh:
                    stale.append(name)
                continue
            build.write(name, lists)
            total = sum(len(v) for v in lists.values())
            self.stdout.write(f"{path}: {total} codes")
        if tg_fallbacks:
            self.stdout.write(
                "countries with the Russian name as Tajik (no Tajik name known): "
                + ", ".join(tg_fallbacks)
            )
        if stale:
            raise CommandError("out of date, run `himoya vocab build`: " + ", ".join(stale))
