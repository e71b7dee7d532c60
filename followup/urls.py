from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "followup"

urlpatterns: list[URLPattern | URLResolver] = [
    path("uppfoljning/", views.ReportView.as_view(), name="report"),
    path("uppfoljning/rapport.xlsx", views.ReportView.as_view(fmt="xlsx"), name="report_xlsx"),
    path("uppfoljning/rapport.pdf", views.ReportView.as_view(fmt="pdf"), name="report_pdf"),
]
