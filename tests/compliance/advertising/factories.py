"""Factories for checker, filings and overrides (compliance part A)."""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from compliance.advertising.models import PromotionFiling
from platforms.models import Platform
from tests.factories import TeamFactory


def platform(code: str) -> Platform:
    """A catalogue platform (loaded by the platforms data migration)."""
    return Platform.objects.get(code=code)


class PromotionFilingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PromotionFiling

    team = factory.SubFactory(TeamFactory)
    platform = factory.LazyFunction(lambda: platform("weibo"))
    filing_number = factory.Sequence(lambda n: f"WB-2026-{n:04d}")
    contract_reference = factory.Sequence(lambda n: f"HT-{n:04d}")
    amount_cny = Decimal("20000.00")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=5))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=25))
