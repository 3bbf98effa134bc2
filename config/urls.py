from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import APIRootView

from analytics.views.ingest import tracking_urlpatterns
from teams.views.home import home

from . import health
from .forms import LoginForm

PROJECT_APPS = settings.PROJECT_APPS


class CampaignOpsAPIRoot(APIRootView):
    """CampaignOps API, version 1. Authenticate with a session or `Authorization: Token …`."""


def _api_root_entries() -> dict:
    from importlib import import_module

    entries = {}
    for app in PROJECT_APPS:
        router = getattr(import_module(f"{app}.api_urls"), "router", None)
        if router is not None:
            for prefix, _viewset, basename in router.registry:
                entries[prefix] = f"{basename}-list"
    return entries


api_v1 = [
    path("", CampaignOpsAPIRoot.as_view(api_root_dict=_api_root_entries()), name="api-root"),
    *[path("", include(f"{app}.api_urls")) for app in PROJECT_APPS],
]

urlpatterns = [
    path("", home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("i18n/catalog.js", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script from its own URL
    # (``?script``), which ``script-src 'self'`` allows; an inline one is blocked.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("team/", include("teams.urls")),
    path("platforms/", include("platforms.urls")),
    path("compliance/", include("compliance.advertising.urls")),
    path("compliance/", include("compliance.risk.urls")),
    path("compliance/privacy/", include("compliance.privacy.urls")),
    path("campaigns/", include("campaigns.planning.urls")),
    path("content/", include("campaigns.content.urls")),
    path("calendar/", include("campaigns.publishing.urls")),
    path("engagement/", include("campaigns.engagement.urls")),
    path("analytics/", include("analytics.urls")),
    # First-party tracking links: public, short, no login (analytics.views.ingest).
    path("t/", include((tracking_urlpatterns, "tracking"))),
]

handler404 = "config.views.not_found"
handler500 = "config.views.server_error"
