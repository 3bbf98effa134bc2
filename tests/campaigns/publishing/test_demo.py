"""Demo calendar: registered after content, idempotent, published through the sandbox."""

import pytest
from django.utils import timezone

from campaigns.publishing.models import Publication, PublishingPlan, Slot
from campaigns.publishing.models import PublicationStatus as P
from platforms.models import SandboxPost
from teams.demo import DemoContext, demo_seeders

pytestmark = pytest.mark.django_db


def test_demo_seeder_runs_after_content():
    names = [name for name, _ in demo_seeders()]
    assert names.index("content") < names.index("publishing")


def _seed_all(team, other_team, users) -> None:
    for _name, seeder in demo_seeders():
        if _name in ("platforms", "campaigns", "content", "publishing"):
            seeder(DemoContext(team=team, users=users, other_team=other_team))


def test_demo_fills_this_month_with_a_plan_and_real_sandbox_posts(
    team, other_team, users, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    _seed_all(team, other_team, users)
    counts = (Publication.objects.count(), PublishingPlan.objects.count(), Slot.objects.count(),
              SandboxPost.objects.count())

    _seed_all(team, other_team, users)

    assert counts == (Publication.objects.count(), PublishingPlan.objects.count(),
                      Slot.objects.count(), SandboxPost.objects.count())
    assert PublishingPlan.objects.filter(team=team).count() >= 1
    published = Publication.objects.filter(team=team, status=P.PUBLISHED)
    assert published.count() >= 3
    posted = set(SandboxPost.objects.values_list("external_id", flat=True))
    assert all(p.external_id in posted and p.url for p in published)
    month = timezone.localtime(timezone.now(), team.zone).month
    assert {timezone.localtime(p.scheduled_at, team.zone).month for p in published} == {month}
    assert Publication.objects.filter(team=team, status=P.SCHEDULED).count() >= 3
    assert Slot.objects.filter(plan__team=team, item__isnull=False).count() == 1
    assert Slot.objects.filter(plan__team=team, item__isnull=True).exists()
