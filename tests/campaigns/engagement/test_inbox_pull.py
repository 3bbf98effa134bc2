"""Pulling the inbox: incremental, de-duplicated, scored, linked, fed to the risk app,
retried on transient errors only, fanned out on the sync queue."""

import datetime

import pytest
from django.utils import timezone

from campaigns.engagement import services
from campaigns.engagement.models import AudienceMember, Interaction, InteractionStatus
from campaigns.engagement.tasks import (
    PULL_MAX_RETRIES,
    account_interactions_sync_task,
    interactions_pull_task,
)
from compliance.risk.models import Incident, OpinionSignal
from platforms.connectors import Interaction as Pulled
from platforms.connectors import TransientConnectorError
from tests.campaigns.content.factories import item_for
from tests.platforms.factories import qualified_account

from .factories import steer

pytestmark = pytest.mark.django_db


def pulled(external_id, text="质量很好", *, minutes_ago=30, post_id="", kind="comment",
           author_id="uid-1", replied=False):
    return Pulled(
        external_id=external_id, kind=kind, text=text, author="小鱼", author_id=author_id,
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago), post_id=post_id,
        replied=replied,
    )


def test_a_pull_stores_the_sandbox_comments_once_and_a_second_pull_adds_nothing(weibo):
    first = services.interactions_pull(account=weibo)
    second = services.interactions_pull(account=weibo)

    stored = Interaction.objects.filter(account=weibo)
    assert first.created == stored.count() > 0
    assert second.created == 0
    assert stored.values("kind", "external_id").distinct().count() == stored.count()
    assert first.error_kind == second.error_kind == ""


def test_a_pull_asks_only_for_what_came_after_the_newest_pulled_item(weibo):
    services.interactions_pull(account=weibo)
    newest = Interaction.objects.filter(account=weibo).order_by("-occurred_at").first()

    result = services.interactions_pull(account=weibo)

    assert result.fetched <= Interaction.objects.filter(
        account=weibo, occurred_at__gte=newest.occurred_at).count()


def test_each_new_item_is_scored_and_given_its_deadline(weibo):
    services.interactions_ingest(account=weibo, found=[
        pulled("c-1", "收到的货有破损，很失望"), pulled("c-2", "太喜欢了，已经推荐给朋友！"),
    ])

    bad, good = (Interaction.objects.get(external_id=e) for e in ("c-1", "c-2"))
    assert (bad.sentiment_label, good.sentiment_label) == ("negative", "positive")
    assert bad.sentiment_score < 0.35 < 0.65 < good.sentiment_score
    assert bad.response_due_at is not None
    assert bad.status == InteractionStatus.NEW


def test_the_same_external_id_in_one_batch_or_again_is_stored_once(weibo):
    created = services.interactions_ingest(account=weibo, found=[pulled("c-1"), pulled("c-1")])
    again = services.interactions_ingest(account=weibo, found=[pulled("c-1")])

    assert (created, again) == (1, 0)
    assert Interaction.objects.filter(account=weibo, external_id="c-1").count() == 1


def test_a_comment_and_a_message_may_share_an_external_id(weibo):
    services.interactions_ingest(account=weibo, found=[
        pulled("x-1", kind="comment"), pulled("x-1", kind="message")])

    assert sorted(Interaction.objects.values_list("kind", flat=True)) == ["comment", "message"]


