"""The `himoya` console command: Django's management commands under one name."""

import os
import sys


def main() -> None:
    """Run a management command with Himoya's settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "himoya.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "himoya"
    if argv[1:2] == ["db_worker"]:
        import django

        django.setup()
        from himoya.core.jobs import on_worker_start

        on_worker_start()
    execute_from_command_line(argv)
