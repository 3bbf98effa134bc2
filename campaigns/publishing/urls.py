from django.urls import path

from . import views

app_name = "publishing"

urlpatterns = [
    path("", views.calendar_view, name="calendar"),
    path("publications/", views.publication_list, name="publication_list"),
    path("publications/<int:pk>/", views.publication_detail, name="publication_detail"),
    path("publications/<int:pk>/move/", views.publication_move, name="publication_move"),
    path(
        "publications/<int:pk>/reschedule/", views.publication_reschedule,
        name="publication_reschedule",
    ),
    path("publications/<int:pk>/cancel/", views.publication_cancel, name="publication_cancel"),
    path("publications/<int:pk>/retry/", views.publication_retry, name="publication_retry"),
    path("publications/<int:pk>/check/", views.publication_check, name="publication_check"),
    path("items/<int:pk>/schedule/", views.item_schedule, name="item_schedule"),
    path("items/<int:pk>/drop/", views.item_drop, name="item_drop"),
    path("items/<int:pk>/unschedule/", views.item_unschedule, name="item_unschedule"),
    path("plans/", views.plan_list, name="plans"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/delete/", views.plan_delete, name="plan_delete"),
    path("slots/<int:pk>/delete/", views.slot_delete, name="slot_delete"),
]
