"""Benchmark: prints figures for the targets that matter (run by hand: `make benchmark`).

Uses a throw-away SQLite database (or DATABASE_URL if set) and measures, with the Django test
client, the placement list and the managers' dashboard over growing data, the monthly cost
statement, and rendering + signing an agreement PDF. Tests assert query counts; this script
shows time and memory, which tests must not."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="bench-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP / 'bench.sqlite3'}")
os.environ["VAR_DIR"] = str(TMP)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from datetime import timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402


def timed(label: str, func, repeat: int = 5) -> None:
    durations = []
    with CaptureQueriesContext(connection) as ctx:
        func()
    queries = len(ctx.captured_queries)
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        durations.append((time.perf_counter() - start) * 1000)
    tracemalloc.start()  # memory in a separate run: tracing slows the code down
    func()
    peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()
    print(
        f"{label:<55} median {statistics.median(durations):7.1f} ms  "
        f"max {max(durations):7.1f} ms  queries {queries:3d}  peak {peak:5.1f} MiB"
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--quiet-logins", verbosity=0)
    call_command("create_dev_pki", verbosity=0)
    from dashboard.sync import rebuild_all
    from organisations.models import User
    from placements.models import Child, Placement

    template = Placement.objects.filter(child__home_municipality__name="Göteborg").first()
    caseworker = User.objects.get(email="handlaggare.goteborg@demo.example")
    manager = User.objects.get(email="chef.goteborg@demo.example")
    today = timezone.localdate()
    print(f"Database: {connection.vendor}")
    for target in (100, 1000, 5000):
        have = Placement.objects.count()
        for i in range(have, target):
            child = Child.objects.create(
                reserve_number=f"BENCH-{i:06d}",
                first_name="Bench",
                last_name=str(i),
                birth_date=template.child.birth_date,
                home_municipality=template.child.home_municipality,
                responsible_unit=template.child.responsible_unit,
            )
            Placement.objects.create(
                child=child,
                placing_principal=template.placing_principal,
                placing_unit=template.placing_unit,
                caseworker=caseworker,
                form="hvb",
                legal_basis="sol",
                is_acute=True,
                status="active",
                provider_name="HVB Bench",
                planned_start=today - timedelta(days=i % 90),
                actual_start=today - timedelta(days=i % 90),
                cost_per_day=Decimal("3850.00"),
            )
        rebuild_all()
        c = Client()
        c.force_login(caseworker)
        m = Client()
        m.force_login(manager)
        print(f"-- {Placement.objects.count()} placements")
        timed("placement list, page 1 (caseworker)", lambda c=c: c.get("/placeringar/"))
        timed(
            "placement list, search + filter",
            lambda c=c: c.get("/placeringar/?q=Bench&status=active"),
        )
        timed("managers' dashboard", lambda m=m: m.get("/oversikt/"))
        timed("start page with my deadlines (caseworker)", lambda c=c: c.get("/"))

    from agreements.selectors import placement_statement

    active = Placement.objects.filter(status="active", agreement__isnull=False).first() or template
    timed(
        "monthly cost statement, one placement",
        lambda: placement_statement(placement=active, year=today.year, month=today.month),
        repeat=20,
    )
    from agreements.documents import render_agreement_pdf
    from agreements.models import AgreementVersion
    from agreements.signatures import signing_plan
    from agreements.signing.backends import get_backend
    from agreements.signing.pades import sign_increment

    version = AgreementVersion.objects.filter(status="awaiting_signatures").first()
    if version is not None:
        timed(
            "render agreement PDF (WeasyPrint)",
            lambda: render_agreement_pdf(version, signing_plan=signing_plan(version)),
            repeat=3,
        )
        pdf, _h = render_agreement_pdf(version, signing_plan=signing_plan(version))
        signer = get_backend().signer_for(version.agreement.municipality)
        timed(
            "one PAdES signature (pyHanko, RSA-2048)",
            lambda: sign_increment(
                pdf,
                signer=signer,
                field_name="Bench",
                slot=0,
                stamp_text="Bench",
                reason="Bench",
                signer_name="Bench",
            ),
            repeat=3,
        )


if __name__ == "__main__":
    main()
