from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("oversikt/", views.OverviewView.as_view(), name="overview"),
    path("mina-tidsfrister/", views.MyDeadlinesView.as_view(), name="my_deadlines"),
    path(
        "mina-tidsfrister/paminnelser/",
        views.ReminderPreferenceView.as_view(),
        name="reminder_preferences",
    ),
    path("mina-tidsfrister/kalender/", views.CalendarRenewView.as_view(), name="calendar_renew"),
    path("kalender/<str:token>.ics", views.CalendarFeedView.as_view(), name="calendar_feed"),
]
