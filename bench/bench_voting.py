"""Voting benchmark: ballots stored per second through gunicorn, PostgreSQL and the real vote view.

    python bench/bench_voting.py [--codes 20000] [--seconds 10] [--clients 16] [--workers 3]
                                 [--threads 4] [--tcp] [--journey-seconds 5] [--profile] [--no-ceiling]

Creates (and drops afterwards) a throwaway database `bb_bench_voting` on postgres://postgres@127.0.0.1:5432
(or uses DATABASE_URL when it points at PostgreSQL), migrates it, opens a round for voting with --codes
stemcodes, and starts gunicorn on 127.0.0.1 (a free port) with the product's settings made production-like
and its URLs plus one empty view (bench/voting_site*.py, never part of the product): DEBUG off, cached
templates, persistent database connections, the cache in Redis when one answers on 127.0.0.1:6379, and
PostgreSQL over its Unix socket (--tcp: over TCP on loopback).

Headline: ballots per second. Each request is the POST a resident's browser sends when confirming the vote
on the review page (/<gemeente>/stemmen/<round>/controleren/): the CSRF token, and the signed voter state
(voting/state.py: code keys, area, choices) that the code and ballot steps put in the `bb_stem` cookie, each
with a distinct stemcode and a ballot within the budget. The state is signed here with the site's key
exactly as those steps would, so every request stores one ballot through the real view, service and
database constraint. The load generator runs on loopback in this process: --clients threads, each with one
raw keep-alive socket and ready-made request bytes (cheap on CPU). The same clients GET the empty view
first, for the baseline. Also printed: CPU ms per request of the gunicorn workers, of PostgreSQL (the bench
database's backends plus the WAL writer, background writer and checkpointer) and of the load generator. As a secondary line, whole journeys of a resident (start page, stemcode, ballot, review,
confirm, receipt: 6 requests) are measured with the same stack.

Then (unless --no-ceiling) gunicorn restarts with services.cast_ballot stubbed out (voting_site_urls.py) and
the same confirm POSTs are measured against the empty view again: the vote page's own cost, a ceiling on the
ratio that no database write can beat.

Afterwards the database is checked: ballots equal successful confirmations, every receipt a voter was given
is stored once, codes marked used equal ballots, no code has two ballots.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
sys.path[:0] = [str(ROOT / "src"), str(BENCH)]
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
SOCKET_DIR = "/var/run/postgresql"  # the server's Unix socket: cheaper than TCP on loopback, as on one host
BENCH_DB = "bb_bench_voting"
SLUG = "bench-2026"
GEMEENTE = "benchstad"
BASE = f"/{GEMEENTE}/stemmen/{SLUG}/"
HOST = "127.0.0.1"
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
RECEIPT = re.compile(rb'class="bb-receipt">([^<]+)<')
SET_COOKIE = re.compile(rb"(?im)^set-cookie: *([^=]+)=([^;\r\n]*)")
Unit = Callable[[Any], tuple[bool, bytes]]  # one request (or journey) of a client: (ok, response head)
Clients = Callable[[int], Unit]  # makes client n's unit, with its own connection


def prepare_database(tcp: bool) -> bool:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        return False
    import psycopg

    with psycopg.connect(f"{DEFAULT_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    if not tcp and Path(SOCKET_DIR, ".s.PGSQL.5432").exists():
        os.environ["DATABASE_URL"] = (
            f"postgres://postgres@{urllib.parse.quote(SOCKET_DIR, safe='')}/{BENCH_DB}"
        )
    else:
        os.environ["DATABASE_URL"] = f"{DEFAULT_SERVER}/{BENCH_DB}"
    return True


def drop_database() -> None:
    import psycopg

    with psycopg.connect(f"{DEFAULT_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def use_redis() -> str:
    """Redis on 127.0.0.1:6379 for the cache (the rate limit), as in production, when it answers."""
    url = os.environ.get("BENCH_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    host, port = urllib.parse.urlsplit(url).hostname or HOST, urllib.parse.urlsplit(url).port or 6379
    try:
        with socket.create_connection((host, port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            if s.recv(16).startswith(b"+PONG"):
                os.environ["BENCH_REDIS_URL"] = url
                return url
    except OSError:
        pass
    return "in-process memory (no Redis answered)"


@dataclass
class Round:
    pk: int
    area_id: int
    plan_ids: list[int]
    codes: list[str]


def setup_round(n_codes: int) -> Round:
    """A municipality, an area, a round open for voting with 8 plans and `n_codes` stemcodes."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from buurtbudget.areas.models import Area, AreaLevel
    from buurtbudget.rounds.models import Phase, Plan, PlanStatus, default_round_rules
    from buurtbudget.rounds.models import Round as RoundModel
    from buurtbudget.tenancy.models import Municipality
    from buurtbudget.voting import codes
    from buurtbudget.voting.models import RegisterEntry, VoterCode

    today = timezone.localdate()
    with transaction.atomic():
        municipality = Municipality.objects.create(name="Benchstad", slug=GEMEENTE)
        area = Area.objects.create(
            municipality=municipality, name="Benchwijk", slug="benchwijk", level=AreaLevel.DISTRICT
        )
        area.path = f"/{area.pk}/"
        area.save(update_fields=["path"])
        the_round = RoundModel.objects.create(
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
            (
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
            ),
            batch_size=2000,
        )
        issued = [codes.generate_code() for _ in entries]
        VoterCode.objects.bulk_create(
            (
                VoterCode(round=the_round, entry=e, code_hash=codes.code_hash(c))
                for e, c in zip(entries, issued, strict=True)
            ),
            batch_size=2000,
        )
    return Round(the_round.pk, area.pk, [p.pk for p in plans], issued)


