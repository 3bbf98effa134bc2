from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_create, name="create"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/goals/", views.campaign_goals, name="goals"),
    path("<int:pk>/goals/<int:goal_pk>/delete/", views.goal_delete, name="goal_delete"),
    path("<int:pk>/kpis/<int:kpi_pk>/delete/", views.kpi_delete, name="kpi_delete"),
    path("<int:pk>/kpis/<int:kpi_pk>/edit/", views.kpi_edit, name="kpi_edit"),
    path("<int:pk>/phases/", views.campaign_phases, name="phases"),
    path("<int:pk>/phases/<int:phase_pk>/delete/", views.phase_delete, name="phase_delete"),
    path(
        "<int:pk>/milestones/<int:milestone_pk>/toggle/", views.milestone_toggle,
        name="milestone_toggle",
    ),
    path("<int:pk>/transition/", views.campaign_transition, name="transition"),
    path("<int:pk>/submit/", views.campaign_submit, name="submit"),
    path("<int:pk>/duplicate/", views.campaign_duplicate, name="duplicate"),
    path("milestones/<int:pk>/", views.milestone_open, name="milestone_open"),
]
