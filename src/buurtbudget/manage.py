"""The `buurtbudget` console command: the project's manage.py with its settings."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = argv if argv is not None else sys.argv
    if args[1:2] == ["count"]:  # the counting engine needs no Django: start it directly
        from buurtbudget.counting.cli import main as count

        sys.exit(count(args[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buurtbudget.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
