from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("teams", api.TeamViewSet, basename="team")
router.register("tasks", api.TaskViewSet, basename="task")
router.register("me", api.MeViewSet, basename="me")

urlpatterns = router.urls
