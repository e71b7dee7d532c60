from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.se import orgnr


def normalise_organisation_number(value: str) -> str:
    """Return the organisation number as NNNNNN-NNNN, or raise ValidationError in Swedish."""
    try:
        compact = orgnr.validate(value)
    except Exception as exc:  # stdnum raises several ValidationError subclasses
        raise ValidationError(
            _("Enter a valid Swedish organisation number (NNNNNN-NNNN)."), code="invalid"
        ) from exc
    return orgnr.format(compact)


def validate_organisation_number(value: str) -> None:
    normalise_organisation_number(value)
