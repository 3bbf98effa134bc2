"""The import's three doors: the upload page (preview, progress), the API and the command."""

import pytest
from django.core.management import CommandError, call_command

from analytics.models import DailyRollup, ImportBatch, ImportStatus, MetricPoint
from analytics.services import imports
from tests.analytics.ingest.files import csv_bytes, upload, xlsx_bytes
from tests.campaigns.planning.factories import CampaignFactory

pytestmark = pytest.mark.django_db
HEADER = ["日期", "平台", "账号", "阅读量", "销售额"]
GOOD = ["2026-03-01", "微信公众号", "brand-wechat", "12000", "1999.90"]
BAD = ["2026-03-02", "tiktok", "brand-wechat", "1", "1"]


# --- page -------------------------------------------------------------------------------------


def test_the_upload_page_imports_in_the_background_and_shows_preview_and_progress(
    client_as, users, campaign, wechat, django_capture_on_commit_callbacks
):
    client = client_as(users["analyst"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert client.get("/analytics/imports/new/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/analytics/imports/new/", {
            "campaign": campaign.pk, "preset": "generic",
            "file": upload(csv_bytes([HEADER, GOOD, BAD]), "export.csv"),
        })

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/analytics/imports/{batch.pk}/"
    assert len(callbacks) == 1
    batch.refresh_from_db()
    assert (batch.status, batch.errors) == (ImportStatus.REJECTED, ["row 3: unknown platform “tiktok”"])
    page = client.get(response["Location"]).content.decode()
    assert 'data-testid="import-preview"' in page
    # The file's first rows, and what its columns become.
    assert "1999.90" in page
    assert "Revenue" in page
    assert "row 3: unknown platform “tiktok”" in page
    # Finished: the progress panel stops polling.
    assert f'hx-get="/analytics/imports/{batch.pk}/progress/"' not in page


def test_the_progress_panel_polls_while_the_import_runs(client_as, users, campaign, wechat):
    batch = imports.import_create(
        actor=users["analyst"], campaign=campaign, file=upload(csv_bytes([HEADER, GOOD])),
        original_name="export.csv", run=False,
    )
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.RUNNING, rows_total=200, rows_done=50
    )

    panel = client_as(users["manager"]).get(f"/analytics/imports/{batch.pk}/progress/")

    html = panel.content.decode()
    assert panel.status_code == 200
    assert f'hx-get="/analytics/imports/{batch.pk}/progress/"' in html
    assert 'aria-valuenow="25"' in html


def test_the_upload_page_shows_the_service_error_on_the_file_field(client_as, users, campaign):
    client = client_as(users["marketer"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post("/analytics/imports/new/", {
        "campaign": campaign.pk, "preset": "generic",
        "file": upload(b"\x89PNG\r\n\x1a\n\x00\x00", "export.csv"),
    })

    assert response.status_code == 200
    assert "This file is neither CSV nor XLSX, whatever its name says." in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_an_oversized_upload_is_refused_before_the_body_is_read(
    client_as, users, campaign, settings
):
    settings.ANALYTICS_IMPORT_MAX_MB = 1
    client = client_as(users["marketer"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    response = client.post(
        "/analytics/imports/new/", {"campaign": campaign.pk, "preset": "generic",
                                    "file": upload(b"a,b\n" * 400_000)},
    )

    assert response.status_code == 413
    assert "The file is larger than imports allow (1 MB)." in response.content.decode()
    assert ImportBatch.objects.count() == 0


@pytest.mark.parametrize("role", ["reviewer"])
def test_roles_without_metrics_import_cannot_open_the_upload_page(client_as, users, role):
    assert client_as(users[role]).get("/analytics/imports/new/").status_code == 403


def test_another_teams_import_is_a_404(client_as, users, campaign, wechat, outsider):
    batch = imports.import_create(
        actor=users["analyst"], campaign=campaign, file=upload(csv_bytes([HEADER, GOOD])),
        original_name="export.csv", run=False,
    )
    client = client_as(outsider)

    assert client.get(f"/analytics/imports/{batch.pk}/").status_code == 404
    assert client.get(f"/analytics/imports/{batch.pk}/progress/").status_code == 404
    assert "export.csv" not in client.get("/analytics/imports/").content.decode()


def _batches(team, owner, count: int) -> None:
    campaign = CampaignFactory(team=team, owner=owner)
    for n in range(count):
        imports.import_create(
            actor=owner, campaign=campaign, file=upload(csv_bytes([HEADER, GOOD])),
            original_name=f"export-{n}.csv", run=False,
        )


@pytest.mark.parametrize("count", [1, 20])
def test_the_imports_page_takes_the_same_queries_for_1_and_20_imports(
    count, client_as, users, team, django_assert_max_num_queries
):
    _batches(team, users["analyst"], count)
    client = client_as(users["analyst"])

    with django_assert_max_num_queries(9):
        response = client.get("/analytics/imports/")

    assert response.content.decode().count('data-testid="import-row"') == count


# --- API --------------------------------------------------------------------------------------


def test_the_api_takes_an_upload_and_reports_its_status(
    api_as, users, campaign, wechat, django_capture_on_commit_callbacks
):
    api = api_as(users["analyst"])
    api.credentials(HTTP_ACCEPT_LANGUAGE="en")
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post("/api/v1/imports/", {
            "campaign": campaign.pk, "skip_invalid": "true",
            "file": upload(xlsx_bytes([HEADER, GOOD, BAD]), "报表.xlsx"),
        }, format="multipart")

    assert created.status_code == 201
    assert created.data["status"] == "pending"
    status = api.get(f"/api/v1/imports/{created.data['id']}/")
    assert status.status_code == 200
    assert {k: status.data[k] for k in (
        "original_name", "status", "progress", "rows_done", "rows_invalid", "points_added",
        "errors",
    )} == {
        "original_name": "报表.xlsx", "status": "done", "progress": 1.0, "rows_done": 2,
        "rows_invalid": 1, "points_added": 2, "errors": ["row 3: unknown platform “tiktok”"],
    }
    assert DailyRollup.objects.filter(campaign=campaign).count() == 2


@pytest.mark.parametrize(("role", "status"), [
    ("admin", 201), ("manager", 201), ("marketer", 201), ("analyst", 201), ("reviewer", 403),
])
def test_the_api_upload_takes_the_metrics_import_capability(
    api_as, users, campaign, wechat, role, status
):
    response = api_as(users[role]).post("/api/v1/imports/", {
        "campaign": campaign.pk, "file": upload(csv_bytes([HEADER, GOOD])),
    }, format="multipart")

    assert response.status_code == status


def test_the_api_treats_another_teams_campaign_as_missing(api_as, outsider, campaign):
    response = api_as(outsider).post("/api/v1/imports/", {
        "campaign": campaign.pk, "file": upload(csv_bytes([HEADER, GOOD])),
    }, format="multipart")

    assert response.status_code == 400
    assert list(response.data) == ["campaign"]


def test_the_api_refuses_a_file_that_is_neither_csv_nor_xlsx(api_as, users, campaign):
    api = api_as(users["analyst"])
    api.credentials(HTTP_ACCEPT_LANGUAGE="en")
    response = api.post("/api/v1/imports/", {
        "campaign": campaign.pk, "file": upload(b"%PDF-1.4\n\x00\x01", "export.xlsx"),
    }, format="multipart")

    assert response.status_code == 400
    assert response.data == {"file": ["This file is neither CSV nor XLSX, whatever its name says."]}


def test_the_api_refuses_an_oversized_upload_by_its_declared_size(
    api_as, users, campaign, settings
):
    settings.ANALYTICS_IMPORT_MAX_MB = 1

    response = api_as(users["analyst"]).post("/api/v1/imports/", {
        "campaign": campaign.pk, "file": upload(b"a,b\n" * 400_000),
    }, format="multipart")

    assert response.status_code == 400
    assert list(response.data) == ["file"]


def test_another_teams_import_status_is_a_404(api_as, users, campaign, wechat, outsider):
    batch = imports.import_create(
        actor=users["analyst"], campaign=campaign, file=upload(csv_bytes([HEADER, GOOD])),
        original_name="export.csv", run=False,
    )

    assert api_as(outsider).get(f"/api/v1/imports/{batch.pk}/").status_code == 404
    assert api_as(outsider).get("/api/v1/imports/").data["count"] == 0


@pytest.mark.parametrize("count", [1, 20])
def test_the_imports_endpoint_takes_the_same_queries_for_1_and_20_imports(
    count, api_as, users, team, django_assert_max_num_queries
):
    _batches(team, users["analyst"], count)
    api = api_as(users["analyst"])

    with django_assert_max_num_queries(4):
        response = api.get("/api/v1/imports/")

    assert response.data["count"] == count


# --- command ----------------------------------------------------------------------------------


def _write(tmp_path, rows, name="export.csv"):
    path = tmp_path / name
    path.write_bytes(csv_bytes(rows))
    return path


def test_the_command_refuses_invalid_rows_with_a_non_zero_exit(tmp_path, campaign, wechat, capsys):
    path = _write(tmp_path, [HEADER, GOOD, BAD])

    with pytest.raises(CommandError, match="Rejected: invalid rows"):
        call_command("import_metrics", str(path), "--campaign", str(campaign.pk), "--language", "en")

    assert "row 3: unknown platform “tiktok”" in capsys.readouterr().err
    assert MetricPoint.objects.count() == 0


def test_the_command_imports_the_valid_rows_when_told_to_skip(tmp_path, campaign, wechat, capsys):
    path = _write(tmp_path, [HEADER, GOOD, BAD])

    call_command("import_metrics", str(path), "--campaign", str(campaign.pk), "--language", "en", "--skip-invalid")

    out = capsys.readouterr()
    assert "row 3: unknown platform “tiktok”" in out.err
    assert "points added 2" in out.out
    assert MetricPoint.objects.count() == 2
    assert ImportBatch.objects.get().file.name.startswith("imports/")


def test_the_command_dry_run_writes_nothing(tmp_path, campaign, wechat, capsys):
    path = _write(tmp_path, [HEADER, GOOD])

    call_command("import_metrics", str(path), "--campaign", str(campaign.pk), "--language", "en", "--dry-run")

    assert "points added 2" in capsys.readouterr().out
    assert MetricPoint.objects.count() == 0


def test_the_command_names_a_missing_campaign(tmp_path, db):
    path = _write(tmp_path, [HEADER, GOOD])

    with pytest.raises(CommandError, match="No campaign with id 999999"):
        call_command("import_metrics", str(path), "--campaign", "999999")


def test_a_chinese_upload_reports_its_rows_and_status_in_chinese(
    client_as, users, campaign, wechat, django_capture_on_commit_callbacks
):
    client = client_as(users["analyst"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/analytics/imports/new/", {
            "campaign": campaign.pk, "preset": "generic",
            "file": upload(csv_bytes([HEADER, GOOD, BAD]), "export.csv"),
        })

    page = client.get(response["Location"]).content.decode()
    assert ImportBatch.objects.get().errors == ["第 3 行：未知平台“tiktok”"]
    assert "第 3 行：未知平台“tiktok”" in page
    assert "已拒绝：存在无效行" in page
    assert ">rejected<" not in page
