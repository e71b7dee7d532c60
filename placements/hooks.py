"""What the placement services ask of the layers above them, without importing them.

Placements sit below agreements (the import-linter layers contract), yet two placement rules
need the agreement: a planned placement starts only with a signed agreement (R-PLAC-2), and the
end of a placement ends its agreement. The agreements app registers both in its
``AppConfig.ready``; a placement service calls them here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.dispatch import Signal

# Sent inside the transaction that ends or cancels a placement, with ``user``, ``placement``
# (locked, already saved with its new status) and ``on`` (the date). A receiver that raises
# rolls the whole change back.
placement_closed = Signal()

_agreement_signed: Callable[[Any], bool] | None = None


def register_agreement_signed(check: Callable[[Any], bool]) -> None:
    """The agreements app says how to know that a placement's agreement is signed (R-PLAC-2)."""
    global _agreement_signed
    _agreement_signed = check


def agreement_signed(placement: Any) -> bool:
    """Whether both principals have signed the placement's agreement (R-PLAC-2).

    Refuses to answer rather than guess when no app registered the check: a planned placement
    must never start because the question could not be asked.
    """
    if _agreement_signed is None:
        raise ImproperlyConfigured("No app registered the agreement check of R-PLAC-2.")
    return _agreement_signed(placement)
