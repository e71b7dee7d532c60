"""The API documentation page: every operation listed by the server (no script needed), and
Swagger UI from the sidecar's local files with its initialiser in a static file of ours
(the Content-Security-Policy stays strict: no CDN, no inline script)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.views.generic import TemplateView
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")


class ApiDocsView(TemplateView):
    template_name = "api/docs.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        schema = SchemaGenerator().get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
        operations = []
        for path, item in schema["paths"].items():
            for method in METHODS:
                if method in item:
                    op = item[method]
                    operations.append(
                        {
                            "method": method.upper(),
                            "path": path,
                            "summary": op.get("summary") or op.get("operationId", ""),
                            "statuses": ", ".join(sorted(op.get("responses", {}))),
                        }
                    )
        context.update(
            operations=operations,
            schema_url=reverse("api:schema"),
            title=schema["info"]["title"],
            version=schema["info"]["version"],
        )
        return context
