from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("teams", api.TeamViewSet, basename="team")
router.register("tasks", api.TaskViewSet, basename="task")
router.register("me", api.MeViewSet, basename="me")
router.register("team-tasks", api.TeamTaskViewSet, basename="team-task")
router.register("task-suggestions", api.TaskSuggestionViewSet, basename="task-suggestion")
router.register("members", api.MemberViewSet, basename="member")
router.register("skill-requirements", api.RequirementViewSet, basename="skill-requirement")
router.register("skill-gaps", api.SkillGapViewSet, basename="skill-gap")
router.register("responsibilities", api.ResponsibilityViewSet, basename="responsibility")
router.register("meetings", api.MeetingViewSet, basename="meeting")
router.register("meeting-series", api.MeetingSeriesViewSet, basename="meeting-series")
router.register("calendar-feed", api.CalendarFeedViewSet, basename="calendar-feed")
router.register("training-plans", api.TrainingPlanViewSet, basename="training-plan")
router.register("training-attendance", api.TrainingAttendanceViewSet,
                basename="training-attendance")
router.register("notifications", api.NotificationViewSet, basename="notification")
router.register("notification-settings", api.NotificationSettingsViewSet,
                basename="notification-settings")

urlpatterns = router.urls
