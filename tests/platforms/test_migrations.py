"""Migration 0005: undated documents get an expiry date, recorded errors get their kind."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.conftest import restore_data_migrations

BEFORE = [("platforms", "0004_platform_profiles")]
AFTER = [("platforms", "0005_document_expiry_required_and_error_kind")]


@pytest.fixture
def restores_catalogue(django_db_blocker):
    """The platform catalogue is there before the test and again after its flush.

    Requested before ``transactional_db``, so the teardown runs after the flush.
    """
    with django_db_blocker.unblock():
        restore_data_migrations()
    yield
    with django_db_blocker.unblock():
        restore_data_migrations()


def test_undated_documents_get_an_expiry_date_and_errors_their_kind(
    restores_catalogue, transactional_db, team
):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        platform = old.get_model("platforms", "Platform").objects.get(code="douyin")
        account = old.get_model("platforms", "PlatformAccount").objects.create(
            team_id=team.pk, platform=platform, handle="old",
            last_error="TransientConnectorError: WeChat API unreachable: ConnectionError",
        )
        document = old.get_model("platforms", "QualificationDocument").objects.create(
            account=account, kind="business_licence", expires_on=None
        )
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        migrated = new.get_model("platforms", "QualificationDocument").objects.get(pk=document.pk)
        assert migrated.expires_on == timezone.localdate() + datetime.timedelta(days=30)
        assert new.get_model("platforms", "PlatformAccount").objects.get(
            pk=account.pk
        ).last_error_kind == "transient"
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
