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

from typing import Any

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpResponse, HttpResponseRedirect

from domain.errors import RuleViolation

from .forms import add_rule_error


class ServiceFormMixin:
    success_message: str = ""
    result: Any = None

    def perform(self, form: Any) -> Any:  # pragma: no cover - each view implements it
        raise NotImplementedError

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
