"""The Django choices mirror the domain layer's enums (placements.models says a test keeps them
equal: this is that test)."""

from __future__ import annotations

import pytest

from domain import placements as rules
from placements import models


@pytest.mark.parametrize(
    ("choices", "enum"),
    [
        (models.PlacementStatus, rules.PlacementStatus),
        (models.PlacementForm, rules.PlacementForm),
        (models.LegalBasis, rules.LegalBasis),
        (models.ExamKind, rules.ExamKind),
    ],
    ids=["status", "form", "legal-basis", "exam-kind"],
)
def test_django_choices_equal_the_domain_enum(choices, enum):
    assert set(choices.values) == {member.value for member in enum}
