from rest_framework.routers import SimpleRouter

from .api import evaluation, ingest

router = SimpleRouter()
ingest.register(router)
evaluation.register(router)

urlpatterns = [*router.urls, *ingest.extra_urlpatterns, *evaluation.extra_urlpatterns]
