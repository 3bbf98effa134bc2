"""Each checker and filing rule lives in one service and holds through the page and the API.

The page and the API give the same field and the same message, because both
doors hand the service's ``ValidationError`` on unchanged (S3.1.1, S3.2.2).
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from compliance.advertising import services
from compliance.advertising.models import ContentCheck, FilingDocument, PromotionFiling
from teams.models import AuditEvent
from tests.compliance.advertising.factories import PromotionFilingFactory, platform
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CHECK_API = "/api/v1/compliance/check/"
FILINGS_API = "/api/v1/compliance/filings/"
TODAY = timezone.localdate()
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _check_page(client, **data):
    """Post the checker form as htmx does; the form as the page shows it."""
    response = client.post(
        reverse("advertising:checker"), {"text": "顶级面霜", "platform": "", **data},
        HTTP_HX_REQUEST="true", **ZH,
    )
    assert response.status_code == 200
    return response.context["form"]


def _check_api(client, **data):
    return client.post(CHECK_API, {"text": "顶级面霜", **data}, format="json", **ZH)


def _filing_fields(team, **overrides):
    return {
        "team": team.pk, "filing_number": "WB-2026-0815", "contract_reference": "HT-88",
        "amount_cny": "30000.00", "starts_on": str(TODAY),
        "ends_on": str(TODAY + datetime.timedelta(days=30)), **overrides,
    }


def _filing_page(client, team, **overrides):
    response = client.post(
        reverse("advertising:filing_create"),
        {"platform": platform("weibo").pk, **_filing_fields(team, **overrides)}, **ZH,
    )
    return response


def _filing_api(client, team, **overrides):
    return client.post(
        FILINGS_API, {"platform": "weibo", **_filing_fields(team, **overrides)}, format="json", **ZH
    )


# --- the team a check is stored for ----------------------------------------------------

def test_a_single_team_users_check_is_stored_in_their_team_through_both_doors(
    users, team, other_team, client_as, api_as
):
    form = _check_page(client_as(users["marketer"]))
    response = _check_api(api_as(users["marketer"]))

    assert form.errors == {}
    assert response.status_code == 200
    assert list(ContentCheck.objects.values_list("team", flat=True)) == [team.pk, team.pk]


def test_a_user_of_several_teams_must_name_one_through_both_doors(
    users, team, other_team, client_as, api_as
):
    form = _check_page(client_as(users["manager"]))
    response = _check_api(api_as(users["manager"]))

    assert form.errors == {"team": ["请选择团队。"]}
    assert response.status_code == 400
    assert response.json() == {"team": ["请选择团队。"]}
    assert ContentCheck.objects.count() == 0


def test_a_user_of_several_teams_is_told_about_the_team_and_the_text_at_once(
    users, team, other_team, api_as
):
    response = api_as(users["manager"]).post(CHECK_API, {"text": ""}, format="json", **ZH)

    assert response.status_code == 400
    assert response.json() == {"text": ["请输入待检查的文本。"], "team": ["请选择团队。"]}


def test_the_named_team_is_used_through_both_doors(users, team, other_team, client_as, api_as):
    form = _check_page(client_as(users["manager"]), team=other_team.pk)
    response = _check_api(api_as(users["manager"]), team=other_team.pk)

    assert form.errors == {}
    assert response.status_code == 200
    assert ContentCheck.objects.get(pk=response.json()["id"]).team == other_team
    assert list(ContentCheck.objects.values_list("team", flat=True)) == [other_team.pk] * 2


def test_a_user_in_no_team_is_told_so_through_both_doors(team, client_as, api_as):
    loner = UserFactory(username="loner")

    form = _check_page(client_as(loner))
    response = _check_api(api_as(loner))

    assert form.errors == {"team": ["您不在任何可以运行检查的团队中。"]}
    assert response.status_code == 400
    assert response.json() == {"team": ["您不在任何可以运行检查的团队中。"]}
    assert ContentCheck.objects.count() == 0


def test_another_users_team_cannot_be_named_through_either_door(
    users, team, other_team, client_as, api_as
):
    form = _check_page(client_as(users["marketer"]), team=other_team.pk)
    response = _check_api(api_as(users["marketer"]), team=other_team.pk)

    assert list(form.errors) == ["team"]
    assert response.status_code == 400
    assert response.json() == {"team": ["没有这个团队。"]}
    assert ContentCheck.objects.count() == 0


def test_a_filing_of_another_team_than_the_checks_is_refused_through_both_doors(
    users, team, other_team, client_as, api_as
):
    theirs = PromotionFilingFactory(team=other_team)

    form = _check_page(client_as(users["manager"]), team=team.pk, filing=theirs.pk)
    response = _check_api(api_as(users["manager"]), team=team.pk, filing=theirs.pk)

    assert form.errors == {"filing": ["该备案属于其他团队。"]}
    assert response.status_code == 400
    assert response.json() == {"filing": ["该备案属于其他团队。"]}
    assert ContentCheck.objects.count() == 0


# --- filings --------------------------------------------------------------------------

def test_the_end_date_may_not_precede_the_start_through_both_doors(users, team, client_as, api_as):
    before = str(TODAY - datetime.timedelta(days=1))

    page = _filing_page(client_as(users["marketer"]), team, ends_on=before)
    response = _filing_api(api_as(users["marketer"]), team, ends_on=before)

    assert page.status_code == 200
    assert page.context["form"].errors == {"ends_on": ["结束日期不能早于开始日期。"]}
    assert response.status_code == 400
    assert response.json() == {"ends_on": ["结束日期不能早于开始日期。"]}
    assert PromotionFiling.objects.count() == 0


def test_the_amount_may_not_be_negative_through_both_doors(users, team, client_as, api_as):
    page = _filing_page(client_as(users["marketer"]), team, amount_cny="-5")
    response = _filing_api(api_as(users["marketer"]), team, amount_cny="-5")

    assert page.context["form"].errors == {"amount_cny": ["请输入不小于零的金额。"]}
    assert response.status_code == 400
    assert response.json() == {"amount_cny": ["请输入不小于零的金额。"]}
    assert PromotionFiling.objects.count() == 0


def test_a_filing_number_is_unique_per_team_and_platform_through_both_doors(
    users, team, client_as, api_as
):
    PromotionFilingFactory(team=team, filing_number="WB-2026-0815")

    page = _filing_page(client_as(users["marketer"]), team)
    response = _filing_api(api_as(users["marketer"]), team)

    assert page.context["form"].errors == {"filing_number": ["该团队已有相同编号的备案。"]}
    assert response.status_code == 400
    assert response.json() == {"filing_number": ["该团队已有相同编号的备案。"]}
    assert PromotionFiling.objects.count() == 1


def test_a_filing_is_recorded_with_its_document_through_both_doors(
    users, team, client_as, api_as, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path

    page = client_as(users["marketer"]).post(
        reverse("advertising:filing_create"),
        {"platform": platform("weibo").pk, **_filing_fields(team, filing_number="PAGE-1"),
         "file": SimpleUploadedFile("receipt.pdf", b"%PDF"), "title": "平台回执"},
    )
    response = api_as(users["marketer"]).post(
        FILINGS_API,
        {"platform": "weibo", **_filing_fields(team, filing_number="API-1"),
         "document": SimpleUploadedFile("contract.pdf", b"%PDF"), "document_title": "合同"},
        format="multipart",
    )

    assert page.status_code == 302
    assert response.status_code == 201, response.json()
    assert [d["title"] for d in response.json()["documents"]] == ["合同"]
    assert sorted(FilingDocument.objects.values_list("filing__filing_number", "title")) == [
        ("API-1", "合同"), ("PAGE-1", "平台回执"),
    ]
    assert AuditEvent.objects.filter(action="filing.document").count() == 2


def test_a_refused_filing_keeps_no_document_through_both_doors(
    users, team, client_as, api_as, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    before = str(TODAY - datetime.timedelta(days=1))

    page = client_as(users["marketer"]).post(
        reverse("advertising:filing_create"),
        {"platform": platform("weibo").pk, **_filing_fields(team, ends_on=before),
         "file": SimpleUploadedFile("receipt.pdf", b"%PDF")},
    )
    response = api_as(users["marketer"]).post(
        FILINGS_API,
        {"platform": "weibo", **_filing_fields(team, ends_on=before),
         "document": SimpleUploadedFile("contract.pdf", b"%PDF")},
        format="multipart",
    )

    assert page.status_code == 200
    assert response.status_code == 400
    assert PromotionFiling.objects.count() == 0
    assert FilingDocument.objects.count() == 0
    assert list(tmp_path.rglob("*.pdf")) == []


def test_a_document_that_cannot_be_stored_takes_its_filing_with_it_through_both_doors(
    users, team, client_as, api_as, settings, tmp_path
):
    blocked = tmp_path / "media"
    blocked.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocked
    client = client_as(users["marketer"])

    with pytest.raises(OSError):  # noqa: PT011 - the storage's own error, whichever subclass
        client.post(
            reverse("advertising:filing_create"),
            {"platform": platform("weibo").pk, **_filing_fields(team, filing_number="PAGE-1"),
             "file": SimpleUploadedFile("receipt.pdf", b"%PDF")},
        )
    response = api_as(users["marketer"]).post(
        FILINGS_API,
        {"platform": "weibo", **_filing_fields(team, filing_number="API-1"),
         "document": SimpleUploadedFile("contract.pdf", b"%PDF")},
        format="multipart",
    )

    assert response.status_code == 500
    assert PromotionFiling.objects.count() == 0
    assert not AuditEvent.objects.filter(action="filing.create").exists()


def test_a_filing_stays_in_its_team_through_both_doors(users, team, other_team, client_as, api_as):
    filing = PromotionFilingFactory(team=team, filing_number="WB-1")
    client = client_as(users["manager"])

    client.post(
        reverse("advertising:filing_edit", args=[filing.pk]),
        {"platform": platform("weibo").pk, **_filing_fields(other_team, filing_number="WB-2")},
    )
    filing.refresh_from_db()
    assert (filing.team, filing.filing_number) == (team, "WB-2")

    response = api_as(users["manager"]).patch(
        f"{FILINGS_API}{filing.pk}/", {"team": other_team.pk, "filing_number": "WB-3"},
        format="json", **ZH,
    )

    assert response.status_code == 400
    assert response.json() == {"team": ["备案不能转到其他团队。"]}
    filing.refresh_from_db()
    assert (filing.team, filing.filing_number) == (team, "WB-2")


def test_only_filing_editors_record_filings_through_both_doors(users, team, client_as, api_as):
    page = _filing_page(client_as(users["analyst"]), team)
    response = _filing_api(api_as(users["analyst"]), team)

    assert page.status_code == 200
    assert list(page.context["form"].errors) == ["team"]
    assert response.status_code == 403
    assert PromotionFiling.objects.count() == 0


# --- overrides --------------------------------------------------------------------------

OVERRIDE_TEXT = "全网最低价，专利配方"  # finding 0 blocks (AB-01), finding 1 warns (FA-02)
REASON = "法务已核实全网比价截图，存档编号 L-2026-031。"


@pytest.fixture
def blocked_check(users, team):
    return services.content_check_run(actor=users["marketer"], team=team, text=OVERRIDE_TEXT)


def _override_page(client, check, **data):
    response = client.post(
        reverse("advertising:check_override", args=[check.pk]), data, follow=True, **ZH
    )
    return [str(m) for m in response.context["messages"]]


def _override_api(client, check, **data):
    return client.post(
        f"/api/v1/compliance/checks/{check.pk}/override/", data, format="json", **ZH
    )


@pytest.mark.parametrize(
    ("index", "message"),
    [(-1, "此次检查中没有该发现项。"), (7, "此次检查中没有该发现项。"), (1, "只有拦截项需要豁免。")],
)
def test_only_an_existing_blocking_finding_is_overridden_through_both_doors(
    users, blocked_check, client_as, api_as, index, message
):
    page = _override_page(client_as(users["reviewer"]), blocked_check, finding_index=index, reason=REASON)
    response = _override_api(api_as(users["reviewer"]), blocked_check, finding_index=index, reason=REASON)

    assert page == [message]
    assert response.status_code == 400
    assert response.json() == {"finding_index": [message]}
    assert not blocked_check.overrides.exists()


def test_an_override_needs_a_written_reason_through_both_doors(users, blocked_check, client_as, api_as):
    page = _override_page(client_as(users["reviewer"]), blocked_check, finding_index=0, reason="ok")
    response = _override_api(api_as(users["reviewer"]), blocked_check, finding_index=0, reason="ok")

    assert page == ["请填写豁免理由（至少 10 个字符）。"]
    assert response.status_code == 400
    assert response.json() == {"reason": ["请填写豁免理由（至少 10 个字符）。"]}
    assert not blocked_check.overrides.exists()
