"""Analytics-tool exports through the three doors: the upload page (layout detected and
shown, account chosen), the API and ``import_metrics --preset … --account …``."""

import pytest
from django.core.management import CommandError, call_command

from analytics.models import ImportBatch, ImportStatus, MetricPoint
from platforms.models import Platform
from tests.analytics.ingest.files import csv_bytes, upload
from tests.platforms.factories import PlatformAccountFactory, platform

from .presets_support import FIXTURES, fixture_bytes, shop_account, website_account

pytestmark = pytest.mark.django_db
BAIDU = "baidu_tongji_trend.csv"


def test_the_catalogue_has_the_own_website_platform_with_a_valid_profile():
    site = platform("website")

    site.full_clean()
    assert (site.name_zh, site.name_en, site.is_active) == (
        "自有网站", "Own website / landing pages", True,
    )
    assert (site.requires_enterprise_certification, site.required_documents, site.api_metrics) == (
        False, [], False,
    )
    assert Platform.objects.filter(code="website").count() == 1


# --- page -------------------------------------------------------------------------------------


def _client(client_as, user, language="en"):
    client = client_as(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    return client


def test_the_upload_page_detects_the_tool_and_shows_how_it_read_the_file(
    client_as, users, campaign, django_capture_on_commit_callbacks
):
    site = website_account(campaign.team)
    client = _client(client_as, users["analyst"])
    form = client.get("/analytics/imports/new/").content.decode()
    assert 'value="auto" selected' in form
    assert "brand-site" in form

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/analytics/imports/new/", {
            "campaign": campaign.pk, "preset": "auto", "account": site.pk,
            "file": upload(fixture_bytes(BAIDU), BAIDU),
        })

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert (batch.preset, batch.account, batch.status) == ("baidu_tongji", site, ImportStatus.DONE)
    page = client.get(response["Location"]).content.decode()
    assert 'data-preset="baidu_tongji">Baidu Tongji (百度统计): trend analysis by day<' in page
    assert "The header is row 5" in page
    assert "Bounce rate, re-derived: Bounced sessions ÷ Sessions" in page
    assert "“跳出率” kept as given on rows 6–7, 9–10" in page


def test_the_upload_page_names_the_columns_of_a_file_no_layout_reads(
    client_as, users, campaign
):
    client = _client(client_as, users["analyst"])
    data = csv_bytes([["来源类型", "浏览量(PV)"], ["直接访问", "1200"]])

    response = client.post("/analytics/imports/new/", {
        "campaign": campaign.pk, "preset": "auto", "file": upload(data),
    })

    assert response.status_code == 200
    assert (
        "No layout reads this file: unknown column “来源类型”; missing date column "
        "日期/时间/统计日期/Date."
    ) in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_the_upload_page_asks_for_the_account_a_tools_export_belongs_to(
    client_as, users, campaign
):
    website_account(campaign.team)
    client = _client(client_as, users["analyst"])

    response = client.post("/analytics/imports/new/", {
        "campaign": campaign.pk, "preset": "auto", "file": upload(fixture_bytes(BAIDU), BAIDU),
    })

    html = response.content.decode()
    assert 'data-testid="field-error-account"' in html
    assert (
        "An export of Baidu Tongji names no account: choose the account on Own website / "
        "landing pages it belongs to."
    ) in html


def test_a_chinese_upload_reads_its_layout_and_notes_in_chinese(
    client_as, users, campaign, django_capture_on_commit_callbacks
):
    site = website_account(campaign.team)
    client = _client(client_as, users["analyst"], "zh-hans")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/analytics/imports/new/", {
            "campaign": campaign.pk, "preset": "auto", "account": site.pk,
            "file": upload(fixture_bytes(BAIDU), BAIDU),
        })

    page = client.get(response["Location"]).content.decode()
    assert ImportBatch.objects.get().errors == [
        "第 6–7、9–10 行的“跳出率”按文件原值保留：存为 跳出次数 = 跳出率 × 访问次数，"
        "这些日期读出的值与文件一致",
        "第 6–7、9–10 行的“平均访问时长”按文件原值保留：存为 访问总时长 = 平均访问时长 × "
        "访问次数，这些日期读出的值与文件一致",
        "未导入的列（指标目录中没有对应指标）：“IP数”",
    ]
    assert "百度统计：趋势分析（按日）" in page
    assert "跳出率，由各部分重新计算：跳出次数 ÷ 访问次数" in page
    assert "自有网站 · brand-site" in page


