from django.urls import path

from . import views, views_logreview

app_name = "dashboard"

urlpatterns = [
    path("oversikt/", views.OverviewView.as_view(), name="overview"),
    path("oversikt/tidsfrister/", views.DeadlineListView.as_view(), name="deadline_list"),
    path("oversikt/logg/", views_logreview.LogReviewView.as_view(), name="logreview"),
    path(
        "oversikt/logg/loggkontroll.csv",
        views_logreview.LogReviewExportView.as_view(),
        name="logreview_export",
    ),
    path("mina-tidsfrister/", views.MyDeadlinesView.as_view(), name="my_deadlines"),
    path(
        "mina-tidsfrister/paminnelser/",
        views.ReminderPreferenceView.as_view(),
        name="reminder_preferences",
    ),
    path("mina-tidsfrister/kalender/", views.CalendarRenewView.as_view(), name="calendar_renew"),
    path("kalender/<str:token>.ics", views.CalendarFeedView.as_view(), name="calendar_feed"),
]
