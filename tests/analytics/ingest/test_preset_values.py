"""How the presets read the analytics tools' cells: numbers, money, rates, durations, dates,
encodings and total rows."""

import datetime
from decimal import Decimal

import pytest

from analytics.models import ImportStatus
from analytics.services import imports, presets
from tests.analytics.ingest.files import csv_bytes
from tests.analytics.ingest.fixtures.generate import BAIDU_ROWS

from .presets_support import rollups, run, website_account

BAIDU = imports.layout_for("baidu_tongji")


@pytest.mark.parametrize(("cell", "value"), [
    ("12,345", Decimal("12345")),
    ("1,234,567", Decimal("1234567")),
    ("12345", Decimal("12345")),
    (12345, Decimal("12345")),
    (3.0, Decimal("3")),
    ("--", None),
    ("-", None),
    ("", None),
    (None, None),
    ("12,34", imports.NON_NUMERIC),
    ("-5", imports.NEGATIVE),
])
def test_counts_take_thousands_separators_and_dashes_for_no_data(cell, value):
    assert BAIDU.parse_value(cell, presets.COUNT) == value


@pytest.mark.parametrize(("cell", "value"), [
    ("¥1,234.50", Decimal("1234.5")),
    ("￥99", Decimal("99")),
    ("99元", Decimal("99")),
    (15920.0, Decimal("15920")),
    ("0.01", Decimal("0.01")),
])
def test_money_keeps_its_fen_and_drops_the_currency_sign(cell, value):
    assert BAIDU.parse_value(cell, presets.MONEY) == value


@pytest.mark.parametrize(("cell", "value"), [
    ("45.67%", Decimal("0.4567")),
    (" 3.2 % ", Decimal("0.032")),
    ("0.4567", Decimal("0.4567")),
    (0.032, Decimal("0.032")),
    ("100%", Decimal("1")),
    ("--", None),
    ("", None),
    ("45.67", presets.OVER_ONE),
    ("lots%", imports.NON_NUMERIC),
])
def test_percentages_are_stored_as_ratios(cell, value):
    assert BAIDU.parse_value(cell, presets.RATIO) == value


@pytest.mark.parametrize(("cell", "seconds"), [
    ("00:02:35", Decimal("155")),
    ("2:35", Decimal("155")),
    ("1:02:03", Decimal("3723")),
    ("2分35秒", Decimal("155")),
    ("1小时2分", Decimal("3720")),
    ("35秒", Decimal("35")),
    ("155", Decimal("155")),
    ("98.25", Decimal("98.25")),
    ("155s", Decimal("155")),
    (142.5, Decimal("142.5")),
    (datetime.time(0, 2, 35), Decimal("155")),
    (datetime.timedelta(minutes=2, seconds=35), Decimal("155")),
    ("--", None),
    ("soon", imports.NON_NUMERIC),
])
def test_durations_are_stored_as_seconds(cell, seconds):
    assert BAIDU.parse_value(cell, presets.DURATION) == seconds


@pytest.mark.parametrize("cell", [
    "2024-01-05", "2024/1/5", "2024/01/05", "20240105", "2024年1月5日", "2024.1.5",
    "2024/01/05 (周五)", "2024-01-05 星期五", "20240105 Fri",
    datetime.date(2024, 1, 5), datetime.datetime(2024, 1, 5),  # noqa: DTZ001 - a spreadsheet cell
])
def test_dates_are_read_as_the_tools_write_them(cell):
    assert BAIDU.parse_date(cell) == datetime.date(2024, 1, 5)


@pytest.mark.parametrize("cell", ["2024-13-05", "05/01/2024", "00:00 - 00:59", "合计"])
def test_other_date_cells_are_not_dates(cell):
    assert BAIDU.parse_date(cell) is None


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "utf-8", "utf-8-sig"])
def test_the_export_reads_the_same_in_every_encoding_the_tools_write(
    campaign, users, encoding
):
    site = website_account(campaign.team)

    batch = run(campaign, users["analyst"], csv_bytes(BAIDU_ROWS, encoding=encoding),
                preset="baidu_tongji", account=site)

    assert (batch.status, batch.rows_invalid) == (ImportStatus.DONE, 0)
    assert rollups(campaign)[("2026-03-01", "page_views")] == "12345"
    assert len(rollups(campaign)) == 24


@pytest.mark.django_db
@pytest.mark.parametrize("label", ["合计", "总计", "汇总", "Total", "Grand total"])
def test_a_total_row_at_the_end_is_not_imported_as_a_day(campaign, users, label):
    site = website_account(campaign.team)
    data = csv_bytes([
        ["日期", "浏览量(PV)", "访客数(UV)"],
        ["2026/03/01", "100", "10"],
        ["2026/03/02", "200", "20"],
        [label, "300", "30"],
        ["注：数据来源于百度统计"],
    ])

    batch = run(campaign, users["analyst"], data, preset="baidu_tongji", account=site)

    assert (batch.status, batch.errors) == (ImportStatus.DONE, [])
    assert rollups(campaign) == {
        ("2026-03-01", "page_views"): "100", ("2026-03-01", "visitors"): "10",
        ("2026-03-02", "page_views"): "200", ("2026-03-02", "visitors"): "20",
    }


@pytest.mark.django_db
def test_a_rate_without_its_numerator_is_re_derived_from_the_other_part(campaign, users):
    # 客单价 and 支付金额 given, 支付买家数 missing: buyers = revenue ÷ AOV.
    from .presets_support import shop_account

    shop = shop_account(campaign.team)
    data = csv_bytes([
        ["统计日期", "访客数", "支付金额", "客单价"],
        ["2026-03-01", "2,500", "15,920.00", "199.00"],
    ])

    batch = run(campaign, users["analyst"], data, preset="sycm", account=shop)

    assert rollups(campaign)[("2026-03-01", "buyers")] == "80"
    assert batch.errors == [
        "“客单价” kept as given on row 2: stored as Paying buyers = 支付金额 ÷ 客单价, so that "
        "day reads back as the file gives it",
    ]


def test_every_catalogue_rate_is_made_of_stored_metrics_alternatives_included():
    from analytics.services.store import STORED_METRICS
    from platforms.metrics import METRICS, is_derived

    for code, info in METRICS.items():
        if is_derived(code):
            pairs = [(info.numerator, info.denominator), *info.alternatives]
            assert {m for pair in pairs for m in pair} <= STORED_METRICS, code


@pytest.mark.parametrize(("code", "value", "shown"), [
    ("avg_session_seconds", 155, "0:02:35"),
    ("session_seconds", 3723.4, "1:02:03"),
    ("bounce_rate", 0.4567, "45.67%"),
    ("page_views", 12345, "12,345"),
])
def test_visit_metrics_are_shown_as_the_tools_show_them(code, value, shown):
    from platforms.metrics import format_metric_value

    assert format_metric_value(code, value) == shown
