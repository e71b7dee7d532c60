"""A shim between hypothesis-jsonschema 0.23 (which schemathesis 3 generates objects with) and
the Hypothesis installed here: Hypothesis changed its private ``many`` helper from
``while elements.more(): … elements.reject()`` to ``with many(…) as elements: for _ in
elements: …``. hypothesis-jsonschema still calls the old form, and fails with "'many' object
has no attribute 'more'" on every operation with a JSON body or object. This gives it the old
form on top of the new one, for hypothesis-jsonschema only (Hypothesis itself keeps its own).
Remove it when hypothesis-jsonschema follows Hypothesis."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from hypothesis.internal.conjecture import utils as conjecture_utils


class LegacyMany(conjecture_utils.many):  # type: ignore[misc]
    def __init__(self, data: Any, min_size: int, max_size: Any, average_size: Any) -> None:
        super().__init__(data, min_size, max_size, average_size)
        self.__enter__()
        self._elements = iter(self)

    def more(self) -> bool:
        try:
            next(self._elements)
        except StopIteration:
            self.__exit__(None)
            return False
        return True


def install() -> None:
    if hasattr(conjecture_utils.many, "more"):
        return  # an older Hypothesis: nothing to do
    from hypothesis_jsonschema import _from_schema

    _from_schema.cu = SimpleNamespace(  # type: ignore[attr-defined]
        **{name: getattr(conjecture_utils, name) for name in dir(conjecture_utils)},
    )
    _from_schema.cu.many = LegacyMany
