from django.urls import path

from . import views_risk

urlpatterns: list = [
    path("incidents/", views_risk.incident_list, name="incident_list"),
    path("incidents/<int:pk>/", views_risk.incident_detail, name="incident_detail"),
    path("incidents/<int:pk>/updates/", views_risk.incident_add_update, name="incident_update"),
    path("incidents/<int:pk>/status/", views_risk.incident_status, name="incident_status"),
    path("incidents/<int:pk>/steps/<int:step_pk>/", views_risk.incident_step,
         name="incident_step"),
    path("plans/", views_risk.plan_list, name="plan_list"),
    path("plans/new/", views_risk.plan_edit, name="plan_create"),
    path("plans/<int:pk>/", views_risk.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views_risk.plan_edit, name="plan_edit"),
    path("drills/", views_risk.drill_list, name="drill_list"),
    path("drills/<int:pk>/run/", views_risk.drill_run, name="drill_run"),
    path("privacy/", views_risk.privacy, name="privacy"),
    path("privacy/consents/<int:pk>/withdraw/", views_risk.consent_withdraw,
         name="consent_withdraw"),
    path("privacy/requests/<int:pk>/status/", views_risk.dsr_status, name="dsr_status"),
    path("privacy/requests/<int:pk>/export/", views_risk.dsr_export, name="dsr_export"),
]
