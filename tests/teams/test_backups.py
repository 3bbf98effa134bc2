"""make backup / make restore: the demo data and the uploads come back exactly."""

import io
import json
import tarfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from teams.backups import BackupError, backup_create, backup_restore, table_checksums
from teams.models import Notification, Team
from tests.conftest import restore_data_migrations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    upload = settings.MEDIA_ROOT / "documents" / "licence.pdf"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"%PDF-1.4 business licence")
    return upload


@pytest.fixture
def demo():
    restore_data_migrations()
    call_command("seed_demo", stdout=io.StringIO())


def test_a_restore_brings_back_every_row_and_file_as_backed_up(demo, media, tmp_path):
    # One seeded demo for the whole round trip: seeding is the slow part.
    before = table_checksums()
    archive = backup_create(destination=tmp_path / "backups")

    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["vendor"] == connection.vendor
    assert manifest["database_file"] in names
    assert "media/documents/licence.pdf" in names
    assert manifest["tables"] == before
    assert before["teams_team"]["rows"] == Team.objects.count() == 2
    assert not list((tmp_path / "backups").glob("*.partial"))

    Notification.objects.all().delete()
    Team.objects.create(name="after the backup", slug="after-the-backup")
    media.write_bytes(b"overwritten")
    (media.parent / "new.pdf").write_bytes(b"new")
    assert table_checksums() != before

    result = backup_restore(archive=archive)

    assert result == {"differ": [], "missing": []}
    assert table_checksums() == before
    assert before["teams_notification"]["rows"] > 0
    assert Notification.objects.count() == before["teams_notification"]["rows"]
    assert not Team.objects.filter(slug="after-the-backup").exists()
    assert media.read_bytes() == b"%PDF-1.4 business licence"
    assert not (media.parent / "new.pdf").exists()

    # The same through the commands an operator types (make backup / make restore).
    out = io.StringIO()
    call_command("backup", "--to", str(tmp_path / "b"), stdout=out)
    Team.objects.filter(slug="east-region").update(name="renamed after the backup")

    done = io.StringIO()
    call_command("restore", out.getvalue().strip(), "--yes", stdout=done)

    assert "every table matches" in done.getvalue()
    assert Team.objects.get(slug="east-region").name == "华东区域团队"


def test_a_backup_of_another_database_kind_is_refused_and_nothing_changes(media, tmp_path):
    restore_data_migrations()
    archive = backup_create(destination=tmp_path / "backups")
    forged = tmp_path / "forged.tar"
    with tarfile.open(archive) as original, tarfile.open(forged, "w") as tar:
        for member in original.getmembers():
            data = original.extractfile(member)
            if member.name == "manifest.json":
                manifest = json.load(data)
                manifest["vendor"] = "oracle"
                raw = json.dumps(manifest).encode()
                member.size = len(raw)
                data = io.BytesIO(raw)
            tar.addfile(member, data)
    Team.objects.create(name="kept", slug="kept")

    with pytest.raises(BackupError, match="oracle"):
        backup_restore(archive=forged)
    assert Team.objects.filter(slug="kept").exists()


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    stray = tmp_path / "stray.tar"
    with tarfile.open(stray, "w") as tar:
        info = tarfile.TarInfo("notes.txt")
        tar.addfile(info, io.BytesIO(b""))

    with pytest.raises(CommandError, match="no manifest"):
        call_command("restore", str(stray), "--yes")
