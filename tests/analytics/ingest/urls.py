"""The project's URLs with the public tracking endpoints mounted at /t/, as config.urls does."""

from django.urls import Resolver404, include, path, resolve

from analytics.views.ingest import tracking_urlpatterns
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = list(project_urlpatterns)
try:
    resolve("/t/abc", urlconf="config.urls")
except Resolver404:
    urlpatterns.append(path("t/", include((tracking_urlpatterns, "tracking"))))
