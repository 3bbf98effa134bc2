"""Demo content: registered, idempotent, one item in every status content owns."""

import pytest

from campaigns.content import demo
from campaigns.content.models import ContentItem, ContentVersion, MediaAsset
from campaigns.content.models import ContentStatus as S
from campaigns.planning import demo as planning_demo
from platforms import demo as platforms_demo
from teams.demo import DemoContext, demo_seeders
from teams.models import Task


@pytest.fixture
def ctx(team, other_team, users, outsider):
    context = DemoContext(team=team, users=users, other_team=other_team)
    platforms_demo.seed(context)
    planning_demo.seed(context)
    return context


def test_the_seeder_runs_after_campaigns_and_before_publishing():
    names = [name for name, _ in demo_seeders()]

    assert names.index("campaigns") < names.index("content")
    if "publishing" in names:
        assert names.index("content") < names.index("publishing")


def test_demo_content_covers_every_status_content_owns_and_is_idempotent(ctx, team, other_team):
    demo.seed(ctx)
    counts = (ContentItem.objects.count(), ContentVersion.objects.count(),
              MediaAsset.objects.count(), Task.objects.count())
    demo.seed(ctx)

    assert counts == (ContentItem.objects.count(), ContentVersion.objects.count(),
                      MediaAsset.objects.count(), Task.objects.count())
    statuses = set(ContentItem.objects.filter(team=team).values_list("status", flat=True))
    assert statuses == {S.DRAFT, S.IN_REVIEW, S.CHANGES_REQUESTED, S.APPROVED, S.EXPIRED,
                        S.WITHDRAWN}
    blocked = ContentItem.objects.get(title="春茶限时抢购")
    assert (blocked.status, blocked.blocked_version) == (S.DRAFT, 1)
    approved = ContentItem.objects.get(title="品牌故事：一杯好茶的旅程")
    assert (approved.version, approved.approved_by) == (2, ctx.users["reviewer"])
    assert approved.variants.count() == 2
    expired = ContentItem.objects.get(title="门店品鉴会回顾")
    assert Task.objects.filter(owner=ctx.users["marketer"], dedup_key__startswith=(
        f"content-expired:{expired.pk}:"
    )).count() == 1
    assert ContentItem.objects.filter(team=other_team).count() == 1