def choice(plan_ids: list[int], n: int) -> list[int]:
    """Two plans, different per voter, always within the budget."""
    first = plan_ids[n % len(plan_ids)]
    second = plan_ids[(n + 3) % len(plan_ids)]
    return sorted([first, second])


def signed_states(bench: Round, codes: list[str], offset: int) -> list[str]:
    """The `bb_stem` cookie the ballot step gives each voter (what the review page's POST carries)."""
    from buurtbudget.voting import codes as stemcodes
    from buurtbudget.voting.state import VoteState, sign_vote

    return [
        sign_vote(
            VoteState(
                round_id=bench.pk,
                where=f"{GEMEENTE}/{SLUG}",
                key=stemcodes.voter_key(bench.pk, code),
                area_id=bench.area_id,
                choices={"plans": choice(bench.plan_ids, offset + n), "points": []},
            )
        )
        for n, code in enumerate(codes)
    ]


def profile_cast(bench: Round, codes: list[str]) -> list[tuple[str, str, str]]:
    """Queries and in-process time of the confirming POST (Django's test client, no HTTP)."""
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext

    transaction_control = re.compile(r"^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b")
    rows: list[tuple[str, str, str]] = []
    steps = [
        ("start page (GET)", "GET", BASE, None),
        ("stemcode (POST)", "POST", BASE, "code"),
        (
            "ballot (POST)",
            "POST",
            BASE + "stembiljet/",
            {"plans": [str(i) for i in choice(bench.plan_ids, 0)]},
        ),
        ("review page (GET)", "GET", BASE + "controleren/", None),
        ("confirm = cast the ballot (POST)", "POST", BASE + "controleren/", {}),
        ("receipt (GET)", "GET", BASE + "ontvangstbewijs/", None),
    ]
    for attempt, code in enumerate(codes):  # the first vote warms up; the last one is reported
        client = DjangoClient(HTTP_HOST=HOST)
        for name, method, url, data in steps:
            form = {"code": code} if data == "code" else data
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url) if method == "GET" else client.post(url, form or {})
            took = time.perf_counter() - started
            if response.status_code not in (200, 302):
                raise RuntimeError(f"{name}: {response.status_code}")
            if attempt == len(codes) - 1:
                sql = [q["sql"] for q in queries.captured_queries if not transaction_control.match(q["sql"])]
                rows.append((f"queries / ms in-process: {name}", f"{len(sql)} / {took * 1000:.1f}", ""))
    return rows


