"""File imports: wide CSV/XLSX exports, row-numbered errors, skip-invalid, idempotence, precision."""

import datetime
import io
import tracemalloc
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from analytics.models import DailyRollup, ImportBatch, ImportStatus, MetricPoint
from analytics.services import imports, store
from campaigns.publishing.models import Publication
from tests.analytics.ingest.files import csv_bytes, upload, xlsx_bytes
from tests.campaigns.content.factories import ContentItemFactory

pytestmark = pytest.mark.django_db
HEADER = ["日期", "平台", "账号", "阅读量", "点赞数", "销售额"]


def run(campaign, user, data: bytes, name="export.csv", **options) -> ImportBatch:
    batch = imports.import_create(
        actor=user, campaign=campaign, file=upload(data, name), original_name=name, run=False,
        **options,
    )
    return imports.import_run(batch=batch)


def rollups(campaign):
    return sorted(
        (row.account.handle, row.date.isoformat(), row.metric, row.value)
        for row in DailyRollup.objects.filter(campaign=campaign).select_related("account")
    )


def test_a_csv_export_becomes_points_and_rollups(campaign, users, wechat, douyin):
    data = csv_bytes([
        HEADER,
        ["2026-03-01", "微信公众号", "brand-wechat", "12000", "340", "1999.90"],
        ["2026-03-01", "douyin", "brand-douyin", "800", "", "0.01"],
        ["2026/3/2", "WeChat Official Account", "BRAND-WECHAT", "12,500", "--", ""],
    ])

    batch = run(campaign, users["analyst"], data)

    assert (batch.status, batch.errors, batch.rows_done, batch.rows_invalid) == (
        ImportStatus.DONE, [], 3, 0,
    )
    assert (batch.points_added, batch.points_updated, batch.points_unchanged) == (6, 0, 0)
    assert rollups(campaign) == [
        ("brand-douyin", "2026-03-01", "reads", Decimal("800")),
        ("brand-douyin", "2026-03-01", "revenue", Decimal("0.01")),
        ("brand-wechat", "2026-03-01", "likes", Decimal("340")),
        ("brand-wechat", "2026-03-01", "reads", Decimal("12000")),
        ("brand-wechat", "2026-03-01", "revenue", Decimal("1999.90")),
        ("brand-wechat", "2026-03-02", "reads", Decimal("12500")),
    ]
    assert set(MetricPoint.objects.values_list("source", "batch_id")) == {("import", batch.pk)}


def test_every_invalid_row_is_reported_by_its_row_number_and_nothing_is_written(
    campaign, users, wechat
):
    data = csv_bytes([
        HEADER,
        ["2026-03-01", "微信公众号", "brand-wechat", "100", "1", "1"],
        ["2026-02-30", "微信公众号", "brand-wechat", "100", "1", "1"],
        ["2026-03-02", "tiktok", "brand-wechat", "100", "1", "1"],
        ["2026-03-02", "微信公众号", "nobody", "100", "1", "1"],
        ["2026-03-02", "微信公众号", "brand-wechat", "lots", "1", "1"],
        ["2026-03-03", "微信公众号", "brand-wechat", "100", "-2", "1"],
        ["", "", "", "", "", ""],
        ["yesterday", "weibo", "brand-wechat", "1", "1", "1"],
    ])

    batch = run(campaign, users["analyst"], data)

    assert batch.status == ImportStatus.REJECTED
    assert batch.errors == [
        "row 3: bad date “2026-02-30”",
        "row 4: unknown platform “tiktok”",
        "row 5: unknown account “nobody” on WeChat Official Account",
        "row 6: non-numeric value “lots” in column 阅读量",
        "row 7: negative value “-2” in column 点赞数",
        "row 9: bad date “yesterday”; unknown account “brand-wechat” on Weibo",
    ]
    assert (batch.rows_done, batch.rows_invalid, batch.points_added) == (8, 6, 0)
    assert MetricPoint.objects.count() == 0
    assert DailyRollup.objects.count() == 0


