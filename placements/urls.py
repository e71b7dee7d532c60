from django.urls import path

from . import views, views_list

app_name = "placements"

urlpatterns = [
    path("placeringar/", views_list.PlacementListView.as_view(), name="placement_list"),
    path("barn/sok/", views.ChildSearchView.as_view(), name="child_search"),
    path("barn/ny/", views.ChildCreateView.as_view(), name="child_create"),
    path("barn/<int:pk>/", views.ChildDetailView.as_view(), name="child_detail"),
    path("barn/<int:pk>/andra/", views.ChildUpdateView.as_view(), name="child_update"),
    path(
        "barn/<int:child_pk>/personer/ny/",
        views.RelatedPersonCreateView.as_view(),
        name="related_person_create",
    ),
    path(
        "personer/<int:pk>/andra/",
        views.RelatedPersonUpdateView.as_view(),
        name="related_person_update",
    ),
    path(
        "barn/<int:child_pk>/placeringar/ny/",
        views.PlacementCreateView.as_view(),
        name="placement_create",
    ),
    path("placeringar/<int:pk>/", views.PlacementDetailView.as_view(), name="placement_detail"),
    path(
        "placeringar/<int:pk>/andra/", views.PlacementUpdateView.as_view(), name="placement_update"
    ),
    path(
        "placeringar/<int:pk>/status/<str:target>/",
        views.PlacementTransitionView.as_view(),
        name="placement_transition",
    ),
    path(
        "placeringar/<int:placement_pk>/halsoundersokningar/ny/",
        views.HealthExamCreateView.as_view(),
        name="health_exam_create",
    ),
    path(
        "placeringar/<int:placement_pk>/uppfoljningar/ny/",
        views.PlacementFollowUpCreateView.as_view(),
        name="placement_follow_up_create",
    ),
    path(
        "placeringar/<int:placement_pk>/uppfoljning-efter-placering/",
        views.PostPlacementFollowUpView.as_view(),
        name="post_placement_follow_up",
    ),
    path(
        "halsoundersokningar/<int:pk>/andra/",
        views.HealthExamUpdateView.as_view(),
        name="health_exam_update",
    ),
]
