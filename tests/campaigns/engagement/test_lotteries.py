"""Lotteries: stated in advance and checked, committed seed, consented entrants, the
entrant list fixed at close, the pinned draw with its proof, nothing half-written."""

import datetime
import hashlib
import inspect
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from campaigns.engagement import draw, services
from campaigns.engagement.models import Lottery, LotteryEntrant, LotteryStatus
from campaigns.engagement.services import lotteries as lottery_module
from campaigns.engagement.tasks import lotteries_close_due_task, lottery_close_task
from campaigns.engagement.transitions import LOTTERY
from compliance.advertising.models import ContentCheck
from compliance.privacy.services import consent_withdraw
from platforms.models import Platform
from teams.models import AuditEvent

from .factories import InteractionFactory, consent, csv_upload

pytestmark = pytest.mark.django_db

T0 = timezone.now().replace(microsecond=0)
OPEN_AT = T0 + datetime.timedelta(hours=1)
CLOSE_AT = T0 + datetime.timedelta(days=1)
DRAW_AT = T0 + datetime.timedelta(days=1, hours=1)
PURPOSE = "Spring draw"
PRIZES = [{"name": "Mug", "count": 2, "value_cny": "99"}, {"name": "Tea set", "count": 1}]
RULES = "在活动帖下留言即可参与，每人限一次，开奖后三个工作日内私信中奖者。"


def platform(code):
    return Platform.objects.get(code=code)


def make(campaign, users, **changes):
    values = {
        "actor": users["marketer"], "campaign": campaign, "title": "Spring draw", "rules": RULES,
        "prizes": PRIZES, "entries_open_at": OPEN_AT, "entries_close_at": CLOSE_AT,
        "draw_at": DRAW_AT, "platform": platform("wechat_oa"), "now": T0, **changes,
    }
    return services.lottery_create(**values)


@pytest.fixture
def lottery(campaign, users):
    return make(campaign, users)


@pytest.fixture
def open_lottery(lottery, users):
    return services.lottery_open(actor=users["marketer"], lottery=lottery, now=OPEN_AT)


def entrants_csv(*ids):
    return csv_upload("entrant_id,display_name\n" + "".join(f"{i},name {i}\n" for i in ids))


def enter(lottery, users, team, ids):
    for ref in ids:
        consent(team, ref, lottery.consent_purpose)
    return services.lottery_entrants_import(
        actor=users["marketer"], lottery=lottery, upload=entrants_csv(*ids), now=OPEN_AT)


# --- stated in advance ---------------------------------------------------------------------


def test_a_new_lottery_commits_to_a_secret_seed_and_passes_the_checker(lottery):
    assert lottery.status == LotteryStatus.DRAFT
    assert len(lottery.seed) == 64
    assert int(lottery.seed, 16) >= 0
    assert lottery.commitment == hashlib.sha256(bytes.fromhex(lottery.seed)).hexdigest()
    assert lottery.compliance_check.passed is True
    assert lottery.compliance_check.content == lottery
    assert lottery.consent_purpose == "Spring draw"
    assert lottery.prize_count == 3
    assert lottery.prizes == [{"name": "Mug", "count": 2, "value_cny": "99.00"},
                              {"name": "Tea set", "count": 1, "value_cny": ""}]


def test_every_lottery_gets_its_own_seed_from_secrets_never_from_random(campaign, users):
    seeds = {make(campaign, users, title=f"Draw {n}").seed for n in range(5)}

    assert len(seeds) == 5
    for module in (draw, lottery_module):
        source = inspect.getsource(module)
        assert "import random" not in source
        assert "from random" not in source
    assert "secrets.token_bytes(32)" in inspect.getsource(lottery_module)


def test_the_checked_text_states_rules_prizes_and_draw_time(lottery):
    text = services.lottery_public_text(title=lottery.title, rules=lottery.rules,
                                        prizes=lottery.prizes, draw_at=lottery.draw_at,
                                        team=lottery.team)

    assert lottery.compliance_check.text == text
    assert "奖品：Mug × 2，价值99.00元" in text
    assert f"开奖时间：{timezone.localtime(DRAW_AT, lottery.team.zone):%Y-%m-%d %H:%M}" in text


def _nothing_written():
    return (Lottery.objects.count(), ContentCheck.objects.count(), AuditEvent.objects.filter(
        action__startswith="lottery.").count())


