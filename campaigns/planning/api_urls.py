from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("campaigns", api.CampaignViewSet, basename="campaign")
router.register("goals", api.GoalViewSet, basename="goal")
router.register("kpis", api.KPIViewSet, basename="kpi")
router.register("phases", api.PhaseViewSet, basename="phase")
router.register("milestones", api.MilestoneViewSet, basename="milestone")

urlpatterns = router.urls
