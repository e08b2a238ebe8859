"""`buurtbudget count FILE.pb --rule RULE [--json] [--explain] [--tie-break ORDER]`."""

from __future__ import annotations

import argparse
import json
import sys

from buurtbudget.counting import count
from buurtbudget.counting.explain import explanation, summary, text
from buurtbudget.counting.pabulib import PabulibError, read_pabulib
from buurtbudget.counting.rules import RULES, RuleError
from buurtbudget.counting.tiebreak import TIE_BREAKS, UnknownTieBreak

EXIT_BAD_INPUT = 2


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="buurtbudget count",
        description="Count a participatory-budgeting election in the pabulib format and explain the result.",
    )
    parser.add_argument("file", help="a pabulib .pb file")
    parser.add_argument("--rule", required=True, choices=list(RULES), help="the counting rule")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument("--explain", action="store_true", help="explain why every plan won or lost")
    parser.add_argument(
        "--tie-break",
        choices=list(TIE_BREAKS),
        default=None,
        help="how exact ties are broken (default: the rule's)",
    )
    return parser


def fail(dutch: str, english: str) -> int:
    print(f"{dutch} / {english}", file=sys.stderr)
    return EXIT_BAD_INPUT


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    try:
        election = read_pabulib(args.file)
    except FileNotFoundError:
        return fail(f"Bestand niet gevonden: {args.file}", f"File not found: {args.file}")
    except PabulibError as error:
        where = f"regel {error.line}: " if error.line else ""
        place = f"line {error.line}: " if error.line else ""
        return fail(
            f"Het bestand {args.file} is geen geldig pabulib-bestand ({where}{error.problem})",
            f"The file {args.file} is not a valid pabulib file ({place}{error.problem})",
        )
    except (OSError, UnicodeDecodeError) as error:
        return fail(f"Bestand onleesbaar: {args.file} ({error})", f"Cannot read {args.file} ({error})")
    try:
        outcome = count(election, args.rule, tie_break=args.tie_break, explain=args.explain)
    except RuleError as error:
        return fail(error.dutch, error.english)
    except UnknownTieBreak as error:
        return fail(f"Onbekende tie-break: {args.tie_break}", str(error))
    if args.json:
        data = explanation(outcome) if args.explain else summary(outcome)
        print(json.dumps(data, ensure_ascii=False, indent=2 if args.explain else None))
    else:
        sys.stdout.write(text(outcome, explain=args.explain))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
