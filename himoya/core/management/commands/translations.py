from django.core.management.base import BaseCommand

from himoya.core import translations


class Command(BaseCommand):
    help = "Extract strings into every app's tg/ru/en catalogue, fill English, compile."

    def add_arguments(self, parser):
        parser.add_argument(
            "--unify",
            action="store_true",
            help="where two apps translate one message differently, keep the one users see "
            "(after a merge); a real second meaning needs a pgettext context instead",
        )

    def handle(self, *args, unify=False, **opts):
        if unify:
            for lang in ("tg", "ru"):
                for line in translations.unify(lang):
                    self.stdout.write(f"unified {line}")
        for path in translations.update():
            problems = translations.problems(path)
            status = f"{len(problems)} to translate" if problems else "complete"
            self.stdout.write(f"{path.relative_to(translations.PACKAGE.parent)}: {status}")