def test_skip_invalid_writes_the_valid_rows_and_lists_the_invalid(campaign, users, wechat):
    data = csv_bytes([
        HEADER,
        ["2026-03-01", "微信公众号", "brand-wechat", "100", "1", "1"],
        ["2026-03-02", "tiktok", "brand-wechat", "100", "1", "1"],
        ["2026-03-03", "微信公众号", "brand-wechat", "300", "", ""],
    ])

    batch = run(campaign, users["analyst"], data, skip_invalid=True)

    assert batch.status == ImportStatus.DONE
    assert batch.errors == ["row 3: unknown platform “tiktok”"]
    assert (batch.rows_invalid, batch.points_added) == (1, 4)
    assert sorted(MetricPoint.objects.filter(metric="reads").values_list("value", flat=True)) == [
        Decimal("100"), Decimal("300"),
    ]


@pytest.mark.parametrize(("header", "reason"), [
    (["日期", "平台", "账号", "阅读量", "粉丝画像"], "unknown column “粉丝画像”"),
    (["日期", "平台", "账号", "点击率"],
     "column “点击率” is a rate, computed from clicks and impressions: import those instead; "
     "no metric column"),
    (["日期", "平台", "阅读量"], "missing column account/账号/帐号"),
    (["date", "platform", "account", "分享数", "转发数"],
     "columns “分享数” and “转发数” are both shares"),
])
def test_a_header_the_layout_cannot_read_rejects_the_whole_file(
    campaign, users, wechat, header, reason
):
    data = csv_bytes([header, ["2026-03-01", "微信公众号", "brand-wechat", "1", "1"]])

    batch = run(campaign, users["analyst"], data, skip_invalid=True)

    assert batch.status == ImportStatus.REJECTED
    assert batch.errors == [f"row 1: {reason}"]
    assert MetricPoint.objects.count() == 0


def test_importing_the_same_file_again_changes_nothing(campaign, users, wechat):
    data = csv_bytes([HEADER, ["2026-03-01", "微信公众号", "brand-wechat", "100", "5", "99.99"]])
    run(campaign, users["analyst"], data)
    before = list(MetricPoint.objects.order_by("pk").values_list("pk", "value", "updated_at"))

    again = run(campaign, users["analyst"], data)

    assert (again.points_added, again.points_updated, again.points_unchanged) == (0, 0, 3)
    assert list(MetricPoint.objects.order_by("pk").values_list("pk", "value", "updated_at")) == before


def test_a_corrected_file_updates_the_points_it_changes(campaign, users, wechat):
    run(campaign, users["analyst"], csv_bytes([
        HEADER, ["2026-03-01", "微信公众号", "brand-wechat", "100", "5", "99.99"],
    ]))

    batch = run(campaign, users["analyst"], csv_bytes([
        HEADER, ["2026-03-01", "微信公众号", "brand-wechat", "120", "5", "99.99"],
    ]))

    assert (batch.points_added, batch.points_updated, batch.points_unchanged) == (0, 1, 2)
    assert DailyRollup.objects.get(metric="reads").value == Decimal("120")


def test_a_later_row_for_the_same_key_replaces_an_earlier_one(campaign, users, wechat):
    data = csv_bytes([
        HEADER,
        ["2026-03-01", "微信公众号", "brand-wechat", "100", "", ""],
        ["2026-03-01", "微信公众号", "brand-wechat", "150", "", ""],
    ])

    batch = run(campaign, users["analyst"], data)

    assert batch.points_added == 1
    assert MetricPoint.objects.get().value == Decimal("150")


def test_money_keeps_its_fen_through_csv_and_xlsx(campaign, users, wechat, douyin):
    run(campaign, users["analyst"], csv_bytes([
        ["date", "platform", "account", "revenue"],
        ["2026-03-01", "wechat_oa", "brand-wechat", "123456789.01"],
    ]))
    run(campaign, users["analyst"], xlsx_bytes([
        ["date", "platform", "account", "revenue"],
        [datetime.date(2026, 3, 1), "douyin", "brand-douyin", 19.99],
    ]), name="export.xlsx")

    assert rollups(campaign) == [
        ("brand-douyin", "2026-03-01", "revenue", Decimal("19.99")),
        ("brand-wechat", "2026-03-01", "revenue", Decimal("123456789.01")),
    ]