def cprofile_cast(bench: Round, codes: list[str]) -> None:
    """--profile: where the time of the confirming POST goes, in-process (cProfile, 200 ballots)."""
    import cProfile
    import pstats

    from django.test import Client as DjangoClient

    from buurtbudget.voting.state import COOKIE

    states = signed_states(bench, codes, 0)
    client = DjangoClient(HTTP_HOST=HOST, enforce_csrf_checks=False)
    profiler = cProfile.Profile()
    for n, value in enumerate(states):
        client.cookies[COOKIE] = value
        if n == 10:
            profiler.enable()
        client.post(BASE + "controleren/", {})
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def start_gunicorn(port: int, workers: int, threads: int, stub_cast: bool = False) -> subprocess.Popen[bytes]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="voting_site", PYTHONPATH=f"{ROOT / 'src'}:{BENCH}")
    if stub_cast:
        env["BENCH_STUB_CAST"] = "1"  # voting_site_urls.py: the vote view without its database write
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn),
        "buurtbudget.wsgi:application",
        f"--bind={HOST}:{port}",
        f"--workers={workers}",
        f"--threads={threads}",
        f"--worker-class={'gthread' if threads > 1 else 'sync'}",
        "--keep-alive=60",
        "--backlog=2048",
        "--log-level=warning",
        "--preload",
    ]
    server = subprocess.Popen(command, env=env, cwd=str(ROOT))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _head, _body = Connection(port).exchange(get(port, "/bench-empty/"))
            if status == 200:
                return server
        except OSError:
            time.sleep(0.3)
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up")
    server.send_signal(signal.SIGTERM)
    raise RuntimeError("gunicorn did not answer within 60 s")


# --- the load generator -----------------------------------------------------------------------------------


def get(port: int, path: str, cookies: str = "") -> bytes:
    cookie = f"Cookie: {cookies}\r\n" if cookies else ""
    return f"GET {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\n{cookie}\r\n".encode()


def post(port: int, path: str, form: list[tuple[str, str]], cookies: str) -> bytes:
    body = urllib.parse.urlencode(form).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {HOST}:{port}\r\nOrigin: http://{HOST}:{port}\r\n"
        f"Cookie: {cookies}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class Connection:
    """One raw keep-alive HTTP/1.1 connection: send ready-made bytes, read one response (Content-Length)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None
        self.buffer = b""

    def exchange(self, request: bytes) -> tuple[int, bytes, bytes]:
        if self.sock is None:
            self.sock = socket.create_connection((HOST, self.port), timeout=60)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.buffer = b""
        sock = self.sock
        try:
            sock.sendall(request)
            data = self.buffer
            while (end := data.find(b"\r\n\r\n")) < 0:
                chunk = sock.recv(65536)
                if not chunk:
                    raise ConnectionError("closed by the server")
                data += chunk
            head, rest = data[:end], data[end + 4 :]
            lower = head.lower()
            at = lower.find(b"\r\ncontent-length:")
            length = 0
            if at >= 0:
                stop = lower.find(b"\r\n", at + 2)
                length = int(lower[at + 17 : stop if stop > 0 else None])
            while len(rest) < length:
                chunk = sock.recv(65536)
                if not chunk:
                    raise ConnectionError("closed by the server")
                rest += chunk
        except OSError:
            self.close()
            raise
        self.buffer = rest[length:]
        if b"\r\nconnection: close" in lower:
            self.close()
        return int(head[9:12]), head, rest[:length]

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    ok: int = 0
    failures: list[str] = field(default_factory=list)
    heads: list[bytes] = field(default_factory=list)  # of successful confirmations, parsed after the run
    receipts: list[str] = field(default_factory=list)  # of whole journeys
    elapsed: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def rate(self) -> float:
        return self.ok / self.elapsed if self.elapsed else 0.0


def csrf_pair(port: int) -> tuple[str, str]:
    """A visitor's CSRF cookie and the token of the form on the start page."""
    status, head, body = Connection(port).exchange(get(port, BASE))
    cookies = dict((k.decode().strip(), v.decode()) for k, v in SET_COOKIE.findall(head))
    found = CSRF_INPUT.search(body)
    if status != 200 or not found or "csrftoken" not in cookies:
        raise RuntimeError(f"start page: {status}")
    return cookies["csrftoken"], found.group(1).decode()


