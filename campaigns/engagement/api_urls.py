from rest_framework.routers import SimpleRouter

from . import api

router = SimpleRouter()
router.register("interactions", api.InteractionViewSet, basename="engagement-interaction")
router.register("reply-templates", api.ReplyTemplateViewSet, basename="engagement-template")
router.register("response-policy", api.ResponsePolicyViewSet, basename="engagement-policy")
router.register("lotteries", api.LotteryViewSet, basename="engagement-lottery")
router.register("polls", api.PollViewSet, basename="engagement-poll")
router.register("questions", api.QuestionViewSet, basename="engagement-question")
router.register("segments", api.SegmentViewSet, basename="engagement-segment")

urlpatterns = router.urls
