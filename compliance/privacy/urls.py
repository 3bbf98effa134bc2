from django.urls import path

from . import views

app_name = "privacy"

urlpatterns: list = [
    path("", views.privacy, name="ledger"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("requests/<int:pk>/status/", views.dsr_status, name="dsr_status"),
    path("requests/<int:pk>/export/", views.dsr_export, name="dsr_export"),
]
