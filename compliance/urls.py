from django.urls import path  # noqa: F401

from .urls_risk import urlpatterns as risk_urlpatterns

app_name = "compliance"

urlpatterns: list = [
    *risk_urlpatterns,
]
