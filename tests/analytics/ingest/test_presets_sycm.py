"""生意参谋 XLSX exports: merged title rows, money, and a shop's conversion rate and AOV
re-derived from their parts (paying buyers per visitor, revenue per paying buyer)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from analytics.models import ImportStatus, MetricPoint
from analytics.selectors.metrics import (
    campaign_metric_breakdown,
    campaign_metric_series,
    campaign_metric_total,
    campaigns_metric_totals,
)
from analytics.services import imports
from tests.analytics.ingest.factories import point, store
from tests.analytics.ingest.files import upload

from .presets_support import fixture_bytes, rollups, run, shop_account, website_account

pytestmark = pytest.mark.django_db
FILE = "sycm_trade_overview.xlsx"


def import_sycm(campaign, user, **options):
    shop = shop_account(campaign.team)
    return run(campaign, user, fixture_bytes(FILE), FILE, preset="sycm", account=shop,
               **options), shop


def test_the_xlsx_export_with_merged_title_rows_becomes_daily_points(campaign, users):
    batch, _shop = import_sycm(campaign, users["analyst"])

    assert (batch.status, batch.rows_invalid) == (ImportStatus.DONE, 0)
    assert rollups(campaign) == {
        ("2026-03-01", "visitors"): "2500", ("2026-03-01", "page_views"): "7800",
        ("2026-03-01", "revenue"): "15920", ("2026-03-01", "buyers"): "80",
        ("2026-03-01", "units_sold"): "95",
        ("2026-03-02", "visitors"): "3000", ("2026-03-02", "page_views"): "9100",
        ("2026-03-02", "revenue"): "20160.5", ("2026-03-02", "buyers"): "96",
        ("2026-03-02", "units_sold"): "110",
        # 支付买家数 is missing on this day: 2.50% of 2000 visitors.
        ("2026-03-03", "visitors"): "2000", ("2026-03-03", "page_views"): "6100",
        ("2026-03-03", "revenue"): "9950", ("2026-03-03", "buyers"): "50",
        ("2026-03-03", "units_sold"): "58",
    }
    assert batch.errors == [
        "“支付转化率” kept as given on row 7: stored as Paying buyers = 支付转化率 × 访客数, "
        "so that day reads back as the file gives it",
        "Columns not imported (no catalogue metric measures them): “跳失率”",
    ]


def test_conversion_rate_and_aov_are_re_derived_from_buyers_visitors_and_revenue(
    campaign, users
):
    import_sycm(campaign, users["analyst"])

    # 226 paying buyers of 7500 visitors; ¥46,030.50 over 226 buyers.
    assert campaign_metric_total(campaign, "conversion_rate") == Decimal("0.030133")
    assert campaign_metric_total(campaign, "aov") == Decimal("203.674779")
    assert [(day.isoformat(), rate) for day, rate in campaign_metric_series(
        campaign, "conversion_rate"
    )] == [("2026-03-01", Decimal("0.032")), ("2026-03-02", Decimal("0.032")),
           ("2026-03-03", Decimal("0.025"))]
    assert campaigns_metric_totals([campaign.pk], ["conversion_rate", "aov", "revenue"]) == {
        campaign.pk: {
            "conversion_rate": Decimal("0.030133"), "aov": Decimal("203.674779"),
            "revenue": Decimal("46030.5"),
        },
    }


def test_each_account_adds_the_parts_it_measures_to_a_campaign_rate(
    campaign, users, wechat
):
    import_sycm(campaign, users["analyst"])
    store(point(campaign, wechat, "clicks", 200), point(campaign, wechat, "conversions", 10),
          point(campaign, wechat, "orders", 10), point(campaign, wechat, "revenue", 1000))

    # WeChat: conversions per click; the shop: paying buyers per visitor.
    assert campaign_metric_total(campaign, "conversion_rate") == Decimal("0.030649")
    assert dict(campaign_metric_breakdown(campaign, "conversion_rate")) == {
        "wechat_oa": Decimal("0.05"), "taobao": Decimal("0.030133"),
    }
    # WeChat: revenue per order; the shop: revenue per paying buyer.
    assert campaign_metric_total(campaign, "aov") == Decimal("199.281780")


def test_a_shop_with_clicks_and_orders_keeps_the_main_parts(campaign, users):
    _batch, shop = import_sycm(campaign, users["analyst"])
    store(point(campaign, shop, "clicks", 1000), point(campaign, shop, "conversions", 200),
          point(campaign, shop, "orders", 100))

    assert campaign_metric_total(campaign, "conversion_rate") == Decimal("0.2")
    assert campaign_metric_total(campaign, "aov") == Decimal("460.305")


def test_the_export_belongs_to_the_shop_account_the_user_names(campaign, users):
    site = website_account(campaign.team)

    with pytest.raises(ValidationError) as missing:
        imports.import_create(
            actor=users["analyst"], campaign=campaign, file=upload(fixture_bytes(FILE), FILE),
            original_name=FILE, preset="sycm", run=False,
        )
    with pytest.raises(ValidationError) as wrong:
        imports.import_create(
            actor=users["analyst"], campaign=campaign, file=upload(fixture_bytes(FILE), FILE),
            original_name=FILE, preset="sycm", account=site, run=False,
        )

    assert missing.value.message_dict == {"account": [
        "An export of Shengyi Canmou names no account: choose the account on Taobao it "
        "belongs to."
    ]}
    assert wrong.value.message_dict == {"account": [
        "An export of Shengyi Canmou belongs to an account on Taobao, not on Own website / "
        "landing pages."
    ]}


def test_re_importing_the_same_export_changes_nothing(campaign, users):
    first, shop = import_sycm(campaign, users["analyst"])

    again = run(campaign, users["analyst"], fixture_bytes(FILE), FILE, preset="sycm",
                account=shop)

    assert first.points_added == 15
    assert (again.points_added, again.points_updated, again.points_unchanged) == (0, 0, 15)
    assert MetricPoint.objects.count() == 15