def test_an_xlsx_export_is_read_like_a_csv(campaign, users, wechat):
    data = xlsx_bytes([
        ["日期", "平台", "账号", "阅读量", "新增粉丝"],
        [datetime.datetime(2026, 3, 1), "微信公众号", "brand-wechat", 12000, 35],  # noqa: DTZ001 - a spreadsheet's date cell
        ["2026年3月2日", "微信公众号", "brand-wechat", "13000", None],
        [datetime.date(2026, 3, 3), "微信公众号", "brand-wechat", -1, 2],
    ])

    batch = run(campaign, users["analyst"], data, name="报表.xlsx", skip_invalid=True)

    assert batch.errors == ["row 4: negative value “-1” in column 阅读量"]
    assert rollups(campaign) == [
        ("brand-wechat", "2026-03-01", "followers_gained", Decimal("35")),
        ("brand-wechat", "2026-03-01", "reads", Decimal("12000")),
        ("brand-wechat", "2026-03-02", "reads", Decimal("13000")),
    ]
    assert batch.file.name.endswith(".xlsx")


def test_a_gb18030_tab_separated_export_is_read(campaign, users, wechat):
    data = csv_bytes([
        ["日期", "平台", "账号", "阅读量"], ["2026-03-01", "微信公众号", "brand-wechat", "7"],
    ], encoding="gb18030", delimiter="\t")

    batch = run(campaign, users["analyst"], data)

    assert (batch.status, batch.points_added) == (ImportStatus.DONE, 1)


def test_a_dry_run_counts_what_would_change_and_writes_nothing(campaign, users, wechat):
    data = csv_bytes([HEADER, ["2026-03-01", "微信公众号", "brand-wechat", "100", "5", "99.99"]])

    batch = run(campaign, users["analyst"], data, dry_run=True)

    assert (batch.status, batch.points_added) == (ImportStatus.DONE, 3)
    assert MetricPoint.objects.count() == 0
    assert DailyRollup.objects.count() == 0


def test_the_content_column_names_a_content_item_or_a_publication(campaign, users, wechat):
    item = ContentItemFactory(campaign=campaign, title="春季新品")
    other = ContentItemFactory(campaign=campaign, title="Other")
    publication = Publication.objects.create(
        team=campaign.team, item=other, account=wechat, scheduled_at=campaign.created_at,
        status="published", external_id="2247483695_1",
    )
    data = csv_bytes([
        ["日期", "平台", "账号", "内容", "阅读量"],
        ["2026-03-01", "微信公众号", "brand-wechat", "春季新品", "100"],
        ["2026-03-01", "微信公众号", "brand-wechat", "2247483695_1", "40"],
        ["2026-03-01", "微信公众号", "brand-wechat", f"#{item.pk}", "1"],
        ["2026-03-01", "微信公众号", "brand-wechat", "Nothing like it", "1"],
    ])

    batch = run(campaign, users["analyst"], data, skip_invalid=True)

    assert batch.errors == ["row 5: unknown content “Nothing like it”"]
    assert sorted(MetricPoint.objects.values_list(
        "content_item_id", "publication_id", "value"
    )) == sorted([(item.pk, None, Decimal("1")), (other.pk, publication.pk, Decimal("40"))])
    # Row 4 named the same item as row 2: the later row's value stands.
    assert DailyRollup.objects.get().value == Decimal("41")


@pytest.mark.parametrize(("data", "name"), [
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "export.csv"),
    (b"%PDF-1.7\n" + b"\x00\x01" * 40, "export.xlsx"),
    (b"", "export.csv"),
])
def test_a_file_is_judged_by_its_content_not_its_name(campaign, users, data, name):
    with pytest.raises(ValidationError) as caught:
        imports.import_create(
            actor=users["analyst"], campaign=campaign, file=upload(data, name),
            original_name=name, run=False,
        )

    assert list(caught.value.message_dict) == ["file"]
    assert ImportBatch.objects.count() == 0


