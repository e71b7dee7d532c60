"""The memory of a principal's export at two data sizes (issue 15): it must stay flat.

Run by hand, never in CI: ``.venv/bin/python benchmarks/export_memory.py [--scales 0.1,1.0]``.

For each scale, on PostgreSQL (BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432):

1. creates a throw-away database, migrates it and runs ``seed_national --scale <s>``;
2. gives every agreement version of the principal (default Göteborg) a signed document
   revision of ``--pdf-kb`` KiB (the national data set has none), so the PDFs count too;
3. in a fresh process (DEBUG off), exports the principal twice, reading the zip as a download
   would and throwing it away: once for the time and the peak resident memory (ru_maxrss, and
   the growth over the process's memory before the export), once under tracemalloc for the
   peak of Python allocations;
4. prints one line per scale and drops the database (``--keep`` keeps it).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
MIB = 1024 * 1024


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{ADMIN_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql.encode())


def _environment(database: str) -> dict[str, str]:
    env = dict(os.environ)
    env["DATABASE_URL"] = f"{ADMIN_URL}/{database}"
    env["VAR_DIR"] = tempfile.mkdtemp(prefix="bench-export-")
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env["DEBUG"] = "0"  # DEBUG keeps every query in memory
    return env


def _run(env: dict[str, str], *args: str) -> tuple[float, str]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return time.perf_counter() - started, result.stdout


def _rss_now() -> float:
    statm = Path("/proc/self/statm")
    if not statm.exists():
        return 0.0
    return int(statm.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / MIB


def _rss_peak() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _principal(name: str) -> Any:
    from organisations.models import Principal

    return Principal.objects.get(name=name)


def add_pdfs(name: str, kib: int) -> None:
    """One signed document revision per agreement version of the principal."""
    import hashlib

    from agreements.models import AgreementVersion, SignedDocument
    from exports.sections import PrincipalScope

    principal = _principal(name)
    versions = AgreementVersion.objects.filter(
        agreement_id__in=PrincipalScope(principal).agreements().values("pk")
    ).values_list("pk", flat=True)
    batch: list[SignedDocument] = []
    count = 0
    for version_id in versions.iterator(chunk_size=500):
        data = os.urandom(kib * 1024)
        batch.append(
            SignedDocument(
                version_id=version_id,
                revision=0,
                signing_round=1,
                pdf=data,
                sha256=hashlib.sha256(data).hexdigest(),
            )
        )
        count += 1
        if len(batch) == 50:
            SignedDocument.objects.bulk_create(batch)
            batch = []
    SignedDocument.objects.bulk_create(batch)
    print(json.dumps({"pdfs": count}))


def measure(name: str) -> None:
    """Export twice in this fresh process; print the figures as one JSON line."""
    import tracemalloc

    from exports.archive import export_zip
    from exports.sections import sections_for

    principal = _principal(name)
    counts = {section.label: queryset.count() for section, queryset in sections_for(principal)}
    baseline = _rss_now()

    started = time.perf_counter()
    size = 0
    for chunk in export_zip(principal):
        size += len(chunk)
    seconds = time.perf_counter() - started
    peak = _rss_peak()

    tracemalloc.start()
    for _chunk in export_zip(principal):
        pass
    _current, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "placements": counts.get("placements.placement", 0),
                "children": counts.get("placements.child", 0),
                "rows": sum(counts.values()),
                "pdfs": counts.get("agreements.signeddocument", 0),
                "zip_mib": size / MIB,
                "seconds": seconds,
                "rss_before_mib": baseline,
                "rss_peak_mib": peak,
                "traced_peak_mib": traced / MIB,
            }
        )
    )


def _setup() -> None:
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="0.1,1.0", help="Two (or more) seed_national scales.")
    parser.add_argument("--principal", default="Göteborg")
    parser.add_argument("--pdf-kb", type=int, default=100, help="KiB per signed document.")
    parser.add_argument("--keep", action="store_true", help="Keep the databases afterwards.")
    parser.add_argument("--add-pdfs", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.add_pdfs or args.measure:
        _setup()
        if args.add_pdfs:
            add_pdfs(args.principal, args.pdf_kb)
        else:
            measure(args.principal)
        return

    me = str(Path(__file__).resolve())
    results = []
    for index, scale in enumerate(float(s) for s in args.scales.split(",")):
        database = f"bench_export_{os.getpid()}_{index}"
        _admin(f'CREATE DATABASE "{database}"')
        try:
            env = _environment(database)
            _run(env, "manage.py", "migrate", "--skip-checks", "-v0")
            seeded, _out = _run(
                env, "manage.py", "seed_national", "--skip-checks", "--scale", str(scale)
            )
            _run(env, me, "--add-pdfs", "--principal", args.principal, "--pdf-kb", str(args.pdf_kb))
            _seconds, output = _run(env, me, "--measure", "--principal", args.principal)
            figures = json.loads(output.strip().splitlines()[-1])
            figures.update(scale=scale, seed_seconds=seeded)
            results.append(figures)
            print(json.dumps(figures), flush=True)
        finally:
            if not args.keep:
                _admin(f'DROP DATABASE IF EXISTS "{database}"')

    print()
    print(f"Export of {args.principal}, PDFs of {args.pdf_kb} KiB, PostgreSQL, DEBUG off:")
    print()
    print(
        "| scale | placements | rows | PDFs | zip MiB | seconds | RSS before MiB "
        "| peak RSS MiB | growth MiB | tracemalloc peak MiB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r['scale']} | {r['placements']:,} | {r['rows']:,} | {r['pdfs']:,} "
            f"| {r['zip_mib']:.1f} | {r['seconds']:.1f} | {r['rss_before_mib']:.0f} "
            f"| {r['rss_peak_mib']:.0f} | {r['rss_peak_mib'] - r['rss_before_mib']:.0f} "
            f"| {r['traced_peak_mib']:.1f} |".replace(",", " ")
        )


if __name__ == "__main__":
    main()