def run_clients(clients: int, seconds: float, work: Sequence[Any] | None, make: Clients) -> Run:
    """`clients` threads send requests for `seconds` (or until `work` is used up)."""
    run = Run()
    stop_at = time.perf_counter() + seconds
    items = iter(work) if work is not None else None
    take = threading.Lock()

    def client(n: int) -> None:
        latencies: list[float] = []
        heads: list[bytes] = []
        failures: list[str] = []
        ok = 0
        unit = make(n)
        while time.perf_counter() < stop_at:
            item = None
            if items is not None:
                with take:
                    item = next(items, None)
                if item is None:
                    break
            started = time.perf_counter()
            try:
                good, head = unit(item)
            except Exception as error:  # noqa: BLE001 - counted and reported
                failures.append(f"{type(error).__name__}: {error}")
                continue
            latencies.append(time.perf_counter() - started)
            if good:
                ok += 1
                if head:
                    heads.append(head)
            else:
                failures.append(head.split(b"\r\n", 1)[0].decode(errors="replace"))
        with run.lock:
            run.latencies.extend(latencies)
            run.heads.extend(heads)
            run.failures.extend(failures)
            run.ok += ok

    started = time.perf_counter()
    pool = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    run.elapsed = time.perf_counter() - started
    return run


def empty_clients(port: int, csrf: tuple[str, str]) -> Clients:
    request = get(port, "/bench-empty/", f"csrftoken={csrf[0]}")

    def make(_n: int) -> Unit:
        conn = Connection(port)

        def one(_item: Any) -> tuple[bool, bytes]:
            status, head, _body = conn.exchange(request)
            return status == 200, b"" if status == 200 else head

        return one

    return make


def cast_requests(port: int, csrf: tuple[str, str], states: list[str]) -> list[bytes]:
    form = [("csrfmiddlewaretoken", csrf[1])]
    return [post(port, BASE + "controleren/", form, f"csrftoken={csrf[0]}; bb_stem={s}") for s in states]


def cast_clients(port: int) -> Clients:
    def make(_n: int) -> Unit:
        conn = Connection(port)

        def one(request: bytes) -> tuple[bool, bytes]:
            status, head, _body = conn.exchange(request)
            return status == 302 and b"ontvangstbewijs" in head, head

        return one

    return make


def journey_clients(port: int, bench: Round) -> Clients:
    """A resident's whole vote: start page, stemcode, ballot, review, confirm, receipt (6 requests)."""

    def make(n: int) -> Unit:
        conn = Connection(port)
        count = [0]

        def one(code: str) -> tuple[bool, bytes]:
            status, head, body = conn.exchange(get(port, BASE))
            token = CSRF_INPUT.search(body)
            cookies = dict((k.decode().strip(), v.decode()) for k, v in SET_COOKIE.findall(head))
            if status != 200 or not token:
                return False, head
            form = [("csrfmiddlewaretoken", token.group(1).decode())]

            def send(request: bytes, want: int) -> bytes:
                status, head, body = conn.exchange(request)
                if status != want:
                    raise RuntimeError(head.split(b"\r\n", 1)[0].decode())
                cookies.update((k.decode().strip(), v.decode()) for k, v in SET_COOKIE.findall(head))
                return body

            def jar() -> str:
                return "; ".join(f"{k}={v}" for k, v in cookies.items())

            send(post(port, BASE, [*form, ("code", code)], jar()), 302)
            plans = [("plans", str(i)) for i in choice(bench.plan_ids, n * 7919 + count[0])]
            count[0] += 1
            send(post(port, BASE + "stembiljet/", [*form, *plans], jar()), 302)
            send(get(port, BASE + "controleren/", jar()), 200)
            send(post(port, BASE + "controleren/", form, jar()), 302)
            page = send(get(port, BASE + "ontvangstbewijs/", jar()), 200)
            found = RECEIPT.search(page)
            if not found:
                raise RuntimeError("no receipt on the receipt page")
            return True, b"receipt:" + found.group(1)

        return one

    return make


