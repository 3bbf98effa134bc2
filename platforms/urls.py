from django.urls import path

from . import views

app_name = "platforms"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("recommend/", views.recommend, name="recommend"),
    path("accounts/", views.account_list, name="account_list"),
    path("accounts/new/", views.account_create, name="account_create"),
    path("accounts/<int:pk>/", views.account_detail, name="account_detail"),
    path("accounts/<int:pk>/edit/", views.account_edit, name="account_edit"),
    path("accounts/<int:pk>/documents/", views.document_add, name="document_add"),
    path(
        "accounts/<int:pk>/documents/<int:document_pk>/file/", views.document_file,
        name="document_file",
    ),
    path("accounts/<int:pk>/verification/", views.account_verify, name="account_verify"),
    path("accounts/<int:pk>/health/", views.account_health, name="account_health"),
    path("accounts/<int:pk>/health/check/", views.account_health_check, name="account_health_check"),
    path("<slug:code>/", views.platform_detail, name="detail"),
]
