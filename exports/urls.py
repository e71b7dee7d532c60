from django.urls import path

from . import views

app_name = "exports"

urlpatterns = [
    path("export/", views.ExportIndexView.as_view(), name="index"),
    path("export/<int:pk>/", views.PrincipalExportView.as_view(), name="principal"),
    path(
        "export/<int:pk>/ladda-ner/",
        views.PrincipalExportDownloadView.as_view(),
        name="download",
    ),
]
