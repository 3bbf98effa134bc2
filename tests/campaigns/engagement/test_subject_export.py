"""What engagement holds on a person is part of their data-subject export (PIPL)."""

import pytest

from compliance.privacy.services import subject_export

from .factories import InteractionFactory

pytestmark = pytest.mark.django_db


def test_a_persons_interactions_and_audience_row_are_in_their_export(team, weibo):
    from campaigns.engagement.models import AudienceMember

    InteractionFactory(account=weibo, author_ref="uid-9", author_name="晴天", text="什么时候补货？")
    InteractionFactory(account=weibo, author_ref="someone-else")
    AudienceMember.objects.create(team=team, account=weibo, external_ref="uid-9", nickname="晴天",
                                  orders_count=2)

    data = subject_export(team=team, subject_ref="uid-9")["engagement"]

    assert [row["kind"] for row in data] == ["interaction", "audience"]
    assert (data[0]["text"], data[0]["platform"]) == ("什么时候补货？", "weibo")
    assert (data[1]["nickname"], data[1]["orders"]) == ("晴天", 2)


def test_another_teams_rows_are_not_in_the_export(other_team, weibo):
    InteractionFactory(account=weibo, author_ref="uid-9")

    assert subject_export(team=other_team, subject_ref="uid-9")["engagement"] == []
