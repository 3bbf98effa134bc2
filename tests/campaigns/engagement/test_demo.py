"""Engagement demo data: an inbox from the sandbox (some overdue, some negative), templates,
a policy, a finished lottery whose proof verify_draw accepts, a poll, segments; idempotent."""

import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from campaigns.engagement import draw
from campaigns.engagement.models import (
    Interaction,
    InteractionStatus,
    Lottery,
    LotteryStatus,
    Poll,
    ReplyTemplate,
    ResponsePolicy,
    Segment,
)
from teams.demo import DemoContext, demo_seeders
from teams.roles import Role
from tests.factories import TeamFactory, member

pytestmark = pytest.mark.django_db

# The seeders engagement's demo stands on; content and publishing are left out so
# this test does not depend on their demo.
NEEDED = ("platforms", "privacy", "compliance", "campaigns", "engagement")


def run(context):
    for name, seeder in demo_seeders():
        if name in NEEDED:
            seeder(context)


@pytest.fixture
def context():
    team = TeamFactory(name="演示品牌团队", slug="demo")
    users = {role: member(team, role, username=f"demo-{role}") for role in Role.values}
    return DemoContext(team=team, users=users, other_team=TeamFactory(name="其他", slug="o"))


def test_the_demo_fills_every_part_of_engagement_once(context, tmp_path):
    run(context)
    counts = [m.objects.count() for m in (Interaction, ReplyTemplate, ResponsePolicy, Lottery,
                                          Poll, Segment)]
    run(context)

    assert [m.objects.count() for m in (Interaction, ReplyTemplate, ResponsePolicy, Lottery,
                                        Poll, Segment)] == counts
    team = context.team
    now = timezone.now()
    open_items = Interaction.objects.filter(team=team).exclude(status=InteractionStatus.RESOLVED)
    assert open_items.filter(first_response_at__isnull=True, response_due_at__lt=now).exists()
    assert open_items.filter(sentiment_label="negative").exists()
    assert Interaction.objects.filter(team=team, replies__status="sent").exists()
    assert Interaction.objects.filter(team=team, first_response_at__isnull=False).count() > 5
    assert counts[1:3] == [4, 1]
    assert Segment.objects.filter(team=team).count() == 5

    lottery = Lottery.objects.get(team=team)
    assert lottery.status == LotteryStatus.DRAWN
    assert len(lottery.winners) == 3
    path = tmp_path / "proof.json"
    path.write_text(draw.proof_json(lottery.proof), encoding="utf-8")
    call_command("verify_draw", str(path))
    assert json.loads(path.read_text())["commitment"] == lottery.commitment
    assert any(line.startswith("engagement:") for line in context.log)
