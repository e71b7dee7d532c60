from django.urls import URLPattern, URLResolver, path

from domain.deviations import Action

from . import views

app_name = "deviations"

urlpatterns: list[URLPattern | URLResolver] = [
    path("avvikelser/", views.DeviationListView.as_view(), name="deviation_list"),
    path("avvikelser/ny/", views.DeviationCreateView.as_view(), name="deviation_create"),
    path("avvikelser/<int:pk>/", views.DeviationDetailView.as_view(), name="deviation_detail"),
    path(
        "avvikelser/<int:pk>/ta-emot/",
        views.step_view(Action.RECEIVE).as_view(),
        name="deviation_receive",
    ),
    path(
        "avvikelser/<int:pk>/svara/",
        views.step_view(Action.ANSWER).as_view(),
        name="deviation_answer",
    ),
    path(
        "avvikelser/<int:pk>/lyft/",
        views.step_view(Action.ESCALATE).as_view(),
        name="deviation_escalate",
    ),
    path(
        "avvikelser/<int:pk>/avsluta/",
        views.step_view(Action.CLOSE).as_view(),
        name="deviation_close",
    ),
    path(
        "avvikelser/<int:pk>/kommentera/",
        views.step_view(Action.COMMENT).as_view(),
        name="deviation_comment",
    ),
    path("avvikelser/omradesrapport/", views.AreaReportView.as_view(), name="area_report"),
    path(
        "avvikelser/omradesrapport/csv/",
        views.AreaReportCsvView.as_view(),
        name="area_report_csv",
    ),
]
