from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("publications", api.PublicationViewSet, basename="publication")
router.register("publishing-plans", api.PublishingPlanViewSet, basename="publishing-plan")
router.register("slots", api.SlotViewSet, basename="slot")

urlpatterns = router.urls
