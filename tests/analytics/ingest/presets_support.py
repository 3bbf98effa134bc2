"""Helpers of the analytics-tool preset tests: the fixture files, the accounts they belong to."""

from pathlib import Path

from analytics.models import DailyRollup, ImportBatch
from analytics.services import imports
from tests.analytics.ingest.files import upload
from tests.platforms.factories import PlatformAccountFactory, platform

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture_bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def website_account(team, handle: str = "brand-site"):
    """The team's own website (自有网站): where web analytics land."""
    return PlatformAccountFactory(team=team, platform=platform("website"), handle=handle)


def shop_account(team, handle: str = "brand-shop"):
    return PlatformAccountFactory(team=team, platform=platform("taobao"), handle=handle)


def run(campaign, user, data: bytes, name: str = "export.csv", **options) -> ImportBatch:
    """Create the import and run it in this process (as the task would)."""
    batch = imports.import_create(
        actor=user, campaign=campaign, file=upload(data, name), original_name=name, run=False,
        **options,
    )
    return imports.import_run(batch=batch)


def rollups(campaign) -> dict[tuple[str, str], str]:
    """{(date, metric): value} of the campaign's rollups, values as strings without zeros."""
    return {
        (row.date.isoformat(), row.metric): _plain(row.value)
        for row in DailyRollup.objects.filter(campaign=campaign)
    }


def _plain(value) -> str:
    text = format(value.normalize(), "f")
    return text
