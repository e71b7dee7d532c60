from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from core.views import LoginView, StartView
from organisations.views_account import AccountView
from organisations.views_totp import AuthenticatorEnrolView

admin.site.site_header = admin.site.site_title = "Placeringar – administration"

account_patterns = [
    path("", AccountView.as_view(), name="account"),
    path("logga-in/", LoginView.as_view(), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "losenord/byt/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "losenord/byt/klart/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("losenord/aterstall/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "losenord/aterstall/skickat/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "losenord/aterstall/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "losenord/aterstall/klart/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # Registering the authenticator app for signing (the step-up itself is the agreements
    # app's /tvastegsverifiering/).
    path(
        "autentiseringsapp/",
        AuthenticatorEnrolView.as_view(),
        name="authenticator_enrol",
    ),
]

urlpatterns = [
    path("", StartView.as_view(), name="start"),
    path("konto/", include(account_patterns)),
    path("sprak/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("placements.urls")),
    path("", include("sip.urls")),
    path("", include("agreements.urls")),
    path("", include("dashboard.urls")),
    path("", include("deviations.urls")),
    path("", include("followup.urls")),
    path("", include("exports.urls")),
    path("", include("api.urls")),
]
