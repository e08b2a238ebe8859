"""Voting benchmark: complete votes per second through gunicorn, PostgreSQL and the real vote pages.

    python bench/bench_voting.py [--codes 6000] [--seconds 20] [--clients 8] [--workers 4] [--threads 1]

Creates (and drops afterwards) a throwaway database `bb_bench_voting` on postgres://postgres@127.0.0.1:5432
(or uses DATABASE_URL when it points at PostgreSQL), migrates it, opens a round for voting with --codes
stemcodes, and starts gunicorn on 127.0.0.1 (a free port) with the product's settings and URLs plus one
empty view (bench/voting_site.py, never part of the product). A load generator on loopback (threads, each
with its own keep-alive http.client connection) then casts complete votes the way a resident does: start
page (GET), stemcode (POST), ballot (POST), confirm (POST), receipt (GET); every vote starts a fresh session.
The same clients then hit the empty view for the baseline. Afterwards the database is checked: ballots equal
successful votes, no stemcode has two ballots, every receipt a voter saw is stored once.
"""

from __future__ import annotations

import argparse
import http.client
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path[:0] = [str(ROOT / "src"), str(BENCH)]
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
BENCH_DB = "bb_bench_voting"
SLUG = "bench-2026"
HOST = "127.0.0.1"
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
RECEIPT = re.compile(rb'class="bb-receipt">([^<]+)<')


