"""Calendar pages: month and week views, drag to move, scheduling, detail, plans, per role."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from campaigns.content.models import ContentStatus as C
from campaigns.publishing import services
from campaigns.publishing.models import Publication, PublishingPlan, Slot
from campaigns.publishing.models import PublicationStatus as P
from platforms.models import VerificationStatus

from .factories import approved_item, attempt, in_minutes, publication, steer_sandbox

pytestmark = pytest.mark.django_db

ROLES = ("admin", "manager", "marketer", "reviewer", "analyst")
EDITORS = {"admin", "manager", "marketer"}


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"


def _local(team, value):
    return timezone.localtime(value, team.zone)


def _scheduled(campaign, account, users, *, title="Spring tea arrives", minutes=120):
    item = approved_item(campaign, [account], title=title)
    [pub] = services.publication_schedule(
        actor=users["marketer"], item=item, at=in_minutes(minutes)
    )
    return pub


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_the_calendar_and_only_publishers_get_the_ready_items(
    client_as, campaign, weibo, users, role
):
    approved_item(campaign, [weibo], title="Ready to go")
    pub = _scheduled(campaign, weibo, users, title="Already planned")

    page = client_as(users[role]).get(
        reverse("publishing:calendar"), {"date": _local(campaign.team, pub.scheduled_at).date()}
    ).content.decode()

    assert "Already planned" in page
    assert ('data-testid="ready-item"' in page) == (role in EDITORS)
    assert ('draggable="true" data-move-url' in page) == (role in EDITORS)


def test_month_view_shows_published_posts_with_their_url_and_unfilled_slots(
    client_as, campaign, weibo, users
):
    item = approved_item(campaign, [weibo], status=C.PUBLISHED, title="Out already")
    publication(item, weibo, status=P.PUBLISHED, external_id="sbx-1",
                url="https://sandbox.campaignops.invalid/weibo/sbx-1", at=in_minutes(60))
    Slot.objects.create(team=campaign.team, account=weibo, starts_at=in_minutes(180))

    page = client_as(users["marketer"]).get(reverse("publishing:calendar"), {
        "date": _local(campaign.team, in_minutes(60)).date(),
    }).content.decode()

    assert 'data-testid="calendar-month"' in page
    assert 'href="https://sandbox.campaignops.invalid/weibo/sbx-1"' in page
    assert page.count('data-testid="cal-unfilled-slot"') == 1
    assert 'data-testid="cal-unfilled-count">1 unfilled slot<' in page


def test_week_view_puts_entries_in_their_hour(client_as, campaign, weibo, users):
    pub = _scheduled(campaign, weibo, users)
    local = _local(campaign.team, pub.scheduled_at)

    page = client_as(users["marketer"]).get(reverse("publishing:calendar"), {
        "view": "week", "date": local.date(),
    }).content.decode()

    assert 'data-testid="calendar-week"' in page
    cell = f'data-drop-date="{local.date():%Y-%m-%d}" data-drop-hour="{local.hour}"'
    after = page.split(cell, 1)[1].split("</td>", 1)[0]
    assert "Spring tea arrives" in after


@pytest.mark.parametrize(("filters", "shown"), [
    ({}, {"On Weibo", "On Douyin"}),
    ({"account": "weibo"}, {"On Weibo"}),
    ({"platform": "douyin"}, {"On Douyin"}),
    ({"state": "failed"}, {"On Douyin"}),
    ({"state": "unfilled"}, set()),
    ({"campaign": "other"}, set()),
])
def test_calendar_filters(client_as, campaign, weibo, douyin, users, filters, shown):
    from tests.campaigns.planning.factories import CampaignFactory

    other = CampaignFactory(team=campaign.team, owner=users["marketer"], name="Other")
    at = in_minutes(60)
    publication(approved_item(campaign, [weibo], title="On Weibo", status=C.SCHEDULED),
                weibo, at=at)
    publication(approved_item(campaign, [douyin], title="On Douyin", status=C.FAILED),
                douyin, status=P.FAILED, at=at)
    query = {"date": _local(campaign.team, at).date()}
    lookup = {"weibo": weibo.pk, "douyin": douyin.pk, "other": other.pk}
    for key, value in filters.items():
        query[key] = (
            weibo.platform_id if value == "weibo" and key == "platform"
            else douyin.platform_id if key == "platform"
            else lookup.get(value, value)
        )

    page = client_as(users["marketer"]).get(reverse("publishing:calendar"), query)

    assert page.status_code == 200
    text = page.content.decode()
    assert {t for t in ("On Weibo", "On Douyin") if t in text} == shown


def test_calendar_of_another_team_is_not_shown_to_an_outsider(
    client_as, campaign, weibo, users, outsider
):
    pub = _scheduled(campaign, weibo, users, title="Secret plan")

    page = client_as(outsider).get(reverse("publishing:calendar"), {
        "team": campaign.team_id, "date": _local(campaign.team, pub.scheduled_at).date(),
    }).content.decode()

    assert "Secret plan" not in page


def test_calendar_query_count_is_the_same_for_one_and_twenty_entries(
    client_as, campaign, weibo, douyin, users, django_assert_max_num_queries
):
    client = client_as(users["marketer"])
    at = in_minutes(60)
    date = _local(campaign.team, at).date()
    publication(approved_item(campaign, [weibo], status=C.SCHEDULED), weibo, at=at)
    Slot.objects.create(team=campaign.team, account=weibo, starts_at=at)
    approved_item(campaign, [weibo], title="Ready 0")
    client.get(reverse("publishing:calendar"), {"date": date})  # warm caches
    with django_assert_max_num_queries(40) as one:
        client.get(reverse("publishing:calendar"), {"date": date})
    for n in range(19):
        account = weibo if n % 2 else douyin
        publication(approved_item(campaign, [account], status=C.SCHEDULED, title=f"P{n}"),
                    account, at=at + datetime.timedelta(minutes=n))
        Slot.objects.create(team=campaign.team, account=account,
                            starts_at=at + datetime.timedelta(hours=1, minutes=n))
        approved_item(campaign, [weibo], title=f"Ready {n + 1}")

    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("publishing:calendar"), {"date": date}).content.decode()

    assert page.count('data-testid="cal-publication"') == 20
    assert page.count('data-testid="cal-unfilled-slot"') == 20


def test_list_query_count_is_the_same_for_one_and_twenty_rows(
    client_as, campaign, weibo, douyin, users, django_assert_max_num_queries
):
    client = client_as(users["marketer"])
    publication(approved_item(campaign, [weibo], status=C.SCHEDULED), weibo)
    client.get(reverse("publishing:publication_list"))
    with django_assert_max_num_queries(30) as one:
        client.get(reverse("publishing:publication_list"))
    for n in range(19):
        account = weibo if n % 2 else douyin
        publication(approved_item(campaign, [account], status=C.SCHEDULED, title=f"P{n}"),
                    account)

    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("publishing:publication_list")).content.decode()

    assert page.count('data-testid="publication-row"') == 20


# --- drag and drop -------------------------------------------------------------------


def test_dragging_a_publication_to_another_day_keeps_its_time_of_day(
    client_as, campaign, weibo, users
):
    pub = _scheduled(campaign, weibo, users)
    local = _local(campaign.team, pub.scheduled_at)
    target = local.date() + datetime.timedelta(days=2)

    response = client_as(users["marketer"]).post(
        reverse("publishing:publication_move", args=[pub.pk]), {"date": target.isoformat()},
        HTTP_HX_REQUEST="true",
    )

    assert (response.status_code, response["HX-Refresh"]) == (200, "true")
    pub.refresh_from_db()
    moved = _local(campaign.team, pub.scheduled_at)
    assert (moved.date(), moved.time()) == (target, local.time().replace(second=0, microsecond=0))


def test_dragging_to_an_hour_of_the_week_view_sets_that_hour(client_as, campaign, weibo, users):
    pub = _scheduled(campaign, weibo, users)
    target = _local(campaign.team, pub.scheduled_at).date() + datetime.timedelta(days=1)

    client_as(users["marketer"]).post(
        reverse("publishing:publication_move", args=[pub.pk]),
        {"date": target.isoformat(), "hour": "7"},
    )

    pub.refresh_from_db()
    assert _local(campaign.team, pub.scheduled_at).hour == 7


def test_dragging_into_the_past_answers_400_with_the_reason_and_moves_nothing(
    client_as, campaign, weibo, users
):
    pub = _scheduled(campaign, weibo, users)
    before = pub.scheduled_at
    yesterday = timezone.localdate() - datetime.timedelta(days=2)

    response = client_as(users["marketer"]).post(
        reverse("publishing:publication_move", args=[pub.pk]), {"date": yesterday.isoformat()}
    )

    assert response.status_code == 400
    assert "The time is in the past; choose a later one." in response.content.decode()
    pub.refresh_from_db()
    assert pub.scheduled_at == before


def test_dragging_by_a_reviewer_is_forbidden(client_as, campaign, weibo, users):
    pub = _scheduled(campaign, weibo, users)

    response = client_as(users["reviewer"]).post(
        reverse("publishing:publication_move", args=[pub.pk]),
        {"date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()},
    )

    assert response.status_code == 403


def test_dragging_another_teams_publication_is_404(client_as, campaign, weibo, users, outsider):
    pub = _scheduled(campaign, weibo, users)

    response = client_as(outsider).post(
        reverse("publishing:publication_move", args=[pub.pk]),
        {"date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()},
    )

    assert response.status_code == 404


def test_dropping_an_approved_item_on_an_unfilled_slot_schedules_it_there(
    client_as, campaign, weibo, users
):
    item = approved_item(campaign, [weibo])
    slot = Slot.objects.create(team=campaign.team, account=weibo, starts_at=in_minutes(240))

    response = client_as(users["marketer"]).post(
        reverse("publishing:item_drop", args=[item.pk]),
        {"date": _local(campaign.team, slot.starts_at).date().isoformat(), "slot": slot.pk},
    )

    assert response.status_code == 200
    pub = Publication.objects.get(item=item)
    assert (pub.scheduled_at, pub.slot_id) == (slot.starts_at, slot.pk)


# --- scheduling page: bad input -----------------------------------------------------------


def test_scheduling_in_the_past_shows_a_field_error_and_writes_nothing(
    client_as, campaign, weibo, users
):
    item = approved_item(campaign, [weibo])
    past = timezone.localtime(timezone.now(), campaign.team.zone) - datetime.timedelta(hours=2)

    response = client_as(users["marketer"]).post(
        reverse("publishing:item_schedule", args=[item.pk]),
        {"accounts": [weibo.pk], "date": past.date().isoformat(), "time": past.strftime("%H:%M")},
    )

    assert response.status_code == 400
    assert 'data-testid="form-errors"' in response.content.decode()
    assert "The time is in the past; choose a later one." in response.content.decode()
    assert not Publication.objects.exists()


def test_scheduling_on_an_account_that_cannot_publish_shows_why_and_writes_nothing(
    client_as, campaign, weibo, users
):
    weibo.verification_status = VerificationStatus.REJECTED
    weibo.save()
    item = approved_item(campaign, [weibo])
    later = timezone.localtime(in_minutes(120), campaign.team.zone)

    response = client_as(users["marketer"]).post(
        reverse("publishing:item_schedule", args=[item.pk]),
        {"accounts": [weibo.pk], "date": later.date().isoformat(),
         "time": later.strftime("%H:%M")},
    )

    assert response.status_code == 400
    assert 'data-testid="field-error-accounts"' in response.content.decode()
    assert "cannot publish" in response.content.decode()
    assert not Publication.objects.exists()


def test_scheduling_page_takes_the_time_on_the_team_wall_clock(
    client_as, campaign, weibo, users
):
    campaign.team.time_zone = "America/New_York"
    campaign.team.save()
    item = approved_item(campaign, [weibo])
    day = timezone.localdate() + datetime.timedelta(days=5)

    response = client_as(users["marketer"]).post(
        reverse("publishing:item_schedule", args=[item.pk]),
        {"accounts": [weibo.pk], "date": day.isoformat(), "time": "20:00"},
    )

    assert response.status_code == 302
    pub = Publication.objects.get(item=item)
    local = timezone.localtime(pub.scheduled_at, campaign.team.zone)
    assert (local.date(), local.hour, local.minute) == (day, 20, 0)


def test_scheduling_page_of_another_teams_item_is_404(client_as, campaign, weibo, outsider):
    item = approved_item(campaign, [weibo])

    assert client_as(outsider).get(
        reverse("publishing:item_schedule", args=[item.pk])
    ).status_code == 404


# --- publication detail, retry -------------------------------------------------------------


def test_detail_shows_the_reason_before_the_attempt_log_and_offers_retry(
    client_as, campaign, weibo, users
):
    item = approved_item(campaign, [weibo], status=C.FAILED)
    pub = publication(item, weibo, status=P.FAILED, attempts=1, error_kind="auth",
                      error_code="40001")
    attempt(pub, 1, outcome="failed", error_kind="auth", error_code="40001")

    page = client_as(users["marketer"]).get(pub.get_absolute_url()).content.decode()

    reason = page.index('data-testid="publication-reason"')
    assert reason < page.index('data-testid="attempt-log"')
    assert "The platform rejected the account&#x27;s credentials" in page
    assert "(error code 40001)" in page
    assert 'data-testid="retry-form"' in page


@pytest.mark.parametrize("role", ROLES)
def test_detail_per_role(client_as, campaign, weibo, users, role):
    item = approved_item(campaign, [weibo], status=C.FAILED)
    pub = publication(item, weibo, status=P.FAILED, attempts=1, error_kind="permanent")
    attempt(pub, 1, outcome="failed", error_kind="permanent")

    response = client_as(users[role]).get(pub.get_absolute_url())

    assert response.status_code == 200
    assert ('data-testid="retry-form"' in response.content.decode()) == (role in EDITORS)


def test_detail_of_another_team_is_404(client_as, campaign, weibo, users, outsider):
    pub = _scheduled(campaign, weibo, users)

    assert client_as(outsider).get(pub.get_absolute_url()).status_code == 404


def test_retry_button_publishes_again(
    client_as, campaign, weibo, users, django_capture_on_commit_callbacks
):
    steer_sandbox(weibo, fail="permanent")
    item = approved_item(campaign, [weibo], status=C.SCHEDULED)
    pub = publication(item, weibo)
    services.publication_publish(publication_id=pub.pk)
    steer_sandbox(weibo)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(users["marketer"]).post(
            reverse("publishing:publication_retry", args=[pub.pk]),
            {"seen_attempt": "1", "confirm": "on"},
        )

    assert response.status_code == 302
    pub.refresh_from_db()
    assert (pub.status, pub.attempts) == (P.PUBLISHED, 2)


def test_retry_without_ticking_that_the_reason_was_read_is_refused(
    client_as, campaign, weibo, users
):
    item = approved_item(campaign, [weibo], status=C.FAILED)
    pub = publication(item, weibo, status=P.FAILED, attempts=1, error_kind="permanent")
    attempt(pub, 1, outcome="failed", error_kind="permanent")

    response = client_as(users["marketer"]).post(
        reverse("publishing:publication_retry", args=[pub.pk]), {"seen_attempt": "1"}
    )

    assert response.status_code == 400
    pub.refresh_from_db()
    assert pub.status == P.FAILED


def test_an_unknown_outcome_offers_a_check_not_a_retry(client_as, campaign, weibo, users):
    item = approved_item(campaign, [weibo], status=C.UNKNOWN)
    pub = publication(item, weibo, status=P.UNKNOWN, attempts=1, error_kind="unknown")
    attempt(pub, 1, outcome="unknown", error_kind="unknown", finished_at=timezone.now())

    page = client_as(users["marketer"]).get(pub.get_absolute_url()).content.decode()

    assert 'data-testid="check-now"' in page
    assert 'data-testid="retry-blocked"' in page
    assert 'data-testid="retry-form"' not in page


def test_reschedule_form_takes_the_team_wall_clock(client_as, campaign, weibo, users):
    pub = _scheduled(campaign, weibo, users)
    day = timezone.localdate() + datetime.timedelta(days=4)

    response = client_as(users["marketer"]).post(
        reverse("publishing:publication_reschedule", args=[pub.pk]),
        {"date": day.isoformat(), "time": "09:15"},
    )

    assert response.status_code == 302
    pub.refresh_from_db()
    local = _local(campaign.team, pub.scheduled_at)
    assert (local.date(), local.strftime("%H:%M")) == (day, "09:15")


# --- plans ------------------------------------------------------------------------------


def test_plans_page_creates_a_plan_from_a_preset(client_as, campaign, weibo, users):
    response = client_as(users["marketer"]).post(reverse("publishing:plans"), {
        "form": "plan", "plan-campaign": campaign.pk, "plan-account": weibo.pk,
        "plan-name": "Friday videos", "plan-preset": "video_weekly_friday",
        "plan-starts_on": timezone.localdate().isoformat(),
    })

    assert response.status_code == 302
    plan = PublishingPlan.objects.get()
    assert (plan.rrule, plan.content_kind) == ("FREQ=WEEKLY;BYDAY=FR", "short_video")
    assert Slot.objects.filter(plan=plan).count() == 6
    page = client_as(users["marketer"]).get(reverse("publishing:plans")).content.decode()
    assert page.count('data-testid="plan-row"') == 1


def test_plans_page_shows_a_bad_rule_under_its_field(client_as, campaign, weibo, users):
    response = client_as(users["marketer"]).post(reverse("publishing:plans"), {
        "form": "plan", "plan-campaign": campaign.pk, "plan-account": weibo.pk,
        "plan-name": "Too often", "plan-content_kind": "image_text",
        "plan-rrule": "FREQ=HOURLY", "plan-time_of_day": "09:00",
        "plan-starts_on": timezone.localdate().isoformat(),
    })

    assert response.status_code == 400
    assert 'data-testid="field-error-rrule"' in response.content.decode()
    assert not PublishingPlan.objects.exists()


def test_a_reviewer_cannot_post_a_plan(client_as, campaign, weibo, users):
    response = client_as(users["reviewer"]).post(reverse("publishing:plans"), {
        "form": "plan", "plan-campaign": campaign.pk, "plan-account": weibo.pk,
        "plan-name": "x", "plan-preset": "image_text_daily",
        "plan-starts_on": timezone.localdate().isoformat(),
    })

    assert response.status_code == 403
    assert not PublishingPlan.objects.exists()


# --- zh-Hans --------------------------------------------------------------------------------


def test_calendar_and_detail_speak_chinese(client_as, campaign, weibo, users, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    item = approved_item(campaign, [weibo], status=C.FAILED)
    pub = publication(item, weibo, status=P.FAILED, attempts=1, error_kind="not_found",
                      at=in_minutes(60))
    attempt(pub, 1, outcome="failed", error_kind="not_found")
    Slot.objects.create(team=campaign.team, account=weibo, starts_at=in_minutes(120))
    client = client_as(users["marketer"])

    with translation.override("zh-hans"):
        calendar = client.get(reverse("publishing:calendar"), {
            "date": _local(campaign.team, pub.scheduled_at).date(),
        }, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        detail = client.get(pub.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert "发布日历" in calendar
    assert "待填充时段" in calendar
    assert "发布失败" in calendar or "失败" in calendar
    assert "平台上没有这条内容的记录" in detail
    assert "not_found" not in detail.split('data-testid="publication-reason"', 1)[1].split(
        "</section>", 1
    )[0]


@pytest.mark.parametrize("role", ROLES)
def test_list_and_plans_pages_open_for_every_role(client_as, campaign, weibo, users, role):
    _scheduled(campaign, weibo, users, title="Listed")
    client = client_as(users[role])

    listed = client.get(reverse("publishing:publication_list"))
    plans = client.get(reverse("publishing:plans"))

    assert (listed.status_code, plans.status_code) == (200, 200)
    assert "Listed" in listed.content.decode()
    assert ('data-testid="plan-form"' in plans.content.decode()) == (role in EDITORS)


def test_another_teams_plan_is_404_to_edit_and_to_remove(client_as, campaign, weibo, users,
                                                         outsider):
    plan = services.plan_create(actor=users["marketer"], campaign=campaign, account=weibo,
                                name="Ours", preset="image_text_daily",
                                starts_on=timezone.localdate())
    client = client_as(outsider)

    assert client.get(reverse("publishing:plan_edit", args=[plan.pk])).status_code == 404
    assert client.post(reverse("publishing:plan_delete", args=[plan.pk])).status_code == 404
    assert PublishingPlan.objects.filter(pk=plan.pk).exists()
