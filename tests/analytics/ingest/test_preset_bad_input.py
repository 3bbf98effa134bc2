"""Bad files and bad input through the doors of the tool presets: refused with the reason
on the right field (or every bad row by its number), nothing written, never a 500."""

import pytest
from django.core.exceptions import ValidationError

from analytics.models import DailyRollup, ImportBatch, ImportStatus
from analytics.services import imports
from tests.analytics.ingest.files import csv_bytes, upload, xlsx_bytes
from tests.analytics.ingest.fixtures.generate import BAIDU_ROWS, sycm_bytes

from .presets_support import run, shop_account, website_account

pytestmark = pytest.mark.django_db

PAGE = "/analytics/imports/new/"


def _client(client_as, user):
    client = client_as(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


class Unreadable:
    """An upload whose content must not be read: only its size is known."""

    name = "big.csv"

    def read(self, *args):
        raise AssertionError("the file was read")

    def seek(self, *args):
        raise AssertionError("the file was read")


@pytest.mark.parametrize("preset", ["auto", "baidu_tongji"])
def test_a_file_over_the_limit_is_refused_before_detection_reads_it(
    campaign, users, settings, preset
):
    settings.ANALYTICS_IMPORT_MAX_MB = 1

    with pytest.raises(ValidationError) as caught:
        imports.import_create(
            actor=users["analyst"], campaign=campaign, file=Unreadable(), original_name="big.csv",
            size=1024 * 1024 + 1, preset=preset, account=website_account(campaign.team),
            run=False,
        )

    assert list(caught.value.message_dict) == ["file"]
    assert ImportBatch.objects.count() == 0


@pytest.mark.parametrize(("data", "name", "message"), [
    (b"", "empty.csv", "The submitted file is empty."),
    (b"\n\n", "blank.csv", "No layout reads this file: it has no header row."),
    (b"\x00\x01\x02\xff\xfe binary", "export.csv", "This file is neither CSV nor XLSX, whatever its name says."),
    (sycm_bytes()[:600], "sycm.xlsx", None),
    (csv_bytes([["趋势分析"], ["网站：www.example-brand.cn"]], encoding="gb18030"), "title.csv",
     None),
])
def test_the_upload_page_refuses_an_unreadable_file_on_its_field_without_a_500(
    client_as, users, campaign, data, name, message
):
    site = website_account(campaign.team)

    response = _client(client_as, users["analyst"]).post(PAGE, {
        "campaign": campaign.pk, "preset": "auto", "account": site.pk,
        "file": upload(data, name),
    })

    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["file"]
    if message is not None:
        assert form.errors["file"] == [message]
    assert ImportBatch.objects.count() == 0


def test_every_bad_row_of_a_tools_export_is_reported_by_number_and_nothing_is_written(
    campaign, users
):
    site = website_account(campaign.team)
    rows = [list(row) for row in BAIDU_ROWS]
    rows[5][0] = "2026/02/30"  # row 6: no such day
    rows[6][1] = "many"  # row 7: not a number
    rows[8][5] = "-3%"  # row 9: a negative rate

    batch = run(campaign, users["analyst"], csv_bytes(rows, encoding="gb18030"),
                preset="baidu_tongji", account=site, language="en")

    assert batch.status == ImportStatus.REJECTED
    assert [error.split(":")[0] for error in batch.errors] == ["row 6", "row 7", "row 9"]
    assert "bad date “2026/02/30”" in batch.errors[0]
    assert "many" in batch.errors[1]
    assert "跳出率" in batch.errors[2]
    assert DailyRollup.objects.count() == 0


def test_a_bad_row_of_the_xlsx_export_is_skipped_only_when_asked(campaign, users):
    shop = shop_account(campaign.team)
    rows = [
        ["生意参谋 · 交易概况"], [],
        ["统计日期", "访客数", "支付金额", "支付买家数"],
        ["2026-03-01", 2500, 15920.0, 80],
        ["2026-03-02", "lots", 20160.5, 96],
        ["合计", 5500, 36080.5, 176],
    ]

    rejected = run(campaign, users["analyst"], xlsx_bytes(rows), "sycm.xlsx", preset="sycm",
                   account=shop, language="en")
    assert (rejected.status, len(rejected.errors)) == (ImportStatus.REJECTED, 1)
    assert rejected.errors[0].startswith("row 5: ")
    assert DailyRollup.objects.count() == 0

    skipped = run(campaign, users["analyst"], xlsx_bytes(rows), "sycm.xlsx", preset="sycm",
                  account=shop, skip_invalid=True, language="en")
    assert (skipped.status, skipped.rows_invalid) == (ImportStatus.DONE, 1)
    assert sorted(DailyRollup.objects.values_list("metric", "value")) == [
        ("buyers", 80), ("revenue", 15920), ("visitors", 2500),
    ]


def test_the_api_answers_bad_fields_with_400_and_field_errors(api_as, users, campaign):
    site = website_account(campaign.team)
    api = api_as(users["analyst"])
    api.credentials(HTTP_ACCEPT_LANGUAGE="en")
    data = csv_bytes(BAIDU_ROWS, encoding="gb18030")

    cases = [
        ({"preset": "omniture", "account": site.pk}, "preset"),
        ({"preset": "baidu_tongji", "account": "brand-site"}, "account"),
        ({"preset": "baidu_tongji", "account": 987654}, "account"),
        ({"preset": "baidu_tongji"}, "account"),
        ({"preset": "sycm", "account": site.pk}, "preset"),
    ]
    for fields, field in cases:
        response = api.post("/api/v1/imports/", {
            "campaign": campaign.pk, "file": upload(data, "baidu.csv"), **fields,
        }, format="multipart")
        assert (response.status_code, list(response.data)) == (400, [field]), fields
    assert ImportBatch.objects.count() == 0


def test_a_web_tools_export_is_refused_for_a_shop_account(campaign, users):
    shop = shop_account(campaign.team)

    with pytest.raises(ValidationError) as caught:
        imports.import_create(
            actor=users["analyst"], campaign=campaign,
            file=upload(csv_bytes(BAIDU_ROWS, encoding="gb18030")), original_name="baidu.csv",
            preset="baidu_tongji", account=shop, run=False,
        )

    assert caught.value.message_dict["account"] == [
        "An export of Baidu Tongji belongs to an account on Own website / landing pages, "
        "not on Taobao."
    ]


def test_a_tool_export_whose_account_was_deleted_before_the_run_is_rejected_with_the_reason(
    campaign, users
):
    shop = shop_account(campaign.team)
    batch = imports.import_create(
        actor=users["analyst"], campaign=campaign, file=upload(sycm_bytes(), "sycm.xlsx"),
        original_name="sycm.xlsx", preset="sycm", account=shop, run=False,
    )
    shop.delete()
    batch.refresh_from_db()

    batch = imports.import_run(batch=batch)

    batch.refresh_from_db()
    assert (batch.status, batch.account_id, batch.runs) == (ImportStatus.REJECTED, None, 1)
    assert batch.errors == [
        "The account this export belongs to was deleted before the import ran; "
        "upload the file again for an existing account."]
    assert DailyRollup.objects.count() == 0
