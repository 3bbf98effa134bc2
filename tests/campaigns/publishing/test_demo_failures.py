"""Demo calendar, the unhappy path: one publication the sandbox was steered to refuse and
one whose outcome it never told, made through the services, shown with their reasons on
the calendar and their pages; seeding twice makes nothing twice."""

import pytest
from django.urls import reverse

from campaigns.content.models import ContentItem
from campaigns.content.models import ContentStatus as C
from campaigns.publishing.models import ErrorKind, Publication
from campaigns.publishing.models import PublicationStatus as P
from platforms.models import PlatformAccount, SandboxPost
from platforms.selectors import account_can_publish
from teams.demo import DemoContext, demo_seeders

pytestmark = pytest.mark.django_db

REFUSING = "演示服务号（沙盒：模拟平台拒发）"
SILENT = "演示服务号（沙盒：模拟平台无应答）"


def _seed_all(team, other_team, users) -> None:
    for name, seeder in demo_seeders():
        if name in ("platforms", "campaigns", "content", "publishing"):
            seeder(DemoContext(team=team, users=users, other_team=other_team))


@pytest.fixture
def seeded(team, other_team, users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    _seed_all(team, other_team, users)
    return team


def test_the_demo_holds_one_refused_and_one_unknown_publication_with_their_reasons(seeded):
    failed = Publication.objects.get(team=seeded, status=P.FAILED)
    unknown = Publication.objects.get(team=seeded, status=P.UNKNOWN)

    assert (failed.account.handle, failed.error_kind, failed.error_code, failed.attempts) == (
        REFUSING, ErrorKind.PERMANENT, "sandbox-refused", 1
    )
    assert (unknown.account.handle, unknown.error_kind, unknown.attempts) == (
        SILENT, ErrorKind.UNKNOWN, 1
    )
    # The read-only check was made and could not settle it.
    assert unknown.outcome_checked_at is not None
    assert not SandboxPost.objects.filter(account__handle__in=[REFUSING, SILENT]).exists()
    assert (failed.item.status, unknown.item.status) == (C.FAILED, C.UNKNOWN)
    assert failed.scheduled_at < failed.attempt_log.get().started_at


def test_the_steered_accounts_are_qualified_sandbox_accounts_that_say_what_they_simulate(
    seeded,
):
    accounts = PlatformAccount.objects.filter(team=seeded, handle__in=[REFUSING, SILENT])

    assert {(a.handle, a.connector, a.platform.code) for a in accounts} == {
        (SILENT, "sandbox", "wechat_oa"), (REFUSING, "sandbox", "wechat_oa"),
    }
    assert all(account_can_publish(a)[0] for a in accounts)


def test_seeding_again_makes_nothing_twice(seeded, team, other_team, users):
    counts = (Publication.objects.count(), ContentItem.objects.count(),
              PlatformAccount.objects.count(), SandboxPost.objects.count())

    _seed_all(team, other_team, users)

    assert counts == (Publication.objects.count(), ContentItem.objects.count(),
                      PlatformAccount.objects.count(), SandboxPost.objects.count())


def test_the_calendar_and_the_publication_pages_show_the_reasons(seeded, client_as, users):
    client = client_as(users["marketer"])
    failed = Publication.objects.get(team=seeded, status=P.FAILED)
    unknown = Publication.objects.get(team=seeded, status=P.UNKNOWN)

    day = failed.scheduled_at.astimezone(seeded.zone).date()
    calendar = client.get(
        reverse("publishing:calendar"), {"team": seeded.pk, "date": day.isoformat()},
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    detail_failed = client.get(failed.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    detail_unknown = client.get(unknown.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")

    assert 'data-testid="cal-reason" title="The platform refused the post;' in calendar
    assert ">Refused by the platform</span>" in calendar
    assert ">No answer</span>" in calendar
    assert "The platform refused the post; nothing was published." in (
        detail_failed.content.decode()
    )
    assert "(error code sandbox-refused)" in detail_failed.content.decode()
    assert "The request may have reached the platform, but no answer said what happened." in (
        detail_unknown.content.decode()
    )
    assert "Last asked the platform:" in detail_unknown.content.decode()


def test_the_calendar_shows_the_reasons_in_chinese(seeded, client_as, users):
    failed = Publication.objects.get(team=seeded, status=P.FAILED)
    day = failed.scheduled_at.astimezone(seeded.zone).date()

    calendar = client_as(users["marketer"]).get(
        reverse("publishing:calendar"), {"team": seeded.pk, "date": day.isoformat()},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    ).content.decode()

    assert ">平台拒绝</span>" in calendar
    assert ">无应答</span>" in calendar