def prepare_database() -> bool:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        return False
    import psycopg

    with psycopg.connect(f"{DEFAULT_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    os.environ["DATABASE_URL"] = f"{DEFAULT_SERVER}/{BENCH_DB}"
    return True


def drop_database() -> None:
    import psycopg

    with psycopg.connect(f"{DEFAULT_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def setup_round(n_codes: int) -> tuple[list[str], list[int]]:
    """A municipality, an area, a round open for voting with 8 plans and `n_codes` stemcodes."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from buurtbudget.areas.models import Area, AreaLevel
    from buurtbudget.rounds.models import Phase, Plan, PlanStatus, Round, default_round_rules
    from buurtbudget.tenancy.models import Municipality
    from buurtbudget.voting import codes
    from buurtbudget.voting.models import RegisterEntry, VoterCode

    today = timezone.localdate()
    with transaction.atomic():
        municipality = Municipality.objects.create(name="Benchstad", slug="benchstad")
        area = Area.objects.create(
            municipality=municipality, name="Benchwijk", slug="benchwijk", level=AreaLevel.DISTRICT
        )
        area.path = f"/{area.pk}/"
        area.save(update_fields=["path"])
        the_round = Round.objects.create(
            municipality=municipality,
            area=area,
            name="Benchbudget 2026",
            slug=SLUG,
            budget_cents=10_000_000,
            phase=Phase.VOTING,
            plans_open_on=today - dt.timedelta(days=60),
            support_opens_on=today - dt.timedelta(days=50),
            feasibility_opens_on=today - dt.timedelta(days=40),
            voting_opens_on=today - dt.timedelta(days=1),
            voting_closes_on=today + dt.timedelta(days=30),
            result_on=today + dt.timedelta(days=31),
            rules=default_round_rules(),
        )
        plans = Plan.objects.bulk_create(
            Plan(
                round=the_round,
                area=area,
                title=f"Plan {i}",
                summary="Bench",
                status=PlanStatus.ON_BALLOT,
                requested_cents=1_000_000 + i * 100_000,
                cost_cents=1_000_000 + i * 100_000,
            )
            for i in range(8)
        )
        entries = RegisterEntry.objects.bulk_create(
            RegisterEntry(
                round=the_round,
                name=f"Bewoner {i}",
                address=f"Benchstraat {i}",
                postcode="1000AA",
                house_number=i + 1,
                birth_date=dt.date(1980, 1, 1),
                area=area,
            )
            for i in range(n_codes)
        )
        issued = [codes.generate_code() for _ in entries]
        VoterCode.objects.bulk_create(
            (
                VoterCode(round=the_round, entry=e, code_hash=codes.code_hash(c))
                for e, c in zip(entries, issued, strict=True)
            ),
            batch_size=2000,
        )
    return [codes.format_code(c) for c in issued], [p.pk for p in plans]


def profile_steps(codes: list[str], plan_ids: list[int]) -> list[tuple[str, str, str]]:
    """Queries and in-process time per step of one complete vote (Django's test client, no HTTP)."""
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    base = f"/benchstad/stemmen/{SLUG}/"
    steps = [
        ("start page (GET)", "GET", base, None),
        ("stemcode (POST)", "POST", base, {"code": ""}),
        ("ballot (POST)", "POST", base + "stembiljet/", {"plans": [str(plan_ids[0]), str(plan_ids[3])]}),
        ("confirm = cast the ballot (POST)", "POST", base + "controleren/", {}),
        ("receipt (GET)", "GET", base + "ontvangstbewijs/", None),
    ]
    measured: dict[str, tuple[int, float]] = {}
    for code in codes:  # the first vote warms up; the last one is reported
        client = DjangoClient(HTTP_HOST=HOST)
        for name, method, url, data in steps:
            if data is not None and "code" in data:
                data = {"code": code}
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url) if method == "GET" else client.post(url, data or {})
            took = time.perf_counter() - started
            if response.status_code not in (200, 302):
                raise RuntimeError(f"{name}: {response.status_code}")
            measured[name] = (len(queries.captured_queries), took)
    rows = [
        (f"queries / ms in-process: {name}", f"{n} / {t * 1000:.0f}", "") for name, (n, t) in measured.items()
    ]
    total = sum(n for n, _t in measured.values())
    rows.append(("queries per complete vote", str(total), "sessions in the database, as in production"))
    return rows


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def start_gunicorn(port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="voting_site", PYTHONPATH=f"{ROOT / 'src'}:{BENCH}")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn),
        "buurtbudget.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--workers={workers}",
        f"--threads={threads}",
        f"--worker-class={'gthread' if threads > 1 else 'sync'}",
        "--keep-alive=30",
        "--log-level=warning",
        "--preload",
    ]
    if threads == 1:
        # Sync workers close the connection after every response; gthread keeps it alive.
        pass
    server = subprocess.Popen(command, env=env, cwd=str(ROOT))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/bench-empty/")
            if conn.getresponse().status == 200:
                conn.close()
                return server
        except OSError:
            time.sleep(0.3)
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
    server.send_signal(signal.SIGTERM)
    raise RuntimeError("gunicorn did not answer within 60 s")


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)  # per request
    vote_latencies: list[float] = field(default_factory=list)  # per complete vote
    requests: int = 0
    votes: int = 0
    failures: list[str] = field(default_factory=list)
    receipts: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Client:
    """One keep-alive connection with its own cookies (a resident's browser tab)."""

    def __init__(self, port: int, stats: Stats) -> None:
        self.port = port
        self.stats = stats
        self.conn = http.client.HTTPConnection(HOST, port, timeout=30)
        self.cookies: dict[str, str] = {}
        self.latencies: list[float] = []

    def request(self, method: str, path: str, form: list[tuple[str, str]] | None = None) -> tuple[int, bytes]:
        headers = {"Host": f"{HOST}:{self.port}", "Connection": "keep-alive"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
        for attempt in (1, 2):
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
                if attempt == 2 or method == "POST":
                    raise
                continue
            self.latencies.append(time.perf_counter() - started)
            for value in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
            return response.status, data
        raise RuntimeError("unreachable")

    def vote(self, code: str, plan_ids: list[int]) -> str:
        """A complete vote in a fresh session; returns the receipt shown to the voter."""
        self.cookies.clear()
        base = f"/benchstad/stemmen/{SLUG}/"
        status, page = self.request("GET", base)
        found = CSRF.search(page)
        if status != 200 or not found:
            raise RuntimeError(f"start page: {status}")
        token = found.group(1).decode()
        status, _ = self.request("POST", base, [("csrfmiddlewaretoken", token), ("code", code)])
        if status != 302:
            raise RuntimeError(f"stemcode: {status}")
        ballot = [("csrfmiddlewaretoken", token)] + [("plans", str(i)) for i in plan_ids]
        status, _ = self.request("POST", base + "stembiljet/", ballot)
        if status != 302:
            raise RuntimeError(f"ballot: {status}")
        status, _ = self.request("POST", base + "controleren/", [("csrfmiddlewaretoken", token)])
        if status != 302:
            raise RuntimeError(f"confirm: {status}")
        status, page = self.request("GET", base + "ontvangstbewijs/")
        found = RECEIPT.search(page)
        if status != 200 or not found:
            raise RuntimeError(f"receipt: {status}")
        return found.group(1).decode()


def run_votes(
    port: int, clients: int, seconds: float, codes: list[str], plan_ids: list[int]
) -> tuple[Stats, float]:
    stats = Stats()
    work: queue.SimpleQueue[str] = queue.SimpleQueue()
    for code in codes:
        work.put(code)
    stop_at = time.perf_counter() + seconds

    def worker(n: int) -> None:
        client = Client(port, stats)
        count = 0
        while time.perf_counter() < stop_at:
            try:
                code = work.get_nowait()
            except queue.Empty:
                break
            choice = [plan_ids[(n + count) % len(plan_ids)], plan_ids[(n + count + 3) % len(plan_ids)]]
            count += 1
            started = time.perf_counter()
            mark = len(client.latencies)
            try:
                receipt = client.vote(code, choice)
            except Exception as error:  # noqa: BLE001 - counted and reported
                with stats.lock:
                    stats.failures.append(f"{type(error).__name__}: {error}")
                continue
            took = time.perf_counter() - started
            with stats.lock:
                stats.votes += 1
                stats.vote_latencies.append(took)
                stats.receipts.append(receipt)
                stats.latencies.extend(client.latencies[mark:])
        with stats.lock:
            stats.requests += len(client.latencies)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return stats, time.perf_counter() - started


def run_empty(port: int, clients: int, seconds: float) -> tuple[Stats, float]:
    stats = Stats()
    stop_at = time.perf_counter() + seconds

    def worker() -> None:
        client = Client(port, stats)
        while time.perf_counter() < stop_at:
            try:
                status, _ = client.request("GET", "/bench-empty/")
            except Exception as error:  # noqa: BLE001
                with stats.lock:
                    stats.failures.append(str(error))
                continue
            if status != 200:
                with stats.lock:
                    stats.failures.append(f"status {status}")
        with stats.lock:
            stats.requests += len(client.latencies)
            stats.latencies.extend(client.latencies)

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return stats, time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def check_database(receipts: list[str], votes: int, already: int) -> list[tuple[str, str, str]]:
    """`already`: ballots cast before the load (the profiled votes)."""
    from django.db.models import Count

    from buurtbudget.voting.models import Ballot, VoterCode

    ballots = Ballot.objects.filter(round__slug=SLUG)
    stored = ballots.count() - already
    doubled_tokens = ballots.values("token").annotate(n=Count("pk")).filter(n__gt=1).count()
    used_codes = VoterCode.objects.filter(round__slug=SLUG, used_on__isnull=False).count() - already
    stored_receipts = set(ballots.values_list("receipt", flat=True))
    missing = [r for r in receipts if r not in stored_receipts]
    repeated = len(receipts) - len(set(receipts))
    ok = stored == votes == used_codes and not doubled_tokens and not missing and not repeated
    return [
        ("ballots stored / successful votes", f"{stored} / {votes}", "OK" if stored == votes else "MISMATCH"),
        ("codes marked used", str(used_codes), "OK" if used_codes == votes else "MISMATCH"),
        ("codes with two ballots", str(doubled_tokens), "OK" if not doubled_tokens else "DUPLICATED"),
        (
            "receipts shown but not stored / shown twice",
            f"{len(missing)} / {repeated}",
            "OK" if not (missing or repeated) else "LOST",
        ),
        ("lost or duplicated ballots", "0" if ok else "SEE ABOVE", "goal 0"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--codes", type=int, default=6000, help="stemcodes (upper bound on votes)")
    parser.add_argument("--seconds", type=float, default=20.0, help="time bound of each measurement")
    parser.add_argument("--clients", type=int, default=8, help="load-generator threads (connections)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per worker (gthread when > 1)")
    args = parser.parse_args()

    created = prepare_database()
    os.environ["DJANGO_SETTINGS_MODULE"] = "voting_site"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    server = None
    try:
        call_command("migrate", verbosity=0, skip_checks=True)
        codes, plan_ids = setup_round(args.codes)
        profile = profile_steps(codes[:2], plan_ids)
        codes = codes[2:]
        connections.close_all()
        port = free_port()
        server = start_gunicorn(port, args.workers, args.threads)
        # Warm-up: every worker imports templates and opens its database connection.
        run_empty(port, args.clients, 2.0)
        empty, empty_time = run_empty(port, args.clients, args.seconds)
        votes, vote_time = run_votes(port, args.clients, args.seconds, codes, plan_ids)
        rows = check_database(votes.receipts, votes.votes, already=2)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        connections.close_all()
        if created:
            drop_database()

    empty_rps = empty.requests / empty_time
    vote_rps = votes.requests / vote_time
    votes_per_s = votes.votes / vote_time
    per_vote = votes.requests / votes.votes if votes.votes else float("nan")
    ms = 1000.0
    print()
    print(
        f"gunicorn {args.workers} workers x {args.threads} threads, {args.clients} keep-alive clients on loopback, "
        f"{args.seconds:g} s per measurement, {os.cpu_count()} CPUs"
    )
    print(f"{'measurement':<52} {'value':>16}  goal / ratio")
    print("-" * 100)
    table = [
        ("empty view: requests/s", f"{empty_rps:,.0f}", "baseline"),
        (
            "empty view: latency p50 / p99 (ms)",
            f"{percentile(empty.latencies, 50) * ms:.1f} / {percentile(empty.latencies, 99) * ms:.1f}",
            "",
        ),
        (
            "complete votes (ballots)/s",
            f"{votes_per_s:,.0f}",
            f"goal >= 300; {votes_per_s / 300:.0%} of goal",
        ),
        (
            "vote pages: requests/s",
            f"{vote_rps:,.0f}",
            f"{vote_rps / empty_rps:.0%} of the empty view (goal >= 50%)",
        ),
        (
            "ballots/s vs empty view requests/s",
            f"{votes_per_s / empty_rps:.1%}",
            f"{per_vote:.1f} requests per vote",
        ),
        (
            "vote page request latency p50 / p99 (ms)",
            f"{percentile(votes.latencies, 50) * ms:.1f} / {percentile(votes.latencies, 99) * ms:.1f}",
            "",
        ),
        (
            "complete vote latency p50 / p99 (ms)",
            f"{percentile(votes.vote_latencies, 50) * ms:.1f} / {percentile(votes.vote_latencies, 99) * ms:.1f}",
            "",
        ),
        ("failed votes (client side)", str(len(votes.failures)), "; ".join(sorted(set(votes.failures))[:3])),
        ("failed empty requests", str(len(empty.failures)), ""),
        *rows,
        *profile,
    ]
    for name, value, note in table:
        print(f"{name:<52} {value:>16}  {note}")
    if votes.votes == 0 or any(note in ("MISMATCH", "DUPLICATED", "LOST") for _n, _v, note in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
