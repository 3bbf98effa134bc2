"""The engagement pages per role: inbox (constant queries, overdue, empty state, window
closed), replies, another team's records as 404, activities, segments, zh-Hans pages."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from campaigns.engagement import draw, services
from campaigns.engagement.models import (
    AudienceMember,
    InteractionReply,
    InteractionStatus,
    Lottery,
    ReplyStatus,
)

from .factories import InteractionFactory, consent, csv_upload, steer

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


@pytest.fixture
def template(team, users):
    return services.reply_template_create(actor=users["marketer"], team=team, name="Thanks",
                                          body="{nickname}，感谢支持！")


# --- the inbox ------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 20])
def test_the_inbox_page_keeps_a_constant_query_count(client_as, users, weibo, rows,
                                                     django_assert_max_num_queries):
    for _ in range(rows):
        item = InteractionFactory(account=weibo, assignee=users["marketer"], tags=["售后"])
        InteractionReply.objects.create(interaction=item, author=users["marketer"], text="x",
                                        status=ReplyStatus.WINDOW_CLOSED)
    client = client_as(users["marketer"])

    with django_assert_max_num_queries(14):
        response = client.get(reverse("engagement:inbox"))

    assert response.status_code == 200
    assert html(response).count("data-interaction=") == rows


def test_overdue_items_are_highlighted_and_counted(client_as, users, weibo):
    late = InteractionFactory(account=weibo, response_due_at=timezone.now() - datetime.timedelta(1))
    InteractionFactory(account=weibo, response_due_at=timezone.now() + datetime.timedelta(1))

    page = html(client_as(users["marketer"]).get(reverse("engagement:inbox")))

    assert f'data-overdue="1" data-interaction="{late.pk}"' in page
    assert page.count('data-overdue="1"') == 1
    assert re.search(r'data-count="overdue"[^>]*>1<', page)


def test_the_inbox_filters_by_status_and_shows_resolved_on_request(client_as, users, weibo):
    InteractionFactory(account=weibo, text="still open")
    InteractionFactory(account=weibo, text="all done", status=InteractionStatus.RESOLVED)
    client = client_as(users["marketer"])

    default = html(client.get(reverse("engagement:inbox")))
    resolved = html(client.get(reverse("engagement:inbox"), {"status": "resolved"}))

    assert "still open" in default
    assert "all done" not in default
    assert "all done" in resolved
    assert "still open" not in resolved


def test_an_empty_inbox_says_so(client_as, users):
    page = html(client_as(users["marketer"]).get(reverse("engagement:inbox")))

    assert 'data-testid="empty-state"' in page
    assert "No interactions to answer" in page


def test_a_filter_matching_nothing_offers_the_way_back(client_as, users, weibo):
    InteractionFactory(account=weibo, sentiment_label="positive")

    page = html(client_as(users["marketer"]).get(reverse("engagement:inbox"),
                                                 {"sentiment": "negative"}))

    assert "Nothing matches these filters" in page


def test_an_outsider_sees_none_of_the_teams_interactions(client_as, users, weibo, outsider):
    item = InteractionFactory(account=weibo, text="secret comment")
    client = client_as(outsider)

    page = html(client.get(reverse("engagement:inbox")))

    assert "secret comment" not in page
    assert client.get(reverse("engagement:interaction", args=[item.pk])).status_code == 404
    response = client.post(reverse("engagement:interaction_reply", args=[item.pk]),
                           {"text": "hi"})
    assert response.status_code == 404
    assert InteractionReply.objects.count() == 0


def test_a_reply_from_the_page_uses_the_template(client_as, users, weibo, template):
    item = InteractionFactory(account=weibo, author_name="小鱼")
    client = client_as(users["marketer"])

    response = client.post(reverse("engagement:interaction_reply", args=[item.pk]),
                           {"template": template.pk, "text": ""}, follow=True)

    assert response.status_code == 200
    assert "Reply sent." in html(response)
    assert InteractionReply.objects.get().text == "小鱼，感谢支持！"


def test_a_closed_window_is_shown_as_window_closed_not_as_an_error(client_as, users, weibo):
    steer(weibo, fail="reply_window_closed")
    item = InteractionFactory(account=weibo, kind="message")
    client = client_as(users["marketer"])

    response = client.post(reverse("engagement:interaction_reply", args=[item.pk]),
                           {"text": "你好"}, follow=True)
    inbox = html(client.get(reverse("engagement:inbox")))

    page = html(response)
    assert "Window closed: the platform accepts customer-service replies only within 48 hours" in page
    assert "alert-danger" not in page
    assert 'data-field="reply-status">Window closed<' in page
    assert 'data-field="reply">Window closed<' in inbox


def test_a_bad_reply_shows_the_error_on_the_form(client_as, users, weibo):
    item = InteractionFactory(account=weibo)

    response = client_as(users["marketer"]).post(
        reverse("engagement:interaction_reply", args=[item.pk]), {"text": "{phone}"})

    assert response.status_code == 400
    assert "Unknown variable(s) {phone}" in html(response)
    assert InteractionReply.objects.count() == 0


def test_a_reviewer_reads_the_interaction_without_reply_forms(client_as, users, weibo):
    item = InteractionFactory(account=weibo)
    client = client_as(users["reviewer"])

    page = html(client.get(reverse("engagement:interaction", args=[item.pk])))
    response = client.post(reverse("engagement:interaction_reply", args=[item.pk]), {"text": "x"})

    assert 'data-testid="reply-form"' not in page
    assert response.status_code == 403


def test_notes_assignment_triage_and_status_from_the_page(client_as, users, weibo):
    item = InteractionFactory(account=weibo)
    client = client_as(users["marketer"])

    client.post(reverse("engagement:interaction_note", args=[item.pk]), {"text": "查订单"})
    client.post(reverse("engagement:interaction_assign", args=[item.pk]),
                {"assignee": users["manager"].pk})
    client.post(reverse("engagement:interaction_triage", args=[item.pk]),
                {"priority": "high", "tags": "售后，物流"})
    client.post(reverse("engagement:interaction_status", args=[item.pk]),
                {"status": "resolved"})

    item.refresh_from_db()
    assert (item.assignee, item.priority, item.tags, item.status) == (
        users["manager"], "high", ["售后", "物流"], "resolved")
    assert item.notes.get().text == "查订单"


def test_an_illegal_status_move_is_refused_on_the_page(client_as, users, weibo):
    item = InteractionFactory(account=weibo, status=InteractionStatus.RESOLVED)

    response = client_as(users["marketer"]).post(
        reverse("engagement:interaction_status", args=[item.pk]), {"status": "new"})

    assert response.status_code == 400
    assert "The status cannot go from" in html(response)


@pytest.mark.parametrize("name", ["templates", "policy", "report", "lotteries", "polls",
                                  "questions", "segments"])
@pytest.mark.parametrize("role", ["marketer", "reviewer", "analyst", "manager"])
def test_every_page_opens_for_every_role(client_as, users, name, role):
    assert client_as(users[role]).get(reverse(f"engagement:{name}")).status_code == 200


def test_the_report_page_lists_members(client_as, users, team, weibo):
    at = timezone.now() - datetime.timedelta(days=1)
    InteractionFactory(account=weibo, occurred_at=at, first_responder=users["marketer"],
                       first_response_at=at + datetime.timedelta(minutes=12))

    page = html(client_as(users["manager"]).get(reverse("engagement:report"), {
        "team": team.pk, "since": (timezone.localdate() - datetime.timedelta(days=3)).isoformat(),
        "until": timezone.localdate().isoformat(),
    }))

    assert 'data-member="marketer"' in page


def test_a_manager_sets_the_policy_and_a_marketer_may_not(client_as, users, team):
    data = {"team": team.pk, "first_response_minutes": 45, "working_days": [1, 2, 3],
            "work_starts": "08:30", "work_ends": "17:30"}

    refused = client_as(users["marketer"]).post(reverse("engagement:policy"), data)
    saved = client_as(users["manager"]).post(reverse("engagement:policy"), data)

    assert refused.status_code == 403
    assert saved.status_code == 302
    assert team.response_policy.first_response_minutes == 45


def test_templates_are_created_from_the_page(client_as, users, team):
    response = client_as(users["marketer"]).post(
        reverse("engagement:templates"), {"team": team.pk, "name": "Sorry", "body": "抱歉{nickname}"})

    assert response.status_code == 302
    assert team.reply_templates.get().name == "Sorry"


# --- lotteries ---------------------------------------------------------------------------------


def _lottery_form(campaign, **changes):
    now = timezone.localtime(timezone.now(), campaign.team.zone)
    fmt = "%Y-%m-%dT%H:%M"
    return {
        "campaign": campaign.pk, "title": "Spring draw", "rules": "在活动帖下留言即可参与，每人限一次。",
        "prizes": "保温杯 | 3 | 199\n礼盒 | 1", "platform": "",
        "entries_open_at": (now + datetime.timedelta(hours=1)).strftime(fmt),
        "entries_close_at": (now + datetime.timedelta(days=1)).strftime(fmt),
        "draw_at": (now + datetime.timedelta(days=1, hours=2)).strftime(fmt),
        "consent_purpose": "", **changes,
    }


def test_a_lottery_is_created_from_the_page_in_the_teams_time(client_as, users, campaign):
    response = client_as(users["marketer"]).post(reverse("engagement:lotteries"),
                                                 _lottery_form(campaign))

    lottery = Lottery.objects.get()
    assert response.status_code == 302
    assert lottery.prizes == [{"name": "保温杯", "count": 3, "value_cny": "199.00"},
                              {"name": "礼盒", "count": 1, "value_cny": ""}]
    typed = _lottery_form(campaign)["draw_at"]
    assert timezone.localtime(lottery.draw_at, campaign.team.zone).strftime("%Y-%m-%dT%H:%M") == typed


def test_a_lottery_without_prize_or_draw_time_shows_both_errors(client_as, users, campaign):
    response = client_as(users["marketer"]).post(
        reverse("engagement:lotteries"), _lottery_form(campaign, prizes="", draw_at=""))

    assert response.status_code == 400
    assert html(response).count("invalid-feedback") >= 2
    assert Lottery.objects.count() == 0


def test_a_share_to_enter_lottery_on_wechat_shows_the_finding(client_as, users, campaign):
    from platforms.models import Platform

    response = client_as(users["marketer"]).post(reverse("engagement:lotteries"), _lottery_form(
        campaign, rules="转发朋友圈即可参与抽奖", platform=Platform.objects.get(code="wechat_oa").pk))

    assert response.status_code == 400
    assert "PL-01" in html(response)
    assert Lottery.objects.count() == 0


@pytest.fixture
def drawn(campaign, users, team):
    t0 = timezone.now() - datetime.timedelta(days=5)
    lottery = services.lottery_create(
        actor=users["marketer"], campaign=campaign, title="Past draw",
        rules="在活动帖下留言即可参与，每人限一次。", prizes=[{"name": "Mug", "count": 1}],
        entries_open_at=t0 + datetime.timedelta(hours=1),
        entries_close_at=t0 + datetime.timedelta(days=1),
        draw_at=t0 + datetime.timedelta(days=2), now=t0,
    )
    services.lottery_open(actor=users["marketer"], lottery=lottery, now=t0 + datetime.timedelta(hours=1))
    for ref in ("a", "b", "c"):
        consent(team, ref, lottery.consent_purpose)
    services.lottery_entrants_import(actor=users["marketer"], lottery=lottery,
                                     upload=csv_upload("entrant_id\na\nb\nc\n"),
                                     now=t0 + datetime.timedelta(hours=2))
    services.lottery_close(actor=None, lottery=lottery, now=t0 + datetime.timedelta(days=1))
    return services.lottery_draw(actor=users["marketer"], lottery=lottery,
                                 now=t0 + datetime.timedelta(days=2))


def test_the_proof_page_and_file_show_a_proof_that_holds(client_as, users, drawn):
    client = client_as(users["reviewer"])

    page = html(client.get(reverse("engagement:lottery_proof", args=[drawn.pk])))
    download = client.get(reverse("engagement:lottery_proof_file", args=[drawn.pk]))

    assert "alert-success" in page
    assert drawn.winners[0] in page
    assert download["Content-Disposition"] == f'attachment; filename="lottery-{drawn.pk}-proof.json"'
    assert draw.verify_proof(json.loads(download.content)) == []


def test_the_lottery_page_shows_the_commitment_but_not_the_seed_before_the_draw(
    client_as, users, campaign
):
    lottery = services.lottery_create(
        actor=users["marketer"], campaign=campaign, title="Future", rules="留言即可参与，每人限一次。",
        prizes=[{"name": "Mug", "count": 1}],
        entries_open_at=timezone.now() + datetime.timedelta(hours=1),
        entries_close_at=timezone.now() + datetime.timedelta(days=1),
        draw_at=timezone.now() + datetime.timedelta(days=2),
    )
    client = client_as(users["marketer"])

    page = html(client.get(reverse("engagement:lottery", args=[lottery.pk])))
    proof = client.get(reverse("engagement:lottery_proof_file", args=[lottery.pk]))

    assert lottery.commitment in page
    assert lottery.seed not in page
    assert proof.status_code == 404


def test_lottery_actions_from_the_page(client_as, users, campaign, team):
    client = client_as(users["marketer"])
    client.post(reverse("engagement:lotteries"), _lottery_form(campaign))
    lottery = Lottery.objects.get()
    Lottery.objects.filter(pk=lottery.pk).update(
        entries_open_at=timezone.now() - datetime.timedelta(hours=1))
    consent(team, "u-1", lottery.consent_purpose)

    client.post(reverse("engagement:lottery_open", args=[lottery.pk]))
    imported = client.post(reverse("engagement:lottery_import", args=[lottery.pk]),
                           {"file": csv_upload("entrant_id\nu-1\n")})
    refused = client.post(reverse("engagement:lottery_import", args=[lottery.pk]),
                          {"file": csv_upload("entrant_id\nu-2\n")})
    early = client.post(reverse("engagement:lottery_close", args=[lottery.pk]))

    assert imported.status_code == 302
    assert refused.status_code == 400
    assert "u-2 has no active consent" in html(refused)
    assert early.status_code == 400
    assert "Entries close at" in html(early)
    assert list(lottery.entrants.values_list("entrant_id", flat=True)) == ["u-1"]


def test_another_teams_lottery_is_a_404(client_as, outsider, drawn):
    client = client_as(outsider)

    for name in ("lottery", "lottery_proof", "lottery_proof_file"):
        assert client.get(reverse(f"engagement:{name}", args=[drawn.pk])).status_code == 404
    assert client.post(reverse("engagement:lottery_cancel", args=[drawn.pk]),
                       {"reason": "x"}).status_code == 404


# --- polls, Q&A, segments ----------------------------------------------------------------------


def test_a_poll_vote_is_recorded_once_from_the_page(client_as, users, campaign):
    now = timezone.now()
    poll = services.poll_create(actor=users["marketer"], campaign=campaign, title="Flavour?",
                                options=["A", "B"], opens_at=now - datetime.timedelta(hours=1),
                                closes_at=now + datetime.timedelta(hours=1))
    option = poll.options.first()
    client = client_as(users["marketer"])

    first = client.post(reverse("engagement:poll", args=[poll.pk]),
                        {"option": option.pk, "participant": "u-1"})
    second = client.post(reverse("engagement:poll", args=[poll.pk]),
                         {"option": option.pk, "participant": "u-1"})

    assert first.status_code == 302
    assert second.status_code == 400
    assert "This participant has already voted." in html(second)
    assert f'data-option="{option.pk}">1<' in html(client.get(reverse("engagement:poll", args=[poll.pk])))


def test_the_segment_page_counts_and_exports_nickname_and_id(client_as, users, team, wechat):
    AudienceMember.objects.create(team=team, account=wechat, external_ref="u-1", nickname="Ann",
                                  orders_count=4, total_spend=Decimal("10"))
    client = client_as(users["marketer"])
    client.post(reverse("engagement:segments"), {
        "team": team.pk, "name": "Loyal", "rule": "returning_buyers", "min_orders": 2,
        "strategy": "exclusive_offer"})
    segment = team.segments.get()

    listing = html(client.get(reverse("engagement:segments")))
    export = client.get(reverse("engagement:segment_export", args=[segment.pk]))

    assert 'data-field="count">1<' in listing
    assert export.content.decode("utf-8-sig").splitlines() == [
        "platform,account,platform_user_id,nickname", "wechat_oa,brand-wechat,u-1,Ann"]


def test_an_audience_file_is_imported_from_the_page(client_as, users, wechat):
    response = client_as(users["marketer"]).post(reverse("engagement:audience_import"), {
        "account": wechat.pk, "file": csv_upload("platform_user_id,nickname,orders\nu-9,Bo,2\n")})

    assert response.status_code == 302
    assert AudienceMember.objects.get().orders_count == 2


def test_a_question_is_answered_from_the_page(client_as, users, campaign, weibo):
    from tests.campaigns.content.factories import item_for

    item = item_for(campaign, [weibo])
    question = services.question_create(actor=users["marketer"], item=item, question="何时补货？")

    client_as(users["marketer"]).post(reverse("engagement:question_answer", args=[question.pk]),
                                      {"answer": "周一", "publish": "on"})

    question.refresh_from_db()
    assert (question.answer, question.is_published) == ("周一", True)


# --- zh-Hans -------------------------------------------------------------------------------------


def test_the_chinese_inbox_shows_no_raw_codes(client, users, weibo):
    steer(weibo, fail="reply_window_closed")
    item = InteractionFactory(account=weibo, sentiment_label="negative",
                              response_due_at=timezone.now() - datetime.timedelta(1))
    services.interaction_reply(actor=users["marketer"], interaction=item, text="你好")
    client.force_login(users["marketer"])

    with translation.override("zh-hans"):
        page = html(client.get(reverse("engagement:inbox"), HTTP_ACCEPT_LANGUAGE="zh-hans"))
        detail = html(client.get(reverse("engagement:interaction", args=[item.pk]),
                                 HTTP_ACCEPT_LANGUAGE="zh-hans"))

    visible = re.sub(r"<[^>]+>", " ", page + detail)
    for code in ("window_closed", "negative", "Overdue", "Window closed", "Interactions inbox"):
        assert code not in visible
    assert "互动收件箱" in page


def test_the_campaign_links_filter_the_inbox_and_the_activities(client_as, users, weibo,
                                                                 campaign, drawn):
    from tests.campaigns.planning.factories import CampaignFactory

    other = CampaignFactory(team=campaign.team, owner=users["marketer"], name="Autumn")
    InteractionFactory(account=weibo, campaign=campaign, text="about spring")
    InteractionFactory(account=weibo, campaign=other, text="about autumn")
    client = client_as(users["marketer"])

    inbox = html(client.get(reverse("engagement:inbox"), {"campaign": campaign.pk}))
    lotteries = html(client.get(reverse("engagement:lotteries"), {"campaign": other.pk}))

    assert "about spring" in inbox
    assert "about autumn" not in inbox
    assert drawn.title not in lotteries
    assert drawn.title in html(client.get(reverse("engagement:lotteries"),
                                          {"campaign": campaign.pk}))
