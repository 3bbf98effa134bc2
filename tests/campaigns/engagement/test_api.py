"""The engagement API: the same services as the pages, scoped by team, constant queries,
clear translated 4xx errors, the lottery proof, the documented schema."""

import datetime
import json

import pytest
from django.utils import timezone

from campaigns.engagement import draw, services
from campaigns.engagement.models import (
    InteractionReply,
    Lottery,
    ReplyStatus,
    ResponsePolicy,
)

from .factories import InteractionFactory, consent, csv_upload, steer

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(team, users):
    return services.reply_template_create(actor=users["marketer"], team=team, name="Thanks",
                                          body="谢谢{nickname}")


# --- interactions ---------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 20])
def test_the_interactions_endpoint_keeps_a_constant_query_count(api_as, users, weibo, rows,
                                                                 django_assert_max_num_queries):
    for _ in range(rows):
        item = InteractionFactory(account=weibo, assignee=users["marketer"])
        InteractionReply.objects.create(interaction=item, author=users["marketer"], text="x",
                                        status=ReplyStatus.SENT)
    client = api_as(users["marketer"])

    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/interactions/")

    assert response.status_code == 200
    assert response.json()["count"] == rows
    assert response.json()["results"][0]["last_reply_status"] == "sent"


def test_the_inbox_endpoint_filters(api_as, users, weibo):
    late = InteractionFactory(account=weibo, response_due_at=timezone.now() - datetime.timedelta(1),
                              sentiment_label="negative")
    InteractionFactory(account=weibo)
    client = api_as(users["marketer"])

    overdue = client.get("/api/v1/interactions/", {"overdue": "true"}).json()
    negative = client.get("/api/v1/interactions/", {"sentiment": "negative"}).json()

    assert [r["id"] for r in overdue["results"]] == [late.pk]
    assert overdue["results"][0]["overdue"] is True
    assert [r["id"] for r in negative["results"]] == [late.pk]


def test_reply_assign_note_and_resolve_through_the_api(api_as, users, weibo, template):
    item = InteractionFactory(account=weibo, author_name="小鱼")
    client = api_as(users["marketer"])
    base = f"/api/v1/interactions/{item.pk}"

    reply = client.post(f"{base}/reply/", {"template": template.pk}, format="json")
    assigned = client.post(f"{base}/assign/", {"assignee": users["manager"].pk}, format="json")
    note = client.post(f"{base}/note/", {"text": "跟进中"}, format="json")
    triaged = client.patch(f"{base}/", {"priority": "high", "tags": ["售后"]}, format="json")
    resolved = client.post(f"{base}/resolve/")

    assert reply.status_code == 201
    assert (reply.json()["status"], reply.json()["text"], reply.json()["summary"]) == (
        "sent", "谢谢小鱼", "Reply sent.")
    assert assigned.json()["assignee"] == "manager"
    assert note.status_code == 201
    assert (triaged.json()["priority"], triaged.json()["tags"]) == ("high", ["售后"])
    detail = resolved.json()
    assert detail["status"] == "resolved"
    assert [n["text"] for n in detail["notes"]] == ["跟进中"]
    assert [r["status"] for r in detail["replies"]] == ["sent"]


def test_a_closed_window_is_reported_as_such(api_as, users, weibo):
    steer(weibo, fail="reply_window_closed")
    item = InteractionFactory(account=weibo, kind="message")

    response = api_as(users["marketer"]).post(f"/api/v1/interactions/{item.pk}/reply/",
                                              {"text": "你好"}, format="json")

    assert response.status_code == 201
    assert response.json()["status"] == "window_closed"
    assert response.json()["summary"].startswith("Window closed")


def test_replying_to_another_teams_interaction_is_a_404_and_sends_nothing(api_as, weibo,
                                                                         outsider):
    item = InteractionFactory(account=weibo)
    client = api_as(outsider)

    assert client.get(f"/api/v1/interactions/{item.pk}/").status_code == 404
    response = client.post(f"/api/v1/interactions/{item.pk}/reply/", {"text": "hi"}, format="json")

    assert response.status_code == 404
    assert InteractionReply.objects.count() == 0


