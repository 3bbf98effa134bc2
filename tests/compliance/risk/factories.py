"""Factories for risk records: emergency plans and their steps, and a spike's incident."""

import datetime

import factory

from compliance.risk.models import EmergencyPlan, EmergencyPlanStep
from compliance.risk.services import opinion_ingest, opinion_spike_check
from tests.factories import TeamFactory


class EmergencyPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmergencyPlan

    team = factory.SubFactory(TeamFactory)
    incident_type = "account_banned"
    name = "账号封禁应急预案"
    holding_statements = factory.LazyFunction(
        lambda: [{"title": "对外口径", "body": "我们已关注到相关情况，正在与平台沟通。"}]
    )


class EmergencyPlanStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmergencyPlanStep

    plan = factory.SubFactory(EmergencyPlanFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"步骤{n}")
    owner_role = "manager"
    due_offset_hours = 4


SPIKE_NOW = datetime.datetime(2026, 6, 1, 4, 0, tzinfo=datetime.UTC)


def spike_incident(team):
    """The incident spike detection opens after calm days and 8 negative comments on Weibo."""
    calm = [
        {"occurred_at": SPIKE_NOW - datetime.timedelta(hours=h), "score": 0.8,
         "label": "positive", "source": "weibo", "platform_code": "weibo",
         "external_id": f"calm-{h}-{i}"}
        for h in range(2, 100, 6) for i in range(5)
    ]
    negatives = [
        {"occurred_at": SPIKE_NOW - datetime.timedelta(minutes=5, seconds=i), "score": 0.05,
         "label": "negative", "source": "weibo", "platform_code": "weibo",
         "external_id": f"neg-{i}"}
        for i in range(8)
    ]
    opinion_ingest(actor=None, team=team, items=calm)
    opinion_ingest(actor=None, team=team, items=negatives)
    incident = opinion_spike_check(team=team, now=SPIKE_NOW)
    assert incident is not None
    return incident
