"""The one piece between a form, a service and the domain rules (issue 12).

Every form view that saves through a service subclasses ``ServiceFormMixin`` and implements
``perform(form)``: the service call. A ``RuleViolation`` (or several, ``RuleViolations``) goes
to the field it names, or above the form, in Swedish, and the form is shown again with what
the user typed; success shows ``success_message`` and redirects to ``get_success_url()``,
which may use ``self.result`` (what ``perform`` returned).

The template side is ``includes/form_page.html``: the error summary at the top that takes
focus and links to each field, then the form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.functional import Promise

from domain.errors import RuleViolation

from .forms import add_rule_error


@dataclass(frozen=True)
class Outcome:
    """What ``submit`` did: ``ok`` when the service ran, with what it returned."""

    ok: bool
    result: Any = None


def submit(
    request: HttpRequest,
    form: BaseForm,
    perform: Callable[[], Any],
    *,
    success_message: str = "",
    level: int = messages.SUCCESS,
    valid: bool = True,
) -> Outcome:
    """The same piece for views that are not generic form views (several forms or formsets
    on one page): validate, call the service, route rule violations to the form.
    ``valid=False`` says that another part of the page (a formset) did not validate."""
    if not (form.is_valid() and valid):
        return Outcome(ok=False)
    try:
        result = perform()
    except RuleViolation as violation:
        add_rule_error(form, violation)
        return Outcome(ok=False)
    if success_message:
        messages.add_message(request, level, success_message)
    return Outcome(ok=True, result=result)


class ServiceFormMixin:
    success_message: str | Promise = ""  # gettext_lazy is welcome
    result: Any = None
    # The service call of the view: every subclass defines ``def perform(self, form)``.
    perform: Callable[[Any], Any]

    def get_success_message(self) -> str:
        return str(self.success_message)

    def form_valid(self, form: BaseForm) -> HttpResponse:
        try:
            self.result = self.perform(form)
        except RuleViolation as violation:
            add_rule_error(form, violation)
            return self.form_invalid(form)  # type: ignore[attr-defined, no-any-return]
        if isinstance(self.result, HttpResponse):
            return self.result
        message = self.get_success_message()
        if message:
            messages.success(self.request, message)  # type: ignore[attr-defined]
        return HttpResponseRedirect(self.get_success_url())  # type: ignore[attr-defined]