# --- API --------------------------------------------------------------------------------------


def test_the_api_imports_a_tools_export_into_the_named_account(
    api_as, users, campaign, django_capture_on_commit_callbacks
):
    shop = shop_account(campaign.team)
    api = api_as(users["analyst"])
    api.credentials(HTTP_ACCEPT_LANGUAGE="en")
    name = "sycm_trade_overview.xlsx"

    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/v1/imports/", {
            "campaign": campaign.pk, "preset": "auto", "account": shop.pk,
            "file": upload(fixture_bytes(name), name),
        }, format="multipart")

    assert created.status_code == 201
    assert (created.data["preset"], created.data["account"]) == ("sycm", shop.pk)
    status = api.get(f"/api/v1/imports/{created.data['id']}/").data
    assert (status["status"], status["points_added"], len(status["errors"])) == ("done", 15, 2)


def test_the_api_treats_another_teams_account_as_missing(
    api_as, users, campaign, other_team
):
    theirs = website_account(other_team)

    response = api_as(users["analyst"]).post("/api/v1/imports/", {
        "campaign": campaign.pk, "preset": "baidu_tongji", "account": theirs.pk,
        "file": upload(fixture_bytes(BAIDU), BAIDU),
    }, format="multipart")

    assert response.status_code == 400
    assert list(response.data) == ["account"]
    assert ImportBatch.objects.count() == 0


# --- command ----------------------------------------------------------------------------------


def _command(*args):
    call_command("import_metrics", *map(str, args), "--language", "en")


def test_the_command_imports_a_tools_export_into_the_named_account(campaign, capsys):
    site = website_account(campaign.team)

    _command(FIXTURES / BAIDU, "--campaign", campaign.pk, "--preset", "baidu_tongji",
             "--account", "brand-site")

    out = capsys.readouterr()
    assert "(baidu_tongji): Imported" in out.out
    assert "points added 24" in out.out
    assert "Columns not imported (no catalogue metric measures them): “IP数”" in out.err
    assert set(MetricPoint.objects.values_list("account_id", flat=True)) == {site.pk}


def test_the_command_picks_the_account_on_the_presets_platform_when_handles_repeat(
    campaign, capsys
):
    site = website_account(campaign.team, handle="brand")
    PlatformAccountFactory(team=campaign.team, platform=platform("weibo"), handle="brand")

    _command(FIXTURES / "ga4_report.csv", "--campaign", campaign.pk, "--preset", "ga4",
             "--account", "brand")

    assert set(MetricPoint.objects.values_list("account_id", flat=True)) == {site.pk}


def test_the_command_refuses_an_account_on_another_platform(campaign):
    PlatformAccountFactory(team=campaign.team, platform=platform("weibo"), handle="brand-weibo")

    with pytest.raises(CommandError, match="belongs to an account on Taobao, not on Weibo"):
        _command(FIXTURES / "sycm_trade_overview.xlsx", "--campaign", campaign.pk,
                 "--preset", "sycm", "--account", "brand-weibo")

    assert ImportBatch.objects.count() == 0


def test_the_command_rejects_a_tools_export_with_bad_rows_and_a_non_zero_exit(
    tmp_path, campaign, capsys
):
    website_account(campaign.team)
    path = tmp_path / "trend.csv"
    path.write_bytes(csv_bytes([
        ["趋势分析"], ["日期", "浏览量(PV)"], ["2026/03/01", "100"], ["昨天", "90"],
    ], encoding="gb18030"))

    with pytest.raises(CommandError, match="Rejected: invalid rows"):
        _command(path, "--campaign", campaign.pk, "--preset", "baidu_tongji",
                 "--account", "brand-site")

    assert "row 4: bad date “昨天”" in capsys.readouterr().err
    assert MetricPoint.objects.count() == 0
