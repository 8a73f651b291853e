from django.core.management.base import BaseCommand, CommandError

from himoya.core import translations


class Command(BaseCommand):
    help = "Fail if any tg/ru/en catalogue misses a string, has a fuzzy one, or is stale."

    def handle(self, *args, **opts):
        problems = translations.check()
        for line in problems:
            self.stderr.write(line)
        if problems:
            raise CommandError(f"{len(problems)} translation problems")
        self.stdout.write("Translation catalogues are complete.")
