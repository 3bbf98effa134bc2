from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("compliance/incidents", api.IncidentViewSet, basename="risk-incident")
router.register("compliance/emergency-plans", api.EmergencyPlanViewSet, basename="risk-plan")
router.register("compliance/drills", api.DrillViewSet, basename="risk-drill")

urlpatterns = [*router.urls, *api.extra_urlpatterns]
