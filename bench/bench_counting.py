"""Benchmark of the counting engine against pabutools 1.2.3, measured in the same run.

Run from the repository root: `python bench/bench_counting.py` (make bench; `--only table` or
`--only sweep` for one part). It prints

1. for Warszawa 2026, Kraków 2021 and Wrocław 2017 and each rule: our time, pabutools' time, the ratio, our
   and pabutools' peak memory, and the time to only parse the file (ours);
2. for every shared file: the slowest of our rules and the largest peak memory;
3. mes-add1 on real ballots scaled to a budget of about 10^9 (`--only billion`).

Every measurement runs in its own subprocess, so peak memory (ru_maxrss of that process) belongs to one
rule. pabutools runs are capped in time (BENCH_PABUTOOLS_CAP seconds, default 600) and memory
(BENCH_PABUTOOLS_MEMORY_GB, default 9); a capped run is reported as "> N s", and so is one that fails at the
memory cap (N: how long it had counted). Times are CPU-bound wall-clock times of the rule alone, without parsing.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PABULIB = ROOT.parent / "shared" / "pabulib"
FILES = ["Poland_Warszawa_2026.pb", "Poland_Krakow_2021.pb", "Poland_Wroclaw_2017.pb"]
RULES = ["greedy", "mes", "mes-add1", "phragmen", "official"]
ALL_RULES = ["greedy", "mes", "mes-add1", "mes-add1-greedy", "phragmen", "official", "greedy-remainder"]
CAP = float(os.environ.get("BENCH_PABUTOOLS_CAP", "600"))
MEMORY_GB = float(os.environ.get("BENCH_PABUTOOLS_MEMORY_GB", "9"))
MEMORY_CAP = int(MEMORY_GB * 1024**3)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_ours(path: str, rules: list[str]) -> dict[str, object]:
    sys.path.insert(0, str(ROOT / "src"))
    from buurtbudget.counting import RuleError, count, read_pabulib
    from buurtbudget.counting.rules import RULES as KNOWN

    started = time.perf_counter()
    election = read_pabulib(path)
    parse = time.perf_counter() - started
    times: dict[str, float | None] = {}
    for rule in rules:
        if election.vote_type not in KNOWN[rule].vote_types:
            times[rule] = None
            continue
        started = time.perf_counter()
        try:
            count(election, rule)
        except RuleError:  # official on a file whose META names no known rule
            times[rule] = None
            continue
        times[rule] = time.perf_counter() - started
    return {"parse": parse, "times": times, "peak_mb": peak_mb()}


def worker_pabutools(path: str, rule: str) -> dict[str, object]:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
    from pabutools.election import Cost_Sat, parse_pabulib
    from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares, sequential_phragmen

    started = time.perf_counter()
    instance, profile = parse_pabulib(path)
    parse = time.perf_counter() - started
    print(f"counting from {time.time()}", file=sys.stderr, flush=True)  # a failed run's time starts here
    started = time.perf_counter()
    if rule == "greedy":
        greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    elif rule == "mes":
        method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    elif rule == "mes-add1":
        method_of_equal_shares(instance, profile, sat_class=Cost_Sat, voter_budget_increment=1)
    elif rule == "phragmen":
        sequential_phragmen(instance, profile)
    return {"parse": parse, "time": time.perf_counter() - started, "peak_mb": peak_mb()}


def spawn(args: list[str], timeout: float | None) -> dict[str, object] | None:
    try:
        done = subprocess.run(
            [sys.executable, __file__, *args], capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        began = [float(line.split()[2]) for line in lines if line.startswith("counting from ")]
        # How long the rule ran before it failed (without parsing): a lower bound on its time.
        ran = time.time() - began[0] if began else None
        return {"error": (lines or ["failed"])[-1], "ran": ran}
    result: dict[str, object] = json.loads(done.stdout)
    return result


def out_of_memory(error: str) -> bool:
    """Python's MemoryError, or GMP's abort (pabutools' fractions) when an allocation hits the cap."""
    return "MemoryError" in error or "allocate memory" in error


def vote_type(path: Path) -> str:
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if line.startswith("vote_type;"):
            return line.split(";", 1)[1].strip()
    return ""


def seconds(value: float) -> str:
    return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"


def main_table() -> None:
    print("Counting engine vs pabutools 1.2.3 (same machine, same run; times without parsing)")
    print(
        f"pabutools capped at {CAP:.0f} s and {MEMORY_GB:g} GB per rule; 'official' has no pabutools counterpart.\n"
    )
    header = (
        f"{'file':<24} {'rule':<9} {'ours':>9} {'pabutools':>11} {'ratio':>9} "
        f"{'our peak':>9} {'pabu peak':>10} {'our parse':>10} {'ours/parse':>10}"
    )
    print(header)
    print("-" * len(header))
    for name in FILES:
        path = PABULIB / name
        approval = vote_type(path) in ("approval", "choose-1")
        for rule in RULES:
            if rule == "phragmen" and not approval:
                print(f"{name[:-3]:<24} {rule:<9} {'n/a: phragmen needs approval ballots':>40}")
                continue
            ours = spawn(["--worker-ours", str(path), rule], timeout=None)
            assert ours is not None and "error" not in ours, ours
            our_time = ours["times"][rule]
            parse = float(ours["parse"])
            theirs_text, ratio_text, their_peak = "-", "-", "-"
            if rule != "official":
                theirs = spawn(["--worker-pabutools", str(path), rule], timeout=CAP)
                if theirs is None:
                    theirs_text, ratio_text = f"> {CAP:.0f} s", f"> {CAP / our_time:.0f}x"
                elif out_of_memory(str(theirs.get("error"))) and theirs["ran"] is not None:
                    # out of memory at the cap after counting this long without a result
                    ran = float(theirs["ran"])  # type: ignore[arg-type]
                    theirs_text, ratio_text, their_peak = (
                        f"> {seconds(ran)}",
                        f"> {ran / our_time:.0f}x",
                        f"> {MEMORY_GB:g} GB",
                    )
                elif "error" in theirs:
                    theirs_text, ratio_text = "failed", str(theirs["error"])[:30]
                else:
                    their_time = float(theirs["time"])
                    theirs_text, ratio_text = seconds(their_time), f"{their_time / our_time:.0f}x"
                    their_peak = f"{float(theirs['peak_mb']):.0f} MB"
            print(
                f"{name[:-3]:<24} {rule:<9} {seconds(our_time):>9} {theirs_text:>11} {ratio_text:>9} "
                f"{float(ours['peak_mb']):>6.0f} MB {their_peak:>10} {seconds(parse):>10} "
                f"{our_time / parse:>9.2f}x",
                flush=True,
            )


def sweep() -> None:
    print("\nEvery rule on every shared file (ours; the slowest rule and the peak memory of one process)")
    slowest_overall = 0.0
    biggest = 0.0
    for path in sorted(PABULIB.glob("*.pb")):
        ours = spawn(["--worker-ours", str(path), *ALL_RULES], timeout=None)
        assert ours is not None and "error" not in ours, ours
        times = {rule: t for rule, t in ours["times"].items() if t is not None}
        rule, slowest = max(times.items(), key=lambda item: item[1])
        peak = float(ours["peak_mb"])
        slowest_overall = max(slowest_overall, slowest)
        biggest = max(biggest, peak)
        print(f"  {path.stem:<58} slowest {rule:<16} {seconds(slowest):>9}  peak {peak:6.0f} MB", flush=True)
    verdict = "yes" if slowest_overall < 2 and biggest < 1024 else "NO"
    print(f"All under 2 s and 1 GB: {verdict} (slowest {seconds(slowest_overall)}, peak {biggest:.0f} MB)")


BILLION = 10**9
SCALED = ["Poland_Warszawa_2026.pb", "Poland_Wroclaw_2017.pb", "Netherlands_Amsterdam_179.pb"]


def worker_billion(path: str) -> dict[str, object]:
    """mes-add1 on real ballots with every cost and the budget multiplied so that the budget is about 10^9:
    the add-one completion then covers tens of thousands of raises."""
    sys.path.insert(0, str(ROOT / "src"))
    from buurtbudget.counting import Election, Project, count, read_pabulib

    election = read_pabulib(path)
    factor = max(1, round(BILLION / election.budget))
    scaled = Election(
        {**election.meta, "budget": str(election.budget * factor)},
        [Project(p.id, p.cost * factor, p.fields) for p in election.projects],
        election.voters,
    )
    started = time.perf_counter()
    result = count(scaled, "mes-add1")
    elapsed = time.perf_counter() - started
    n = len(scaled.voters)
    assert result.voter_budget is not None
    raises = float(result.voter_budget - scaled.budget_fraction / n)
    return {"factor": factor, "budget": float(scaled.budget), "raises": raises, "seconds": elapsed}


def billion() -> None:
    print(
        "\nA budget of about 10^9: real ballots, costs and budget multiplied (mes-add1, ours; pabutools would"
    )
    print("run one full MES per raise)")
    for name in SCALED:
        got = spawn(["--worker-billion", str(PABULIB / name)], timeout=None)
        assert got is not None and "error" not in got, got
        print(
            f"  {name[:-3]:<36} x{got['factor']:<6} budget {got['budget']:>14,.0f}  "
            f"{got['raises']:>9,.0f} raises in {seconds(float(got['seconds'])):>9}",
            flush=True,
        )


def main() -> int:
    if sys.argv[1:2] == ["--worker-billion"]:
        print(json.dumps(worker_billion(sys.argv[2])))
        return 0
    if sys.argv[1:2] == ["--worker-ours"]:
        print(json.dumps(worker_ours(sys.argv[2], sys.argv[3:])))
        return 0
    if sys.argv[1:2] == ["--worker-pabutools"]:
        print(json.dumps(worker_pabutools(sys.argv[2], sys.argv[3])))
        return 0
    if not PABULIB.is_dir():
        print(f"The shared elections are missing ({PABULIB}); nothing to measure.")
        return 0
    only = sys.argv[sys.argv.index("--only") + 1] if "--only" in sys.argv else ""
    if only in ("", "table"):
        main_table()
    if only in ("", "sweep"):
        sweep()
    if only in ("", "billion"):
        billion()
    return 0


if __name__ == "__main__":
    sys.exit(main())
