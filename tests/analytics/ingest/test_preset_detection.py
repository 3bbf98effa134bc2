"""Which layout a file follows: detected from its columns, refused with the columns no
layout understands, and a named layout that cannot read a file another one can."""

import pytest
from django.core.exceptions import ValidationError

from analytics.models import ImportBatch, ImportStatus
from analytics.services import imports
from tests.analytics.ingest.files import csv_bytes, upload

from .presets_support import fixture_bytes, run, shop_account, website_account

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("name", "code"), [
    ("baidu_tongji_trend.csv", "baidu_tongji"),
    ("sycm_trade_overview.xlsx", "sycm"),
    ("ga4_report.csv", "ga4"),
])
def test_each_tools_export_is_detected_from_its_columns(name, code):
    data = upload(fixture_bytes(name), name)

    detection = imports.layout_detect(data, imports.import_file_kind(data))

    assert (detection.code, detection.candidates, detection.problems) == (code, [code], [])


@pytest.mark.parametrize(("name", "code", "account"), [
    ("baidu_tongji_trend.csv", "baidu_tongji", website_account),
    ("sycm_trade_overview.xlsx", "sycm", shop_account),
    ("ga4_report.csv", "ga4", website_account),
])
def test_an_upload_left_to_detection_is_read_with_the_detected_layout(
    campaign, users, name, code, account
):
    batch = run(campaign, users["analyst"], fixture_bytes(name), name, preset=imports.AUTO,
                account=account(campaign.team))

    assert (batch.preset, batch.status) == (code, ImportStatus.DONE)


def test_a_generic_export_is_detected_as_generic(campaign, users, wechat):
    data = csv_bytes([["日期", "平台", "账号", "阅读量"], ["2026-03-01", "微信公众号", "brand-wechat", "7"]])

    batch = run(campaign, users["analyst"], data, preset=imports.AUTO)

    assert (batch.preset, batch.status, batch.points_added) == ("generic", ImportStatus.DONE, 1)


def _refusal(campaign, user, data: bytes, preset: str = imports.AUTO, **options) -> dict:
    with pytest.raises(ValidationError) as caught:
        imports.import_create(
            actor=user, campaign=campaign, file=upload(data), original_name="export.csv",
            preset=preset, run=False, **options,
        )
    assert ImportBatch.objects.count() == 0
    return caught.value.message_dict


def test_a_file_no_layout_reads_is_refused_naming_the_columns_not_understood(campaign, users):
    # 百度统计's source analysis: a row per traffic source, not per day.
    data = csv_bytes([
        ["来源分析"],
        ["来源类型", "浏览量(PV)", "访客数(UV)", "跳出率"],
        ["直接访问", "1,200", "300", "40.00%"],
    ], encoding="gb18030")

    assert _refusal(campaign, users["analyst"], data) == {"file": [
        "No layout reads this file: unknown column “来源类型”; missing date column "
        "日期/时间/统计日期/Date."
    ]}


def test_a_file_two_layouts_read_equally_well_asks_for_the_layout(campaign, users):
    data = csv_bytes([["日期", "访客数", "浏览量"], ["2026-03-01", "10", "30"]])

    assert _refusal(campaign, users["analyst"], data) == {"preset": [
        "This file could be read as Baidu Tongji (百度统计): trend analysis by day or "
        "Shengyi Canmou (生意参谋): shop overview by day: choose its layout."
    ]}


def test_a_named_layout_that_cannot_read_another_tools_file_is_refused(campaign, users):
    site = website_account(campaign.team)

    refusal = _refusal(campaign, users["analyst"], fixture_bytes("ga4_report.csv"),
                       preset="baidu_tongji", account=site)

    assert refusal == {"preset": [
        "This file looks like Google Analytics 4: report or exploration by date, not Baidu "
        "Tongji (百度统计): trend analysis by day: choose that layout, or let the layout be "
        "detected from the file."
    ]}


def test_a_column_the_chosen_preset_does_not_know_rejects_the_file_by_name(campaign, users):
    # A breakdown by search term: importing its rows as days would be wrong.
    site = website_account(campaign.team)
    data = csv_bytes([
        ["趋势分析"],
        ["日期", "搜索词", "浏览量(PV)"],
        ["2026/03/01", "春季新品", "100"],
        ["2026/03/01", "优惠券", "80"],
    ])

    batch = run(campaign, users["analyst"], data, preset="baidu_tongji", account=site,
                skip_invalid=True)

    assert (batch.status, batch.errors) == (
        ImportStatus.REJECTED, ["row 2: unknown column “搜索词”"],
    )


def test_with_an_account_named_a_tools_preset_goes_before_the_generic_layout(campaign, users):
    site = website_account(campaign.team)
    data = csv_bytes([
        ["趋势分析"], ["日期", "浏览量(PV)", "访客数(UV)"], ["2026/03/01", "100", "10"], ["合计", "100", "10"],
    ], encoding="gb18030")

    batch = run(campaign, users["analyst"], data, preset=imports.AUTO, account=site)

    assert (batch.preset, batch.status, batch.points_added) == (
        "baidu_tongji", ImportStatus.DONE, 2,
    )


def test_the_generic_layout_named_with_an_account_still_reads_a_file_a_preset_also_reads(
    campaign, users
):
    site = website_account(campaign.team)
    data = csv_bytes([["日期", "访问次数"], ["2026-03-01", "40"]])

    batch = run(campaign, users["analyst"], data, preset="generic", account=site)

    assert (batch.preset, batch.status, batch.points_added) == ("generic", ImportStatus.DONE, 1)
