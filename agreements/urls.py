from django.urls import path

from . import dispute_views, signing_views, views

app_name = "agreements"

urlpatterns = [
    path(
        "placeringar/<int:placement_pk>/kostnadsmote/ny/",
        views.CostMeetingCreateView.as_view(),
        name="cost_meeting_create",
    ),
    path(
        "placeringar/<int:placement_pk>/overenskommelse/ny/",
        views.AgreementCreateView.as_view(),
        name="agreement_create",
    ),
    path(
        "placeringar/<int:placement_pk>/kostnader/",
        views.PlacementStatementView.as_view(),
        name="placement_statement",
    ),
    path(
        "overenskommelser/<int:pk>/", views.AgreementDetailView.as_view(), name="agreement_detail"
    ),
    path(
        "overenskommelser/<int:pk>/ny-version/",
        views.AgreementNewVersionView.as_view(),
        name="agreement_new_version",
    ),
    path("versioner/<int:pk>/andra/", views.VersionEditView.as_view(), name="version_edit"),
    path("versioner/<int:pk>/skicka/", views.VersionSendView.as_view(), name="version_send"),
    path("versioner/<int:pk>/omprovning/", views.JointReviewView.as_view(), name="version_review"),
    path("kostnadsfordelning/", views.PairStatementView.as_view(), name="statement_pair"),
    # R-DISP-1: disputes between the principals.
    path("tvister/", dispute_views.DisputeListView.as_view(), name="dispute_list"),
    path(
        "overenskommelser/<int:pk>/tvist/",
        dispute_views.DisputeOpenView.as_view(),
        name="dispute_open",
    ),
    path("tvister/<int:pk>/", dispute_views.DisputeDetailView.as_view(), name="dispute_detail"),
    path(
        "tvister/<int:pk>/vidare/",
        dispute_views.DisputeEscalateView.as_view(),
        name="dispute_escalate",
    ),
    path(
        "tvister/<int:pk>/lost/", dispute_views.DisputeResolveView.as_view(), name="dispute_resolve"
    ),
    path(
        "tvister/<int:pk>/rekommendation/",
        dispute_views.DisputeRecommendView.as_view(),
        name="dispute_recommend",
    ),
    path(
        "tvister/<int:pk>/kommentar/",
        dispute_views.DisputeCommentView.as_view(),
        name="dispute_comment",
    ),
    path("versioner/<int:pk>/signera/", signing_views.SignView.as_view(), name="version_sign"),
    path("versioner/<int:pk>/avboj/", signing_views.DeclineView.as_view(), name="version_decline"),
    path(
        "versioner/<int:pk>/dokument/",
        signing_views.DocumentDownloadView.as_view(),
        name="version_document",
    ),
    path("verifiera/", signing_views.VerifyView.as_view(), name="verify"),
    path("tvastegsverifiering/", signing_views.StepUpView.as_view(), name="step_up"),
]