def test_a_lottery_without_prizes_or_draw_time_is_refused_with_both_reasons(campaign, users):
    with pytest.raises(ValidationError) as info:
        make(campaign, users, prizes=[], draw_at=None)

    assert info.value.message_dict == {
        "prizes": ["State at least one prize."],
        "draw_at": ["State when the winners are drawn."],
    }
    assert _nothing_written() == (0, 0, 0)


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"title": " "}, "title", "Give the lottery a title."),
    ({"rules": ""}, "rules", "State the rules: who may enter, how and how winners are told."),
    ({"entries_open_at": None}, "entries_open_at", "State when entries open."),
    ({"entries_close_at": OPEN_AT}, "entries_close_at", "Entries must close after they open."),
    ({"draw_at": CLOSE_AT - datetime.timedelta(minutes=1)}, "draw_at",
     "The draw cannot be before entries close."),
    ({"now": DRAW_AT}, "draw_at", "The draw time must be in the future."),
    ({"prizes": [{"name": "", "count": 0}]}, "prizes", None),
    ({"prizes": [{"name": "Mug", "count": 1, "value_cny": "a lot"}]}, "prizes",
     "Prize 1: the value must be an amount in CNY."),
])
def test_bad_lottery_input_is_refused_with_a_clear_reason(campaign, users, changes, field,
                                                          message):
    with pytest.raises(ValidationError) as info:
        make(campaign, users, **changes)

    assert field in info.value.message_dict
    if message:
        assert message in info.value.message_dict[field]
    assert _nothing_written() == (0, 0, 0)


def test_share_to_enter_on_wechat_is_refused_with_the_finding(campaign, users):
    with pytest.raises(ValidationError) as info:
        make(campaign, users, rules="转发朋友圈即可参与抽奖，每人限一次。")

    [message] = info.value.message_dict["rules"]
    assert message.startswith("PL-01")
    assert "WeChat induced sharing or following" in message
    assert _nothing_written() == (0, 0, 0)


def test_the_same_rules_pass_on_a_platform_without_the_rule(campaign, users):
    lottery = make(campaign, users, rules="转发朋友圈即可参与抽奖，每人限一次。",
                   platform=platform("douyin"))

    assert lottery.compliance_check.passed is True


def test_a_prize_above_the_cap_is_refused_with_the_finding(campaign, users):
    with pytest.raises(ValidationError) as info:
        make(campaign, users, prizes=[{"name": "Car", "count": 1, "value_cny": "60000"}],
             platform=platform("weibo"))

    [message] = info.value.message_dict["rules"]
    assert message.startswith("PL-02")
    assert "Lottery prize above the cap" in message
    assert Lottery.objects.count() == 0


def test_a_draft_can_be_changed_and_is_checked_again(lottery, users):
    services.lottery_update(actor=users["marketer"], lottery=lottery, now=T0, title="New name",
                            prizes=[{"name": "Cup", "count": 4}])

    lottery.refresh_from_db()
    assert (lottery.title, lottery.prize_count) == ("New name", 4)
    assert ContentCheck.objects.count() == 2
    with pytest.raises(ValidationError):
        services.lottery_update(actor=users["marketer"], lottery=lottery, now=T0,
                                rules="分享到朋友圈即可参与抽奖")
    lottery.refresh_from_db()
    assert lottery.rules == RULES


def test_rules_are_fixed_once_entries_open(open_lottery, users):
    with pytest.raises(ValidationError) as info:
        services.lottery_update(actor=users["marketer"], lottery=open_lottery, now=OPEN_AT,
                                title="Changed")

    assert info.value.message_dict == {
        "status": ["Rules, prizes and times are fixed once entries open."]}


@pytest.mark.parametrize("role", ["reviewer", "analyst"])
def test_roles_without_the_capability_may_not_create_lotteries(campaign, users, role):
    with pytest.raises(PermissionDenied):
        make(campaign, users, actor=users[role])


# --- entrants ---------------------------------------------------------------------------------


def test_consented_entrants_are_imported_from_a_file(open_lottery, users, team):
    result = enter(open_lottery, users, team, ["u-2", "u-1"])
    again = services.lottery_entrants_import(
        actor=users["marketer"], lottery=open_lottery, upload=entrants_csv("u-1"), now=OPEN_AT)

    assert (result.added, result.already_entered) == (2, 0)
    assert (again.added, again.already_entered) == (0, 1)
    assert list(open_lottery.entrants.values_list("entrant_id", "display_name", "source")) == [
        ("u-1", "name u-1", "file"), ("u-2", "name u-2", "file")]


def test_a_file_with_entrants_without_consent_is_refused_naming_their_lines(
    open_lottery, users, team
):
    consent(team, "u-1", PURPOSE)
    consent(team, "u-2", "Newsletter")  # another purpose
    withdrawn = consent(team, "u-3", PURPOSE)
    consent_withdraw(actor=None, record=withdrawn)

    with pytest.raises(ValidationError) as info:
        services.lottery_entrants_import(
            actor=users["marketer"], lottery=open_lottery,
            upload=entrants_csv("u-1", "u-2", "u-3", "u-4"), now=OPEN_AT)

    assert info.value.message_dict == {"file": [
        f"Line {n + 1}: u-{n} has no active consent for “Spring draw” in the privacy ledger."
        for n in (2, 3, 4)
    ]}
    assert LotteryEntrant.objects.count() == 0


