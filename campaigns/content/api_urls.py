from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("content-items", api.ContentItemViewSet, basename="content-item")
router.register("media-assets", api.MediaAssetViewSet, basename="media-asset")

urlpatterns = router.urls
