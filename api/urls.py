from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver, path, re_path
from drf_spectacular.views import SpectacularAPIView

from . import views, views_admin, views_docs

app_name = "api"


def _api(view_class: Any) -> Callable[..., HttpResponseBase]:
    """An API view: bearer tokens only, so the sign-in redirect of the pages does not apply."""
    view: Callable[..., HttpResponseBase] = view_class.as_view()
    return login_not_required(view)


# The API itself (bearer tokens of system accounts). Every pattern with an id takes ``pk``:
# the cross-organisation matrix in tests/api walks them all.
v1 = [
    path("api/v1/children/", _api(views.ChildList), name="child_list"),
    path("api/v1/children/<int:pk>/", _api(views.ChildDetail), name="child_detail"),
    path("api/v1/placements/", _api(views.PlacementList), name="placement_list"),
    path("api/v1/placements/<int:pk>/", _api(views.PlacementDetail), name="placement_detail"),
    path(
        "api/v1/placements/<int:pk>/health-examinations/",
        _api(views.HealthExaminationCreate),
        name="health_examination_create",
    ),
    path(
        "api/v1/placements/<int:pk>/statement/",
        _api(views.PlacementStatement),
        name="placement_statement",
    ),
    path("api/v1/sips/", _api(views.SipList), name="sip_list"),
    path("api/v1/sips/<int:pk>/", _api(views.SipDetail), name="sip_detail"),
    path("api/v1/cost-meetings/", _api(views.CostMeetingList), name="cost_meeting_list"),
    path(
        "api/v1/cost-meetings/<int:pk>/", _api(views.CostMeetingDetail), name="cost_meeting_detail"
    ),
    path("api/v1/agreements/", _api(views.AgreementList), name="agreement_list"),
    path("api/v1/agreements/<int:pk>/", _api(views.AgreementDetail), name="agreement_detail"),
    path(
        "api/v1/agreement-versions/<int:pk>/document/",
        _api(views.VersionDocument),
        name="version_document",
    ),
    path("api/v1/deadlines/", _api(views.DeadlineList), name="deadline_list"),
    path("api/v1/deadlines/<int:pk>/", _api(views.DeadlineDetail), name="deadline_detail"),
    path("api/v1/deviations/", _api(views.DeviationList), name="deviation_list"),
    path("api/v1/deviations/<int:pk>/", _api(views.DeviationDetail), name="deviation_detail"),
    path("api/v1/statements/pair/", _api(views.PairStatement), name="pair_statement"),
    # Anything else under /api/v1/ is the API's JSON 404.
    re_path(r"^api/v1/", _api(views.NotFoundView), name="not_found"),
]

urlpatterns: list[URLPattern | URLResolver] = [
    *v1,
    # The schema and its documentation page: for signed-in people (the pages' sign-in).
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", views_docs.ApiDocsView.as_view(), name="docs"),
    # Token administration (a principal's administrators).
    path("api-atkomst/", views_admin.AccountListView.as_view(), name="account_list"),
    path(
        "api-atkomst/nytt-systemkonto/",
        views_admin.AccountCreateView.as_view(),
        name="account_create",
    ),
    path(
        "api-atkomst/systemkonton/<int:pk>/",
        views_admin.AccountDetailView.as_view(),
        name="account_detail",
    ),
    path(
        "api-atkomst/nycklar/<int:pk>/aterkalla/",
        views_admin.TokenRevokeView.as_view(),
        name="token_revoke",
    ),
]
