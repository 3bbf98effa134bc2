"""Factories for privacy records: consents and data-subject requests."""

import datetime

import factory
from django.utils import timezone

from compliance.privacy.models import ConsentRecord, DataSubjectRequest
from tests.factories import TeamFactory


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
