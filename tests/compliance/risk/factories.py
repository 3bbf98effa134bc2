"""Factories for risk and privacy records (compliance part B)."""

import datetime

import factory
from django.utils import timezone

from compliance.privacy.models import ConsentRecord, DataSubjectRequest
from compliance.risk.models import EmergencyPlan, EmergencyPlanStep
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


class ConsentRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentRecord

    team = factory.SubFactory(TeamFactory)
    subject_ref = factory.Sequence(lambda n: f"member-{n}")
    subject_name = "张小明"
    subject_phone = "13812345678"
    subject_id_number = "11010519491231002X"
    purpose = "会员营销短信"
    data_categories = factory.LazyFunction(lambda: ["contact", "marketing"])
    notice_version = "v2.1"
    channel = "小程序"
    consented_at = factory.LazyFunction(timezone.now)


class DataSubjectRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DataSubjectRequest

    team = factory.SubFactory(TeamFactory)
    subject_ref = "member-1"
    kind = "access"
    received_at = factory.LazyFunction(timezone.now)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=21))
