from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("compliance/consents", api.ConsentViewSet, basename="privacy-consent")
router.register("compliance/subject-requests", api.DataSubjectRequestViewSet,
                basename="privacy-dsr")

urlpatterns = router.urls
