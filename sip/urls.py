from django.urls import path

from . import views

app_name = "sip"

urlpatterns = [
    path("barn/<int:child_pk>/sip/ny/", views.SipCreateView.as_view(), name="sip_create"),
    path("sip/<int:pk>/", views.SipDetailView.as_view(), name="sip_detail"),
    path("sip/<int:pk>/pdf/", views.SipPdfView.as_view(), name="sip_pdf"),
    path("sip/<int:sip_pk>/samtycke/ny/", views.ConsentCreateView.as_view(), name="consent_create"),
    path("samtycke/<int:pk>/aterkalla/", views.ConsentRevokeView.as_view(), name="consent_revoke"),
    path(
        "sip/<int:sip_pk>/inbjudningar/ny/",
        views.InvitationCreateView.as_view(),
        name="invitation_create",
    ),
    path("inbjudningar/", views.InvitationInboxView.as_view(), name="invitation_inbox"),
    path(
        "inbjudningar/<int:pk>/svara/",
        views.InvitationRespondView.as_view(),
        name="invitation_respond",
    ),
    path("sip/<int:sip_pk>/moten/ny/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("moten/<int:pk>/genomfort/", views.MeetingHeldView.as_view(), name="meeting_held"),
    path("sip/<int:sip_pk>/jamfor/", views.PlanCompareView.as_view(), name="plan_compare"),
]
