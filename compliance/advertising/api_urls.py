from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("compliance/check", api.CheckViewSet, basename="advertising-check")
router.register("compliance/checks", api.ContentCheckViewSet, basename="advertising-content-check")
router.register("compliance/filings", api.PromotionFilingViewSet, basename="advertising-filing")
router.register("compliance/rules", api.RuleViewSet, basename="advertising-rule")

urlpatterns = router.urls