def test_new_items_become_opinion_signals_and_a_negative_spike_opens_an_incident(
    weibo, team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.interactions_ingest(account=weibo, found=[
            pulled(f"n-{i}", "收到的货有破损，很失望，要求退货", minutes_ago=2) for i in range(12)
        ])
    assert len(callbacks) == 1  # the spike check, queued once the signals are committed
    services.interactions_ingest(account=weibo, found=[pulled("n-0", "收到的货有破损")])

    signals = OpinionSignal.objects.filter(team=team)
    assert signals.count() == 12
    assert set(signals.values_list("source", flat=True)) == {"weibo"}
    assert signals.filter(external_id=f"{weibo.pk}:comment:n-0").count() == 1
    assert Incident.objects.filter(team=team).count() == 1


def test_a_comment_on_a_published_post_is_linked_to_its_publication_and_campaign(
    weibo, campaign, users
):
    from campaigns.publishing.models import Publication

    item = item_for(campaign, [weibo], status="published")
    publication = Publication.objects.create(
        team=weibo.team, item=item, account=weibo, scheduled_at=timezone.now(),
        status="published", external_id="weibo-post-9", url="https://weibo.example/9",
    )

    services.interactions_ingest(account=weibo, found=[
        pulled("c-1", post_id="weibo-post-9"), pulled("c-2", post_id="another-post")])

    linked, other = (Interaction.objects.get(external_id=e) for e in ("c-1", "c-2"))
    assert (linked.publication, linked.campaign) == (publication, campaign)
    assert (other.publication, other.campaign, other.post_ref) == (None, None, "another-post")


def test_an_item_already_answered_on_the_platform_arrives_resolved(weibo):
    services.interactions_ingest(account=weibo, found=[pulled("c-1", replied=True)])

    assert Interaction.objects.get().status == InteractionStatus.RESOLVED


def test_commenters_with_a_platform_id_join_the_audience(weibo):
    services.interactions_ingest(account=weibo, found=[
        pulled("c-1", author_id="uid-7", minutes_ago=90), pulled("c-2", author_id="uid-7"),
        pulled("c-3", author_id=""),
    ])
    services.interactions_ingest(account=weibo, found=[pulled("c-4", author_id="uid-7",
                                                               minutes_ago=1)])

    member = AudienceMember.objects.get()
    assert (member.external_ref, member.nickname) == ("uid-7", "小鱼")
    assert member.first_seen_at < member.last_interaction_at
    assert timezone.now() - member.last_interaction_at < datetime.timedelta(minutes=2)


def test_an_auth_failure_is_recorded_on_the_account_and_ends_the_pull(weibo):
    steer(weibo, fail="auth")

    result = services.interactions_pull(account=weibo)

    weibo.refresh_from_db()
    assert result.error_kind == "auth"
    assert weibo.needs_reconnection is True
    assert Interaction.objects.count() == 0


def test_a_transient_failure_is_raised_for_a_retry_only_when_asked(weibo):
    steer(weibo, fail="rate_limited")

    with pytest.raises(TransientConnectorError):
        services.interactions_pull(account=weibo, retry_transient=True)
    result = services.interactions_pull(account=weibo, retry_transient=False)

    weibo.refresh_from_db()
    assert result.error_kind == "transient"
    assert weibo.last_error_kind == "transient"


def test_the_pull_task_runs_on_the_sync_queue_and_retries_transient_errors_with_a_cap():
    from config.celery import app

    assert app.amqp.router.route({}, account_interactions_sync_task.name)["queue"].name == "sync"
    assert app.amqp.router.route({}, interactions_pull_task.name)["queue"].name == "default"
    assert account_interactions_sync_task.autoretry_for == (TransientConnectorError,)
    assert account_interactions_sync_task.retry_backoff == 15
    assert account_interactions_sync_task.retry_backoff_max == 300
    assert account_interactions_sync_task.retry_jitter is True
    assert account_interactions_sync_task.max_retries == PULL_MAX_RETRIES == 4


def test_a_transient_failure_asks_celery_to_retry(weibo):
    from celery.exceptions import Retry

    steer(weibo, fail="rate_limited")

    with pytest.raises(Retry) as info:
        account_interactions_sync_task.apply(args=[weibo.pk], throw=True)

    assert 0 <= info.value.when <= 15


def test_the_task_of_a_deleted_account_does_nothing():
    assert account_interactions_sync_task.apply(args=[999999]).get() is None


def test_the_beat_task_pulls_every_connected_account_and_skips_the_rest(
    team, weibo, wechat, django_capture_on_commit_callbacks
):
    waiting = qualified_account(team, "douyin", handle="needs-reconnect", needs_reconnection=True)

    with django_capture_on_commit_callbacks(execute=True):
        result = interactions_pull_task.apply().get()

    assert result == {"enqueued": 2}
    assert set(Interaction.objects.values_list("account_id", flat=True)) == {weibo.pk, wechat.pk}
    assert not Interaction.objects.filter(account=waiting).exists()


def test_retention_deletes_or_anonymises_old_interactions(weibo):
    from .factories import InteractionFactory

    old = InteractionFactory(account=weibo, occurred_at=timezone.now() - datetime.timedelta(days=400))
    new = InteractionFactory(account=weibo)
    cutoff = timezone.now() - datetime.timedelta(days=180)

    anonymised = services.interactions_apply_retention(action="anonymise", cutoff=cutoff,
                                                       now=timezone.now())
    old.refresh_from_db()
    deleted = services.interactions_apply_retention(action="delete", cutoff=cutoff,
                                                    now=timezone.now())

    assert (anonymised, deleted) == (1, 1)
    assert (old.author_ref, old.author_name, old.text) == ("", "", "")
    assert list(Interaction.objects.all()) == [new]