def test_a_consent_of_another_team_does_not_count(open_lottery, users, other_team):
    consent(other_team, "u-1", PURPOSE)

    with pytest.raises(ValidationError):
        services.lottery_entrants_import(actor=users["marketer"], lottery=open_lottery,
                                         upload=entrants_csv("u-1"), now=OPEN_AT)


@pytest.mark.parametrize(("text", "message"), [
    ("name\nx\n", "The first line must name the columns; missing: entrant_id."),
    ("entrant_id\n", "The file has no rows below its header."),
    ("entrant_id\n,\n u \n", None),
])
def test_an_unreadable_entrant_file_is_refused(open_lottery, users, text, message):
    with pytest.raises(ValidationError) as info:
        services.lottery_entrants_import(actor=users["marketer"], lottery=open_lottery,
                                         upload=csv_upload(text), now=OPEN_AT)

    assert list(info.value.message_dict) == ["file"]
    if message:
        assert info.value.message_dict["file"] == [message]


def test_a_file_that_is_not_utf8_is_refused(open_lottery, users):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("x.csv", "entrant_id\n张三\n".encode("gb18030"))

    with pytest.raises(ValidationError) as info:
        services.lottery_entrants_import(actor=users["marketer"], lottery=open_lottery,
                                         upload=upload, now=OPEN_AT)

    assert info.value.message_dict == {"file": ["The file is not UTF-8 text (CSV)."]}


@pytest.mark.parametrize(("now", "message"), [
    (T0, "Entries open at"), (CLOSE_AT, "Entries closed at"),
])
def test_entrants_are_refused_outside_the_entry_period(open_lottery, users, team, now, message):
    consent(team, "u-1", PURPOSE)

    with pytest.raises(ValidationError) as info:
        services.lottery_entrants_import(actor=users["marketer"], lottery=open_lottery,
                                         upload=entrants_csv("u-1"), now=now)

    assert info.value.message_dict["status"][0].startswith(message)


def test_entrants_are_refused_before_entries_open(lottery, users):
    with pytest.raises(ValidationError) as info:
        services.lottery_entrants_import(actor=users["marketer"], lottery=lottery,
                                         upload=entrants_csv("u-1"), now=OPEN_AT)

    assert info.value.message_dict == {
        "status": ["Entrants can be added only while entries are open."]}


def test_commenters_of_the_entry_period_with_consent_are_entered(open_lottery, users, team,
                                                                 weibo, campaign):
    at = OPEN_AT + datetime.timedelta(minutes=5)
    for ref in ("fan-1", "fan-2", "fan-3"):
        InteractionFactory(account=weibo, campaign=campaign, author_ref=ref, occurred_at=at)
    InteractionFactory(account=weibo, campaign=campaign, author_ref="fan-1", occurred_at=at)
    InteractionFactory(account=weibo, campaign=campaign, author_ref="early", occurred_at=T0)
    InteractionFactory(account=weibo, campaign=None, author_ref="elsewhere", occurred_at=at)
    InteractionFactory(account=weibo, campaign=campaign, author_ref="dm", kind="message",
                       occurred_at=at)
    for ref in ("fan-1", "fan-3", "early", "elsewhere", "dm"):
        consent(team, ref, PURPOSE)

    result = services.lottery_entrants_collect(actor=users["marketer"], lottery=open_lottery,
                                               now=OPEN_AT + datetime.timedelta(hours=1))

    assert (result.added, result.refused) == (2, ("fan-2",))
    assert sorted(open_lottery.entrants.values_list("entrant_id", flat=True)) == ["fan-1", "fan-3"]
    assert set(open_lottery.entrants.values_list("source", flat=True)) == {"comments"}


# --- close and draw ------------------------------------------------------------------------


def test_entries_close_at_the_announced_time_with_the_hash_of_the_sorted_list(
    open_lottery, users, team
):
    enter(open_lottery, users, team, ["u-b", "u-a", "u-c"])
    with pytest.raises(ValidationError) as info:
        services.lottery_close(actor=users["marketer"], lottery=open_lottery, now=OPEN_AT)

    closed = services.lottery_close(actor=users["marketer"], lottery=open_lottery, now=CLOSE_AT)

    assert info.value.message_dict["status"][0].startswith("Entries close at")
    assert closed.status == LotteryStatus.CLOSED
    assert closed.entrant_list_hash == hashlib.sha256(b"u-a\nu-b\nu-c").hexdigest()
    assert closed.entries_closed_at == CLOSE_AT


