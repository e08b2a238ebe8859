"""`buurtbudget count FILE.pb --rule RULE [--json] [--explain]`: count a pabulib election.

A thin wrapper: the arguments go unchanged to buurtbudget.counting.cli, which parses them itself.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from buurtbudget.counting.cli import main


class Command(BaseCommand):
    help = "Count a participatory-budgeting election in the pabulib format (see --help)."

    def run_from_argv(self, argv: list[str]) -> None:
        sys.exit(main(argv[2:]))

    def handle(self, *args: object, **options: object) -> None:  # pragma: no cover - run_from_argv is used
        raise SystemExit(main([str(arg) for arg in args]))