def test_an_empty_reply_is_a_400_with_the_field_error_in_chinese(api_as, users, weibo):
    item = InteractionFactory(account=weibo)

    response = api_as(users["marketer"]).post(
        f"/api/v1/interactions/{item.pk}/reply/", {"text": ""}, format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 400
    assert list(response.json()) == ["text"]
    assert response.json()["text"][0] != "Write a reply or choose a template."


def test_a_reviewer_gets_403_on_reply(api_as, users, weibo):
    item = InteractionFactory(account=weibo)

    response = api_as(users["reviewer"]).post(f"/api/v1/interactions/{item.pk}/reply/",
                                              {"text": "hi"}, format="json")

    assert response.status_code == 403


def test_assigning_an_outsider_is_refused(api_as, users, weibo, outsider):
    item = InteractionFactory(account=weibo)

    response = api_as(users["manager"]).post(f"/api/v1/interactions/{item.pk}/assign/",
                                             {"assignee": outsider.pk}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["assignee"]


def test_the_report_endpoint(api_as, users, team, weibo):
    at = timezone.now() - datetime.timedelta(days=1)
    InteractionFactory(account=weibo, occurred_at=at, first_responder=users["marketer"],
                       first_response_at=at + datetime.timedelta(minutes=30))

    response = api_as(users["manager"]).get("/api/v1/interactions/report/", {"team": team.pk})

    [row] = response.json()
    assert (row["member"], row["answered"]) == ("marketer", 1)
    assert row["in_hours"]["count"] + row["out_of_hours"]["count"] == 1


def test_the_report_of_another_team_is_a_404(api_as, team, outsider):
    assert api_as(outsider).get("/api/v1/interactions/report/",
                                {"team": team.pk}).status_code == 404


# --- templates and policy ------------------------------------------------------------------------


def test_reply_templates_crud(api_as, users, team):
    client = api_as(users["marketer"])

    created = client.post("/api/v1/reply-templates/",
                          {"team": team.pk, "name": "Hi", "body": "你好{nickname}"}, format="json")
    pk = created.json()["id"]
    changed = client.patch(f"/api/v1/reply-templates/{pk}/", {"body": "您好{nickname}"},
                           format="json")
    bad = client.post("/api/v1/reply-templates/",
                      {"team": team.pk, "name": "Bad", "body": "{phone}"}, format="json")
    deleted = client.delete(f"/api/v1/reply-templates/{pk}/")

    assert created.status_code == 201
    assert changed.json()["body"] == "您好{nickname}"
    assert bad.status_code == 400
    assert list(bad.json()) == ["body"]
    assert deleted.status_code == 204


def test_another_teams_template_is_invisible(api_as, team, users, outsider):
    template = services.reply_template_create(actor=users["marketer"], team=team, name="x",
                                              body="y")

    assert api_as(outsider).get(f"/api/v1/reply-templates/{template.pk}/").status_code == 404
    assert api_as(outsider).post("/api/v1/reply-templates/", {
        "team": team.pk, "name": "n", "body": "b"}, format="json").status_code == 400


def test_response_policy_defaults_and_setting(api_as, users, team):
    listed = api_as(users["marketer"]).get("/api/v1/response-policy/").json()
    refused = api_as(users["marketer"]).post("/api/v1/response-policy/", {
        "team": team.pk, "first_response_minutes": 30, "working_days": [1, 2],
        "work_starts": "09:00", "work_ends": "17:00"}, format="json")
    saved = api_as(users["manager"]).post("/api/v1/response-policy/", {
        "team": team.pk, "first_response_minutes": 30, "working_days": [1, 2],
        "work_starts": "09:00", "work_ends": "17:00"}, format="json")

    assert listed == [{"team": team.pk, "first_response_minutes": 120,
                       "working_days": [1, 2, 3, 4, 5], "work_starts": "09:00:00",
                       "work_ends": "18:00:00", "is_default": True,
                       "time_zone": team.time_zone}]
    assert refused.status_code == 403
    assert saved.status_code == 200
    assert saved.json()["is_default"] is False
    assert ResponsePolicy.objects.get().first_response_minutes == 30


# --- lotteries -----------------------------------------------------------------------------------


def _lottery_body(campaign, **changes):
    now = timezone.now()
    return {
        "campaign": campaign.pk, "title": "API draw", "rules": "在活动帖下留言即可参与，每人限一次。",
        "prizes": [{"name": "Mug", "count": 2, "value_cny": "99.00"}], "platform": "wechat_oa",
        "entries_open_at": (now + datetime.timedelta(hours=1)).isoformat(),
        "entries_close_at": (now + datetime.timedelta(days=1)).isoformat(),
        "draw_at": (now + datetime.timedelta(days=2)).isoformat(), **changes,
    }


def test_a_lottery_is_created_without_revealing_its_seed(api_as, users, campaign):
    response = api_as(users["marketer"]).post("/api/v1/lotteries/", _lottery_body(campaign),
                                              format="json")

    body = response.json()
    lottery = Lottery.objects.get()
    assert response.status_code == 201
    assert body["seed"] is None
    assert body["commitment"] == lottery.commitment
    assert lottery.seed not in json.dumps(body)
    assert body["prizes"] == [{"name": "Mug", "count": 2, "value_cny": "99.00"}]


def test_a_lottery_without_prize_or_draw_time_is_a_translated_400(api_as, users, campaign):
    response = api_as(users["marketer"]).post(
        "/api/v1/lotteries/", _lottery_body(campaign, prizes=[], draw_at=None), format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 400
    assert set(response.json()) == {"prizes", "draw_at"}
    assert response.json()["draw_at"] != ["State when the winners are drawn."]
    assert Lottery.objects.count() == 0


def test_share_to_enter_on_wechat_is_a_400_with_the_finding(api_as, users, campaign):
    response = api_as(users["marketer"]).post(
        "/api/v1/lotteries/", _lottery_body(campaign, rules="分享到朋友圈即可参与抽奖"), format="json")

    assert response.status_code == 400
    assert response.json()["rules"][0].startswith("PL-01")


def test_a_campaign_of_another_team_is_refused(api_as, outsider, campaign):
    response = api_as(outsider).post("/api/v1/lotteries/", _lottery_body(campaign), format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["campaign"]


def test_the_lottery_life_through_the_api_ends_with_a_proof_that_holds(api_as, users, campaign,
                                                                      team):
    client = api_as(users["marketer"])
    pk = client.post("/api/v1/lotteries/", _lottery_body(campaign), format="json").json()["id"]
    past = timezone.now() - datetime.timedelta(minutes=1)
    Lottery.objects.filter(pk=pk).update(entries_open_at=past - datetime.timedelta(hours=1))
    for ref in ("a", "b", "c", "d"):
        consent(team, ref, "API draw")

    opened = client.post(f"/api/v1/lotteries/{pk}/open/")
    imported = client.post(f"/api/v1/lotteries/{pk}/entrants/",
                           {"file": csv_upload("entrant_id\na\nb\nc\nd\n")}, format="multipart")
    refused = client.post(f"/api/v1/lotteries/{pk}/entrants/",
                          {"file": csv_upload("entrant_id\nzz\n")}, format="multipart")
    listed = client.get(f"/api/v1/lotteries/{pk}/entrants/")
    not_yet = client.get(f"/api/v1/lotteries/{pk}/proof/")
    Lottery.objects.filter(pk=pk).update(entries_close_at=past, draw_at=past)
    closed = client.post(f"/api/v1/lotteries/{pk}/close/")
    drawn = client.post(f"/api/v1/lotteries/{pk}/draw/", {"beacon": "round 7"}, format="json")
    proof = client.get(f"/api/v1/lotteries/{pk}/proof/")

    assert opened.json()["status"] == "open"
    assert imported.json() == {"added": 4, "already_entered": 0, "refused": []}
    assert refused.status_code == 400
    assert list(refused.json()) == ["file"]
    assert [e["entrant_id"] for e in listed.json()["results"]] == ["a", "b", "c", "d"]
    assert not_yet.status_code == 404
    assert closed.json()["entrant_list_hash"] == draw.entrant_list_hash(["a", "b", "c", "d"])
    assert drawn.json()["status"] == "drawn"
    assert drawn.json()["seed"] == Lottery.objects.get().seed
    assert proof["Content-Type"] == "application/json"
    assert proof.content.decode() == draw.proof_json(Lottery.objects.get().proof)
    parsed = json.loads(proof.content)
    assert draw.verify_proof(parsed) == []
    assert parsed["winners"] == drawn.json()["winners"]


def test_another_teams_lottery_proof_is_a_404(api_as, users, campaign, outsider):
    pk = api_as(users["marketer"]).post("/api/v1/lotteries/", _lottery_body(campaign),
                                        format="json").json()["id"]

    assert api_as(outsider).get(f"/api/v1/lotteries/{pk}/proof/").status_code == 404
    assert api_as(outsider).post(f"/api/v1/lotteries/{pk}/open/").status_code == 404


# --- polls, questions, segments ------------------------------------------------------------------


def test_polls_vote_once_through_the_api(api_as, users, campaign):
    now = timezone.now()
    client = api_as(users["marketer"])
    poll = client.post("/api/v1/polls/", {
        "campaign": campaign.pk, "title": "Flavour?", "options": ["A", "B"],
        "opens_at": (now - datetime.timedelta(hours=1)).isoformat(),
        "closes_at": (now + datetime.timedelta(hours=1)).isoformat()}, format="json").json()
    option = poll["options"][1]["id"]

    first = client.post(f"/api/v1/polls/{poll['id']}/vote/",
                        {"option": option, "participant": "u-1"}, format="json")
    again = client.post(f"/api/v1/polls/{poll['id']}/vote/",
                        {"option": option, "participant": "u-1"}, format="json")
    closed = client.post(f"/api/v1/polls/{poll['id']}/close/")
    late = client.post(f"/api/v1/polls/{poll['id']}/vote/",
                       {"option": option, "participant": "u-2"}, format="json")

    assert first.status_code == 201
    assert [o["votes"] for o in first.json()["options"]] == [0, 1]
    assert again.status_code == 400
    assert list(again.json()) == ["participant"]
    assert closed.status_code == 200
    assert late.status_code == 400
    assert late.json() == {"option": ["Voting has closed."]}


def test_questions_through_the_api(api_as, users, campaign, weibo):
    from tests.campaigns.content.factories import item_for

    item = item_for(campaign, [weibo])
    comment = InteractionFactory(account=weibo, text="几号发货？")
    client = api_as(users["marketer"])

    created = client.post("/api/v1/questions/", {"item": item.pk, "interaction": comment.pk},
                          format="json")
    answered = client.post(f"/api/v1/questions/{created.json()['id']}/answer/",
                           {"answer": "明天", "publish": True}, format="json")

    assert created.json()["question"] == "几号发货？"
    assert (answered.json()["answer"], answered.json()["is_published"]) == ("明天", True)


def test_segments_with_counts_members_and_export(api_as, users, team, wechat):
    client = api_as(users["marketer"])
    client.post("/api/v1/segments/audience/", {
        "account": wechat.pk,
        "file": csv_upload("platform_user_id,nickname,orders\nu-1,Ann,3\nu-2,Bo,1\n")},
        format="multipart")

    created = client.post("/api/v1/segments/", {
        "team": team.pk, "name": "Loyal", "rule": "returning_buyers", "min_orders": 2,
        "strategy": "exclusive_offer"}, format="json")
    pk = created.json()["id"]
    listed = client.get("/api/v1/segments/").json()
    members = client.get(f"/api/v1/segments/{pk}/members/").json()
    export = client.get(f"/api/v1/segments/{pk}/export/")
    changed = client.patch(f"/api/v1/segments/{pk}/", {"min_orders": 1}, format="json")
    refused = client.patch(f"/api/v1/segments/{pk}/", {"min_orders": None}, format="json")

    assert created.status_code == 201
    assert created.json()["members"] == 1
    assert [s["members"] for s in listed["results"]] == [1]
    assert members["results"] == [{"account": wechat.pk, "platform": "wechat_oa",
                                   "platform_user_id": "u-1", "nickname": "Ann"}]
    assert export.content.decode().splitlines()[1] == "wechat_oa,brand-wechat,u-1,Ann"
    assert changed.status_code == 400  # a returning buyer has at least 2 orders
    assert refused.status_code == 400


def test_the_schema_documents_every_engagement_endpoint(api_as, users):
    response = api_as(users["marketer"]).get("/api/schema/", HTTP_ACCEPT="application/json")

    paths = response.json()["paths"]
    for path in ("/api/v1/interactions/", "/api/v1/interactions/{id}/reply/",
                 "/api/v1/interactions/{id}/assign/", "/api/v1/interactions/{id}/note/",
                 "/api/v1/interactions/{id}/resolve/", "/api/v1/reply-templates/",
                 "/api/v1/response-policy/", "/api/v1/lotteries/",
                 "/api/v1/lotteries/{id}/entrants/", "/api/v1/lotteries/{id}/draw/",
                 "/api/v1/lotteries/{id}/proof/", "/api/v1/polls/{id}/vote/",
                 "/api/v1/segments/{id}/members/", "/api/v1/segments/{id}/export/"):
        assert path in paths, path