def test_the_beat_closes_due_lotteries_as_the_system(open_lottery, lottery, users,
                                                     django_capture_on_commit_callbacks):
    Lottery.objects.filter(pk=open_lottery.pk).update(
        entries_open_at=T0 - datetime.timedelta(days=2),
        entries_close_at=T0 - datetime.timedelta(days=1),
        draw_at=T0 - datetime.timedelta(hours=1),
    )

    with django_capture_on_commit_callbacks(execute=True):
        result = lotteries_close_due_task.apply().get()

    open_lottery.refresh_from_db()
    assert result == {"enqueued": 1}
    assert open_lottery.status == LotteryStatus.CLOSED
    assert lottery_close_task.apply(args=[open_lottery.pk]).get() is None  # already closed


def test_a_draw_produces_a_proof_that_verify_draw_accepts(open_lottery, users, team, tmp_path):
    enter(open_lottery, users, team, [f"u-{n}" for n in range(10)])
    services.lottery_close(actor=users["marketer"], lottery=open_lottery, now=CLOSE_AT)

    drawn = services.lottery_draw(actor=users["marketer"], lottery=open_lottery,
                                  beacon=" drand 1234 ", now=DRAW_AT)

    proof = drawn.proof
    assert drawn.status == LotteryStatus.DRAWN
    assert list(proof) == list(draw.PROOF_FIELDS)
    assert proof["seed"] == drawn.seed
    assert proof["commitment"] == drawn.commitment
    assert (proof["beacon"], drawn.beacon) == ("drand 1234", "drand 1234")
    assert proof["entrant_list_hash"] == drawn.entrant_list_hash
    assert proof["prizes"] == 3
    assert drawn.winners == proof["winners"]
    assert proof["winners"] == draw.draw(
        proof["entrants"], seed_hex=drawn.seed, beacon="drand 1234", prizes=3).winners
    path = tmp_path / "proof.json"
    path.write_text(draw.proof_json(proof), encoding="utf-8")
    call_command("verify_draw", str(path))


def test_a_draw_before_the_announced_time_is_refused(open_lottery, users, team):
    enter(open_lottery, users, team, ["u-1"])
    services.lottery_close(actor=users["marketer"], lottery=open_lottery, now=CLOSE_AT)

    with pytest.raises(ValidationError) as info:
        services.lottery_draw(actor=users["marketer"], lottery=open_lottery, now=CLOSE_AT)

    assert info.value.message_dict["status"][0].startswith("The draw is at")
    open_lottery.refresh_from_db()
    assert (open_lottery.status, open_lottery.proof) == (LotteryStatus.CLOSED, None)


def test_a_draw_without_entrants_is_refused(open_lottery, users):
    services.lottery_close(actor=users["marketer"], lottery=open_lottery, now=CLOSE_AT)

    with pytest.raises(ValidationError) as info:
        services.lottery_draw(actor=users["marketer"], lottery=open_lottery, now=DRAW_AT)

    assert info.value.message_dict == {"status": ["Nobody entered: there is nothing to draw."]}


def test_a_drawn_lottery_is_not_drawn_again(open_lottery, users, team):
    enter(open_lottery, users, team, ["u-1", "u-2"])
    services.lottery_close(actor=users["marketer"], lottery=open_lottery, now=CLOSE_AT)
    first = services.lottery_draw(actor=users["marketer"], lottery=open_lottery, now=DRAW_AT)
    proof = json.loads(json.dumps(first.proof))

    with pytest.raises(ValidationError):
        services.lottery_draw(actor=users["marketer"], lottery=open_lottery, beacon="other",
                              now=DRAW_AT)

    open_lottery.refresh_from_db()
    assert open_lottery.proof == proof


def test_cancelling_needs_a_reason(lottery, users):
    with pytest.raises(ValidationError):
        services.lottery_cancel(actor=users["marketer"], lottery=lottery, reason=" ")

    cancelled = services.lottery_cancel(actor=users["marketer"], lottery=lottery,
                                        reason="Prize supplier failed")

    assert cancelled.status == LotteryStatus.CANCELLED


PAIRS = [(a, b) for a in LotteryStatus.values for b in LotteryStatus.values if a != b]


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_every_lottery_status_pair_follows_the_declared_machine(users, team, source, target):
    declared = LOTTERY.move(source, target)

    if declared is None:
        with pytest.raises(ValidationError):
            LOTTERY.check(actor=users["marketer"], team=team.pk, source=source, target=target)
    else:
        assert LOTTERY.check(actor=users["marketer"], team=team.pk, source=source,
                             target=target) == declared
        with pytest.raises(PermissionDenied):
            LOTTERY.check(actor=users["reviewer"], team=team.pk, source=source, target=target)


def test_only_closing_entries_may_be_done_by_the_system():
    automatic = [(m.source, m.target) for m in LOTTERY.moves.values() if m.automatic]

    assert automatic == [(LotteryStatus.OPEN, LotteryStatus.CLOSED)]
