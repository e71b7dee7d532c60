"""`make benchmark`: the key pages at national scale on PostgreSQL (issue 13). A benchmark, not
a timed test: it prints a table; the README carries the latest one.

1. Creates a throw-away database ``bench_<pid>`` on PostgreSQL (BENCH_PG_URL, default
   postgres://postgres@127.0.0.1:5432, trust authentication), migrates it and runs
   ``seed_national`` (scale BENCH_SCALE, default 1.0), timed, then VACUUM ANALYZE.
2. Signs in (``force_login``) as the demo's Göteborg caseworker and manager and the region's
   signatory, and asks every key page and export (benchmarks/pages.py) and a bare page (the
   same layout, signed in, an empty content block: benchmarks/urls.py) in the same run,
   interleaved and shuffled: BENCH_ROUNDS rounds (default 30) of every page in random order.
   Django's test client, DEBUG off, persistent database connection as in production.
3. Counts each page's queries at national scale and at a small scale (a second run of this
   script with ``--counts-only --scale 0.01`` on its own database).
4. Times rendering + signing an agreement PDF against a bare WeasyPrint render of the same
   HTML, and ``rebuild_deadlines`` over the whole data set.
5. Prints the machine, the date, and the process's memory at the end; drops the database
   (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{ADMIN_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _environment(database: str) -> None:
    os.environ["DATABASE_URL"] = f"{ADMIN_URL}/{database}"
    os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="bench-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("DB_CONN_MAX_AGE", "600")  # as settings_production


def _setup_django() -> None:
    import django

    django.setup()
    from django.test.utils import override_settings

    override_settings(ROOT_URLCONF="benchmarks.urls").enable()


def _manage(*args: str) -> tuple[float, str]:
    """A management command in a process of its own (timed), so that this process's memory
    is the serving worker's alone."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, check=True, capture_output=True, text=True
    )
    return time.perf_counter() - started, result.stdout


def _body(response: Any) -> bytes:
    """Read the whole response: a streamed export does its work while it is read."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _seed(scale: float) -> tuple[float, str]:
    _manage("migrate", "--verbosity", "0")
    seeded = _manage("seed_national", "--scale", str(scale))
    _analyze()
    return seeded


def _analyze() -> None:
    """Statistics for the planner right after the bulk load (VACUUM ANALYZE), as autovacuum
    would have them on a database in use; otherwise its first pass falls within the timed
    rounds and the planner's estimates change halfway."""
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def _clients(pages: list[Any]) -> dict[str | None, Any]:
    from django.test import Client

    from organisations.models import User

    clients: dict[str | None, Any] = {}
    for email in {p.user for p in pages}:
        client = Client()
        if email is not None:
            client.force_login(User.objects.get(email=email))
        clients[email] = client
    return clients


def _request(clients: dict[str | None, Any], page: Any) -> int:
    response = clients[page.user].get(page.url)
    _body(response)
    if response.status_code != 200:
        raise SystemExit(f"{page.name}: HTTP {response.status_code} for {page.url}")
    return response.status_code


def _query_counts(pages: list[Any], clients: dict[str | None, Any]) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for page in pages:
        _request(clients, page)  # warm the caches
        with CaptureQueriesContext(connection) as queries:
            _request(clients, page)
        counts[page.name] = len(queries)
    return counts


def _percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, int(round(share * len(ordered) + 0.5)) - 1)]


def _time(func: Callable[[], object]) -> float:
    started = time.perf_counter()
    func()
    return (time.perf_counter() - started) * 1000


def _pages_benchmark(rounds: int) -> tuple[list[Any], dict[str, list[float]], dict[str, int]]:
    from django.utils import timezone

    from benchmarks.pages import bare_page, key_pages

    pages = key_pages(today=timezone.localdate())
    bare = bare_page()
    everything = [bare, *pages]
    clients = _clients(everything)
    counts = _query_counts(everything, clients)
    timings: dict[str, list[float]] = {p.name: [] for p in everything}
    rng = random.Random(13)  # noqa: S311 - the order of requests, not a secret
    for _ in range(rounds):
        order = list(everything)
        rng.shuffle(order)
        for page in order:
            timings[page.name].append(_time(lambda page=page: _request(clients, page)))
    return everything, timings, counts


