"""Issue 13: the chunked deadline rebuild stores exactly the rows the incremental updates store,
with a number of queries that depends on the number of chunks, not of objects."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import Dispute
from dashboard import sync
from dashboard.models import Deadline
from placements.models import Placement
from sip.models import Sip
from tests.core.test_seed_national import DEADLINE_FIELDS as FIELDS


def _rows() -> list[tuple]:
    return sorted(Deadline.objects.values_list(*FIELDS))


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())


def test_chunked_rebuild_gives_the_rows_of_the_incremental_updates(demo):
    for pk in Placement.objects.values_list("pk", flat=True):
        sync.refresh_placement(pk)
    for pk in Sip.objects.values_list("pk", flat=True):
        sync.refresh_sip(pk)
    for pk in Dispute.objects.values_list("pk", flat=True):
        sync.refresh_dispute(pk)
    expected = _rows()
    assert any(row[0].startswith("dispute") for row in expected)  # the demo's dispute
    assert len(expected) > 20
    Deadline.objects.all().delete()

    count = sync.rebuild_all(chunk_size=3)

    assert count == len(expected)
    assert _rows() == expected


def test_rebuild_replaces_stale_rows_and_its_queries_grow_with_chunks_not_objects(demo):
    sync.rebuild_all()
    stale = Deadline.objects.filter(key__startswith="placement:").first()
    Deadline.objects.filter(pk=stale.pk).update(due_on="2000-01-01")
    placements, sips, disputes = (
        Placement.objects.count(),
        Sip.objects.count(),
        Dispute.objects.count(),
    )

    with CaptureQueriesContext(connection) as one_chunk:
        sync.rebuild_all(chunk_size=10_000)
    with CaptureQueriesContext(connection) as small_chunks:
        sync.rebuild_all(chunk_size=2)

    assert not Deadline.objects.filter(due_on="2000-01-01").exists()
    chunks = -(-placements // 2) + -(-sips // 2) + -(-disputes // 2)
    # A fixed number of queries per chunk (prefetches, delete, insert), none per object.
    assert len(one_chunk) <= 26
    assert len(small_chunks) <= 12 * chunks
    assert placements + sips > chunks  # the bound above would not hold per object
