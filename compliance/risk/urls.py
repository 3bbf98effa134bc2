from django.urls import path

from . import views

app_name = "risk"

urlpatterns: list = [
    path("incidents/", views.incident_list, name="incident_list"),
    path("incidents/<int:pk>/", views.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/updates/", views.incident_add_update, name="incident_update"),
    path("incidents/<int:pk>/status/", views.incident_status, name="incident_status"),
    path("incidents/<int:pk>/steps/<int:step_pk>/", views.incident_step, name="incident_step"),
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/new/", views.plan_edit, name="plan_create"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("drills/", views.drill_list, name="drill_list"),
    path("drills/<int:pk>/run/", views.drill_run, name="drill_run"),
]
