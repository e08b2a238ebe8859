"""`buurtbudget ledger verify`: rebuild every balance from the postings and report differences."""

from __future__ import annotations

import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from buurtbudget.ledger.selectors import unbalanced_entries, verify_balances
from buurtbudget.ledger.services import format_cents
from buurtbudget.tenancy.models import Municipality


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Ledger checks. 'verify' rebuilds balances from postings and exits 1 on any difference."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="compare cached balances with the sums of postings")
        verify.add_argument("--gemeente", help="only this municipality (slug)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "verify":
            self.verify(options.get("gemeente"))

    def verify(self, slug: str | None) -> None:
        municipality = None
        if slug:
            municipality = Municipality.objects.filter(slug=slug).first()
            if municipality is None:
                raise CommandError(_("Unknown municipality: %(slug)s") % {"slug": slug})
        started = time.perf_counter()
        differences = verify_balances(municipality=municipality)
        unbalanced = unbalanced_entries(municipality=municipality)
        elapsed = time.perf_counter() - started
        for d in differences:
            self.stdout.write(
                f"account {d.account_id} ({d.account_name}): cached {format_cents(d.cached_cents)}, "
                f"postings {format_cents(d.posted_cents)}, off by {format_cents(d.off_by_cents)}"
            )
        for entry_id in unbalanced:
            self.stdout.write(f"entry {entry_id}: postings do not sum to 0 or fewer than 2")
        if differences or unbalanced:
            raise CommandError(
                _("%(differences)d balance(s) differ, %(unbalanced)d entr(y/ies) unbalanced")
                % {"differences": len(differences), "unbalanced": len(unbalanced)},
                returncode=1,
            )
        self.stdout.write(
            self.style.SUCCESS(_("Ledger verified (%(seconds).2fs): no differences") % {"seconds": elapsed})
        )
