from rest_framework.routers import SimpleRouter

from . import api, api_risk

router = SimpleRouter()
router.register("compliance/check", api.CheckViewSet, basename="compliance-check")
router.register("compliance/checks", api.ContentCheckViewSet, basename="compliance-content-check")
router.register("compliance/filings", api.PromotionFilingViewSet, basename="compliance-filing")
router.register("compliance/rules", api.RuleViewSet, basename="compliance-rule")
api_risk.register(router)

urlpatterns = [*router.urls, *api_risk.extra_urlpatterns]
