from django.core.management.base import BaseCommand

from himoya.core import translations


class Command(BaseCommand):
    help = "Extract strings into every app's tg/ru/en catalogue, fill English, compile."

    def handle(self, *args, **opts):
        for path in translations.update():
            problems = translations.problems(path)
            status = f"{len(problems)} to translate" if problems else "complete"
            self.stdout.write(f"{path.relative_to(translations.PACKAGE.parent)}: {status}")
