"""A published round result as a CSV file: open data, one line per plan."""

from __future__ import annotations

import csv
from collections.abc import Callable
from decimal import Decimal
from typing import Any, Protocol

from django.utils.translation import gettext as _

from buurtbudget.core.csv_cells import text_cell
from buurtbudget.rounds.models import Round


class Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


def _euros(cents: int) -> str:
    # A plain number with a dot and two decimals, which any program reads; the header says it is in euros.
    return f"{Decimal(cents) / 100:.2f}"


def write_result_csv(
    out: Writable, *, the_round: Round, rows: list[dict[str, Any]], link: Callable[[int], str]
) -> None:
    writer = csv.writer(out)
    writer.writerow(
        [
            _("plan number"),
            _("plan"),
            _("area"),
            _("cost (euro)"),
            _("votes"),
            _("selected"),
            _("why"),
            _("link"),
        ]
    )
    for row in rows:
        plan = row["plan"]
        area = plan.area.name if plan is not None and plan.area is not None else the_round.area.name
        writer.writerow(
            [
                row["id"],
                text_cell(plan.title if plan is not None else ""),
                text_cell(area),
                _euros(int(row["cost_cents"])),
                row["votes"],
                _("yes") if row["selected"] else _("no"),
                row["why"],
                link(int(row["id"])),
            ]
        )
