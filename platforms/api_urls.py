from rest_framework.routers import SimpleRouter

from .api import PlatformAccountViewSet, PlatformViewSet

router = SimpleRouter()
router.register("platforms", PlatformViewSet, basename="platform")
router.register("platform-accounts", PlatformAccountViewSet, basename="platform-account")

urlpatterns = router.urls
