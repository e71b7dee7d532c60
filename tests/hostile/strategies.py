"""Hypothesis strategies for what a hostile (or clumsy) user types into a form field.

Every strategy draws strings, as a browser sends them, or ``None`` for a field left out of the
request altogether. The values aim at the edges: overlong text, dates at and beyond the
plausible range (and beyond what ``datetime.date`` can hold), forged ids (0, -1, 2**63, 10**25,
another organisation's row) and choices that are not among the choices.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from hypothesis import strategies as st

LONG = 10_000
BIG_INTS = [0, -1, 2**31, 2**63 - 1, 2**63, 10**25]

OMIT = st.none()

_GARBAGE = st.sampled_from(
    ["", " ", "abc", "²", "١٢", "\u202e", "<script>alert(1)</script>", "' OR 1=1 --", "NaN"]
)

TEXT = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40),
    st.just("x" * LONG),
    st.just("å" * LONG),
    st.just("a\x00b"),
    _GARBAGE,
)

EXTREME_DATES = [
    "9999-12-31",
    "0001-01-01",
    "1899-12-31",
    "1900-01-01",
    "2100-12-31",
    "2101-01-01",
    "2026-02-29",
    "2028-02-29",
    "2026-13-01",
    "2026-00-10",
    "10000-01-01",
    "31/12/9999",
    "12/31/9999",
    "2026-5-15",
]

DATE = st.one_of(
    st.sampled_from(EXTREME_DATES),
    # Near "today" (15 May 2026), where the forms mostly validate and the services run.
    st.dates(date(2025, 1, 1), date(2027, 12, 31)).map(date.isoformat),
    st.dates().map(date.isoformat),
    _GARBAGE,
    st.just("9" * LONG),
)

MONTH = st.one_of(
    st.sampled_from(["9999-12", "0001-01", "1899-12", "1900-01", "2100-12", "2101-01", "2026-13"]),
    st.dates(date(2025, 1, 1), date(2027, 12, 31)).map(lambda d: f"{d:%Y-%m}"),
    st.dates().map(lambda d: f"{d:%Y-%m}"),
    DATE,
)

_TIMES = st.sampled_from(["T00:00", "T09:30", "T23:59", " 13:00", "T25:00", "T12:00:00+14:00", ""])

DATETIME = st.one_of(
    st.tuples(DATE, _TIMES).map("".join),
    st.sampled_from(["9999-12-31T23:59", "0001-01-01T00:00", "0001-01-01T00:30"]),
)

BOOL = st.sampled_from(["on", "", "true", "false", "0", "x" * LONG])

AMOUNT = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
    st.sampled_from(
        ["1 234,50", "12,345", "1e400", "-1e400", "NaN", "Infinity", "-1", "9" * 40, "0,001"]
    ),
    _GARBAGE,
)


def ids(*valid: Any) -> st.SearchStrategy[str]:
    """A row id: one of ``valid`` (rows the user may pick or may not: pass another
    organisation's too), or a forged number, or not a number."""
    values = [str(getattr(v, "pk", v)) for v in valid if v is not None]
    return st.one_of(
        st.sampled_from(values) if values else st.nothing(),
        st.sampled_from([str(n) for n in BIG_INTS]),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        _GARBAGE,
    )


def choice(values: Iterable[str]) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(list(values)), TEXT)


def many(strategy: st.SearchStrategy[str], max_size: int = 4) -> st.SearchStrategy[list[str]]:
    return st.lists(strategy, max_size=max_size)


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """The field sent (mostly) or left out of the request."""
    return st.one_of(strategy, strategy, strategy, OMIT)


def management(prefix: str) -> dict[str, st.SearchStrategy[Any]]:
    """A formset's management form, forged too."""
    count = st.sampled_from(["0", "1", "2", "3", "1000", "-1", "abc", str(10**25)])
    return {
        f"{prefix}-TOTAL_FORMS": count,
        f"{prefix}-INITIAL_FORMS": st.sampled_from(["0", "1", "5", "abc"]),
        f"{prefix}-MIN_NUM_FORMS": optional(st.just("0")),
        f"{prefix}-MAX_NUM_FORMS": optional(st.sampled_from(["1000", str(10**25)])),
    }


def rows(prefix: str, fields: dict[str, st.SearchStrategy[Any]], n: int = 2) -> dict[str, Any]:
    """The fields of the first ``n`` forms of a formset."""
    return {f"{prefix}-{i}-{name}": s for i in range(n) for name, s in fields.items()}
