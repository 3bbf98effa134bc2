from rest_framework.routers import SimpleRouter

from . import api_risk

router = SimpleRouter()
api_risk.register(router)

urlpatterns = [*router.urls, *api_risk.extra_urlpatterns]