class Unreadable(io.BytesIO):
    """A file whose content must not be read: only its size is known."""

    def read(self, *args):
        raise AssertionError("the file was read")


def test_a_file_over_the_import_limit_is_refused_before_it_is_read(campaign, users, settings):
    settings.ANALYTICS_IMPORT_MAX_MB = 1
    big = Unreadable()

    with pytest.raises(ValidationError) as caught:
        imports.import_create(
            actor=users["analyst"], campaign=campaign, file=big, original_name="big.csv",
            size=1024 * 1024 + 1, run=False,
        )

    assert caught.value.message_dict["file"] == [
        "The file is 1.0\xa0MB; imports may be at most 1.0\xa0MB."
    ]


@pytest.mark.parametrize(("role", "allowed"), [
    ("admin", True), ("manager", True), ("marketer", True), ("analyst", True),
    ("reviewer", False),
])
def test_importing_takes_the_metrics_import_capability(campaign, users, wechat, role, allowed):
    data = csv_bytes([HEADER, ["2026-03-01", "微信公众号", "brand-wechat", "1", "1", "1"]])

    if allowed:
        assert run(campaign, users[role], data).status == ImportStatus.DONE
    else:
        with pytest.raises(PermissionDenied):
            run(campaign, users[role], data)


def test_another_teams_member_may_not_import_into_the_campaign(campaign, outsider):
    with pytest.raises(PermissionDenied):
        run(campaign, outsider, csv_bytes([HEADER]))


class CountingReader(io.BytesIO):
    """Counts the bytes handed out, to show the reader streams."""

    handed = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.handed += len(chunk)
        return chunk

    def read1(self, size=-1):
        chunk = super().read1(size)
        self.handed += len(chunk)
        return chunk

    def readinto(self, buffer):
        count = super().readinto(buffer)
        self.handed += count
        return count


def _big_csv(rows: int) -> bytes:
    lines = ["date,platform,account,reads,likes,revenue"]
    start = datetime.date(2026, 1, 1)
    for n in range(rows):
        day = start + datetime.timedelta(days=n % 300)
        lines.append(f"{day.isoformat()},wechat_oa,brand-wechat,{n},{n % 97},{n % 1000}.{n % 100:02d}")
    return ("\n".join(lines) + "\n").encode()


def test_rows_are_read_as_a_stream_not_the_whole_file_at_once():
    data = _big_csv(100_000)
    handle = CountingReader(data)

    rows = imports.read_rows(handle, imports.CSV)
    first = [next(rows) for _ in range(10)]

    assert first[0] == (1, ["date", "platform", "account", "reads", "likes", "revenue"])
    assert len(data) > 3_000_000
    assert handle.handed < 200_000


def _traced_import(campaign, user, data: bytes) -> tuple[ImportBatch, int]:
    batch = imports.import_create(
        actor=user, campaign=campaign, file=upload(data), original_name="big.csv", run=False
    )
    tracemalloc.start()
    try:
        batch = imports.import_run(batch=batch)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return batch, peak


def test_memory_stays_flat_as_the_file_grows(campaign, users, wechat, monkeypatch):
    # Smaller chunks than in production keep the test quick; both files span many.
    monkeypatch.setattr(store, "STAGE_CHUNK", 1_000)
    small, small_peak = _traced_import(campaign, users["analyst"], _big_csv(2_000))
    large, large_peak = _traced_import(campaign, users["analyst"], _big_csv(8_000))

    assert (small.status, small.rows_done) == (ImportStatus.DONE, 2_000)
    assert (large.status, large.rows_done) == (ImportStatus.DONE, 8_000)
    # 300 days × 3 metrics: later rows of a day replace earlier ones.
    assert MetricPoint.objects.count() == 900
    # Four times the rows, not four times the memory: rows go to the staging
    # table in chunks and the file is read as a stream.
    assert large_peak < small_peak * 1.5
