from django.urls import path

from . import views

app_name = "advertising"

urlpatterns: list = [
    path("checker/", views.checker, name="checker"),
    path("checks/", views.check_list, name="check_list"),
    path("checks/<int:pk>/", views.check_detail, name="check_detail"),
    path("checks/<int:pk>/override/", views.check_override, name="check_override"),
    path("filings/", views.filing_list, name="filing_list"),
    path("filings/new/", views.filing_create, name="filing_create"),
    path("filings/<int:pk>/", views.filing_detail, name="filing_detail"),
    path("filings/<int:pk>/edit/", views.filing_edit, name="filing_edit"),
    path("filings/<int:pk>/delete/", views.filing_delete, name="filing_delete"),
    path("filings/<int:pk>/documents/", views.filing_document_add, name="filing_document_add"),
    path(
        "filings/<int:pk>/documents/<int:document_pk>/file/", views.filing_document_file,
        name="filing_document_file",
    ),
]