def _small_scale_counts(scale: float) -> dict[str, int]:
    """The same pages' query counts on a small data set, in a process of its own."""
    result = subprocess.run(
        [sys.executable, __file__, "--counts-only", "--scale", str(scale)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("COUNTS "))
    return json.loads(line[len("COUNTS ") :])


def _pdf_benchmark(repeat: int) -> dict[str, list[float]] | None:
    """Render + sign an agreement PDF (as the signing service does) against a bare WeasyPrint
    render of the same HTML, interleaved."""
    from django.conf import settings
    from django.utils import timezone
    from weasyprint import HTML

    from agreements import documents
    from agreements.models import AgreementVersion
    from agreements.signatures import signing_plan
    from agreements.signing.backends import get_backend
    from agreements.signing.pades import sign_increment
    from agreements.signing.pki import PkiPaths, create_ca, create_principal_certificate
    from core.pdf import LocalStaticFetcher

    version = (
        AgreementVersion.objects.filter(
            status="awaiting_signatures", agreement__municipality__name="Göteborg"
        )
        .select_related("agreement__municipality")
        .order_by("pk")
        .first()
    )
    if version is None:
        return None
    municipality = version.agreement.municipality
    paths = PkiPaths(settings.SIGNING_KEY_DIR)
    now = timezone.now()
    create_ca(paths, now=now)
    create_principal_certificate(
        paths,
        organisation_number=municipality.organisation_number,
        name=municipality.name,
        passphrase=settings.SIGNING_KEY_PASSPHRASE.encode(),
        now=now,
    )
    signer = get_backend().signer_for(municipality)

    captured: dict[str, str] = {}
    archival = documents.write_archival_pdf

    def recording(html: str, **kwargs: Any) -> bytes:
        captured["html"] = html
        return archival(html, **kwargs)

    documents.write_archival_pdf = recording  # type: ignore[assignment]
    try:
        documents.render_agreement_pdf(version, signing_plan=signing_plan(version))
    finally:
        documents.write_archival_pdf = archival  # type: ignore[assignment]
    html = captured["html"]

    def render_and_sign() -> None:
        pdf, _sha = documents.render_agreement_pdf(version, signing_plan=signing_plan(version))
        sign_increment(
            pdf,
            signer=signer,
            field_name="Benchmark",
            slot=0,
            stamp_text="Signerad (benchmark)",
            reason="Benchmark",
            signer_name="Benchmark",
        )

    def bare_render() -> None:
        HTML(string=html, base_url="file:///", url_fetcher=LocalStaticFetcher()).write_pdf()

    runs: dict[str, list[float]] = {"render + sign": [], "bare render": []}
    tasks = [("render + sign", render_and_sign), ("bare render", bare_render)]
    render_and_sign()  # warm up fonts and caches
    bare_render()
    rng = random.Random(7)  # noqa: S311
    for _ in range(repeat):
        rng.shuffle(tasks)
        for name, task in tasks:
            runs[name].append(_time(task))
    return runs


def _rebuild_deadlines() -> tuple[float, str]:
    seconds, output = _manage("rebuild_deadlines")
    return seconds, output.strip()


def _memory() -> tuple[float, float]:
    """The process's resident memory now and at its peak, MiB (Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    now = peak
    statm = Path("/proc/self/statm")
    if statm.exists():
        now = int(statm.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024
    return now, peak


def _machine() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPU(s) ({platform.processor() or 'unknown'}) · "
        f"PostgreSQL {pg} (same machine) · Python {platform.python_version()}"
    )


def _seed_counts(output: str) -> str:
    wanted = (
        "principals",
        "children",
        "placements",
        "meetings",
        "agreements",
        "agreement_versions",
        "signed_versions",
        "deadlines",
    )
    counts = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] in wanted:
            counts[parts[0]] = " ".join(parts[1:])
    return ", ".join(f"{name} {counts[name]}" for name in wanted if name in counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", 1)))
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 30)))
    parser.add_argument("--small-scale", type=float, default=0.01)
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    parser.add_argument("--counts-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    database = f"bench_{os.getpid()}"
    _admin(f'CREATE DATABASE "{database}"')
    try:
        _environment(database)
        seed_seconds, seed_output = _seed(args.scale)
        _setup_django()
        if args.counts_only:
            from django.utils import timezone

            from benchmarks.pages import key_pages

            pages = key_pages(today=timezone.localdate())
            print("COUNTS " + json.dumps(_query_counts(pages, _clients(pages))))
            return
        print(f"Database {database}: seed_national --scale {args.scale} in {seed_seconds:.0f} s")
        print(f"  {_seed_counts(seed_output)}")
        built = [x for x in seed_output.splitlines() if "built in" in x]
        print(f"  {built[-1].strip() if built else ''}")
        small = _small_scale_counts(args.small_scale)
        pages, timings, counts = _pages_benchmark(args.rounds)
        pdf = _pdf_benchmark(repeat=10)
        now, peak = _memory()
        rebuild_seconds, rebuild_output = _rebuild_deadlines()
        _report(
            args=args,
            seed_seconds=seed_seconds,
            pages=pages,
            timings=timings,
            counts=counts,
            small=small,
            pdf=pdf,
            rebuild=(rebuild_seconds, rebuild_output),
            memory=(now, peak),
        )
    finally:
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        if args.keep and not args.counts_only:
            print(f"Kept the database {database}.")
        else:
            _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _report(
    *,
    args: argparse.Namespace,
    seed_seconds: float,
    pages: list[Any],
    timings: dict[str, list[float]],
    counts: dict[str, int],
    small: dict[str, int],
    pdf: dict[str, list[float]] | None,
    rebuild: tuple[float, str],
    memory: tuple[float, float],
) -> None:
    bare = statistics.median(timings[pages[0].name])
    print()
    print(f"Benchmark, national scale ×{args.scale:g}, {args.rounds} rounds interleaved")
    print(f"Machine: {_machine()}")
    print()
    print(
        f"| Page | p50 ms | p95 ms | × bare p50 | queries (×{args.small_scale:g}) "
        f"| queries (×{args.scale:g}) |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for page in pages:
        values = timings[page.name]
        p50 = statistics.median(values)
        p95 = _percentile(values, 0.95)
        print(
            f"| {page.name} | {p50:.0f} | {p95:.0f} | {p50 / bare:.1f} "
            f"| {small.get(page.name, '–')} | {counts[page.name]} |"
        )
    print()
    if pdf is not None:
        signed = statistics.median(pdf["render + sign"])
        plain = statistics.median(pdf["bare render"])
        print(
            f"Agreement PDF: render + sign p50 {signed:.0f} ms (p95 "
            f"{_percentile(pdf['render + sign'], 0.95):.0f}) against a bare WeasyPrint render "
            f"of the same HTML p50 {plain:.0f} ms (p95 {_percentile(pdf['bare render'], 0.95):.0f})"
            f": ×{signed / plain:.1f}"
        )
    print(f"seed_national: {seed_seconds:.0f} s")
    print(f"rebuild_deadlines: {rebuild[0]:.0f} s ({rebuild[1]})")
    print(
        f"Worker memory after the pages and the PDFs (this process: the test client "
        f"serves in-process; seeding and rebuild_deadlines ran in processes of their own): "
        f"RSS {memory[0]:.0f} MiB, peak {memory[1]:.0f} MiB"
    )


if __name__ == "__main__":
    main()