TICK = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def cpu_sample(server: subprocess.Popen[bytes]) -> tuple[float, float, float]:
    """CPU seconds so far of the gunicorn workers, of PostgreSQL's backends for the bench database (and
    its writer processes), and of this process (the load generator)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "OR backend_type IN ('walwriter', 'background writer', 'checkpointer')"
        )
        backends = [row[0] for row in cursor.fetchall()]
    workers = sum(_cpu_of(pid) for pid in _children(server.pid))
    times = os.times()
    return workers, sum(_cpu_of(pid) for pid in backends), times.user + times.system


def cpu_per_request(before: tuple[float, float, float], after: tuple[float, float, float], n: int) -> str:
    if not n:
        return "-"
    return " / ".join(f"{(a - b) / n * 1000:.2f}" for a, b in zip(after, before, strict=True))


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def receipts_of(heads: list[bytes]) -> list[str]:
    """The receipt numbers the confirmations gave (in the signed receipt cookie they set)."""
    from django.core import signing

    from buurtbudget.voting.state import COOKIE, SALT

    found = []
    for head in heads:
        if head.startswith(b"receipt:"):
            found.append(head[8:].decode())
            continue
        cookies = {k.decode().strip(): v.decode() for k, v in SET_COOKIE.findall(head)}
        found.append(str(signing.loads(cookies[COOKIE], salt=SALT)["n"]))
    return found


def check_database(bench: Round, receipts: list[str], already: int) -> list[tuple[str, str, str]]:
    """`already`: ballots cast before the load (the profiled votes)."""
    from django.db.models import Count

    from buurtbudget.voting.models import Ballot, VoterCode

    ballots = Ballot.objects.filter(round_id=bench.pk)
    stored = ballots.count() - already
    doubled_tokens = ballots.values("token").annotate(n=Count("pk")).filter(n__gt=1).count()
    changed = ballots.filter(changed_count__gt=0).count()
    used_codes = VoterCode.objects.filter(round_id=bench.pk, used_on__isnull=False).count() - already
    stored_receipts = set(ballots.values_list("receipt", flat=True))
    missing = [r for r in receipts if r not in stored_receipts]
    repeated = len(receipts) - len(set(receipts))
    votes = len(receipts)
    ok = stored == votes == used_codes and not doubled_tokens and not missing and not repeated and not changed
    return [
        (
            "ballots stored / successful confirmations",
            f"{stored} / {votes}",
            "OK" if stored == votes else "MISMATCH",
        ),
        ("codes marked used", str(used_codes), "OK" if used_codes == votes else "MISMATCH"),
        (
            "codes with two ballots / ballots changed",
            f"{doubled_tokens} / {changed}",
            "OK" if not (doubled_tokens or changed) else "DUPLICATED",
        ),
        (
            "receipts given but not stored / given twice",
            f"{len(missing)} / {repeated}",
            "OK" if not (missing or repeated) else "LOST",
        ),
        ("lost or duplicated ballots", "0" if ok else "SEE ABOVE", "goal 0"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--codes", type=int, default=20000, help="stemcodes: an upper bound on ballots")
    parser.add_argument("--seconds", type=float, default=10.0, help="time bound of each measurement")
    parser.add_argument("--clients", type=int, default=16, help="load-generator connections (threads)")
    # gthread keeps connections alive; sync workers (try --workers 5 --threads 1) close each one: on this
    # 2-core machine 3 x 4 gthread gave the most ballots/s and the fastest empty view.
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (gthread when > 1)")
    parser.add_argument("--tcp", action="store_true", help="reach PostgreSQL over TCP, not its Unix socket")
    parser.add_argument("--journey-seconds", type=float, default=5.0, help="whole journeys; 0 skips them")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the confirming POST in-process, then stop"
    )
    parser.add_argument(
        "--ceiling",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also measure the confirm POST with the database write stubbed out: the view's own ceiling",
    )
    args = parser.parse_args()

    created = prepare_database(args.tcp)
    database = urllib.parse.urlsplit(os.environ["DATABASE_URL"]).hostname or ""
    cache = use_redis()
    os.environ["DJANGO_SETTINGS_MODULE"] = "voting_site"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    server = None
    try:
        call_command("migrate", verbosity=0, skip_checks=True)
        bench = setup_round(args.codes)
        if args.profile:
            cprofile_cast(bench, bench.codes[:210])
            return
        profile = profile_cast(bench, bench.codes[:2])
        pool = bench.codes[2:]
        journeys = pool[: max(0, len(pool) // 5)] if args.journey_seconds else []
        casts = pool[len(journeys) :]
        states = signed_states(bench, casts, 0)
        connections.close_all()
        port = free_port()
        server = start_gunicorn(port, args.workers, args.threads)
        csrf = csrf_pair(port)
        run_clients(args.clients, 2.0, None, empty_clients(port, csrf))  # warm-up: every worker connects
        requests = cast_requests(port, csrf, states)
        at_start = cpu_sample(server)
        empty = run_clients(args.clients, args.seconds, None, empty_clients(port, csrf))
        after_empty = cpu_sample(server)
        cast = run_clients(args.clients, args.seconds, requests, cast_clients(port))
        after_cast = cpu_sample(server)
        journey = (
            run_clients(args.clients, args.journey_seconds, journeys, journey_clients(port, bench))
            if journeys
            else Run()
        )
        rows = check_database(bench, receipts_of(cast.heads) + receipts_of(journey.heads), already=2)
        if args.ceiling:
            # The same view and stack with services.cast_ballot replaced by a stub: what the page alone costs.
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            server = start_gunicorn(port, args.workers, args.threads, stub_cast=True)
            csrf = csrf_pair(port)
            run_clients(args.clients, 2.0, None, empty_clients(port, csrf))
            ceiling_empty = run_clients(args.clients, args.seconds, None, empty_clients(port, csrf))
            stubbed = cast_requests(port, csrf, signed_states(bench, casts, 0))
            ceiling = run_clients(args.clients, args.seconds, stubbed, cast_clients(port))
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

    ms = 1000.0
    ratio = cast.rate / empty.rate if empty.rate else float("nan")
    kind = (
        f"{args.workers} sync workers"
        if args.threads == 1
        else f"{args.workers} workers x {args.threads} threads"
    )
    print()
    print(
        f"gunicorn {kind}, {args.clients} keep-alive clients on loopback, {args.seconds:g} s per measurement, "
        f"{os.cpu_count()} CPUs shared by server, PostgreSQL and load generator; cache: {cache}; "
        f"PostgreSQL at {urllib.parse.unquote(database)}"
    )
    print(f"{'measurement':<52} {'value':>16}  goal / ratio")
    print("-" * 100)

    def p50_p99(values: list[float]) -> str:
        return f"{percentile(values, 50) * ms:.1f} / {percentile(values, 99) * ms:.1f}"

    table = [
        ("empty view: requests/s", f"{empty.rate:,.0f}", "baseline, same clients and stack"),
        ("empty view: latency p50 / p99 (ms)", p50_p99(empty.latencies), ""),
        (
            "empty view: CPU ms per request",
            cpu_per_request(at_start, after_empty, empty.ok + len(empty.failures)),
            "gunicorn / PostgreSQL / load generator",
        ),
        (
            "ballots stored/s (confirm POST, real vote view)",
            f"{cast.rate:,.0f}",
            f"goal >= 300: {'MET' if cast.rate >= 300 else 'NOT MET'}",
        ),
        (
            "ballots/s vs empty view requests/s",
            f"{ratio:.0%}",
            f"goal >= 50%: {'MET' if ratio >= 0.5 else 'NOT MET'}",
        ),
        ("confirm POST latency p50 / p99 (ms)", p50_p99(cast.latencies), ""),
        (
            "confirm POST: CPU ms per ballot",
            cpu_per_request(after_empty, after_cast, cast.ok + len(cast.failures)),
            "gunicorn / PostgreSQL / load generator",
        ),
        (
            "failed confirmations / failed empty requests",
            f"{len(cast.failures)} / {len(empty.failures)}",
            "; ".join(sorted(set(cast.failures + empty.failures))[:3]),
        ),
    ]
    if journeys:
        table += [
            ("whole journeys (6 requests)/s", f"{journey.rate:,.1f}", f"{journey.rate * 6:,.0f} requests/s"),
            (
                "whole journey latency p50 / p99 (ms)",
                p50_p99(journey.latencies),
                f"{len(journey.failures)} failed",
            ),
        ]
    if args.ceiling:
        ceiling_ratio = ceiling.rate / ceiling_empty.rate if ceiling_empty.rate else float("nan")
        table += [
            (
                "ceiling: confirm POST without the database write/s",
                f"{ceiling.rate:,.0f}",
                f"{ceiling_ratio:.0%} of the empty view's {ceiling_empty.rate:,.0f}/s (same run, no ballot stored)",
            )
        ]
    table += [*rows, *profile]
    for name, value, note in table:
        print(f"{name:<52} {value:>16}  {note}")
    if cast.ok == 0 or any(note in ("MISMATCH", "DUPLICATED", "LOST") for _n, _v, note in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
