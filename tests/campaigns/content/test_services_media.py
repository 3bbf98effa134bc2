"""Media uploads judged by content, with the record of the right to use them (S2.2.3(2))."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from campaigns.content import services
from campaigns.content.models import MediaAsset, MediaSource
from teams.models import AuditEvent

from .factories import PNG_BYTES, MediaAssetFactory


def png(name="photo.png"):
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def test_upload_stores_the_type_found_in_the_content_and_the_licence(users, team):
    expires = timezone.localdate() + datetime.timedelta(days=90)

    asset = services.media_asset_upload(
        actor=users["marketer"], team=team, file=png("claims.exe"), title="Tea field",
        source=MediaSource.LICENSED, licence_reference="Stock licence 88-12",
        licence_expires_on=expires,
    )

    assert (asset.content_type, asset.size, asset.licence_expires_on) == (
        "image/png", len(PNG_BYTES), expires
    )
    assert asset.file.name.endswith(".png")
    assert asset.uploaded_by == users["marketer"]
    assert AuditEvent.objects.filter(action="content.media_upload").count() == 1


def test_upload_refuses_a_file_that_is_not_media_whatever_its_name(users, team):
    html = SimpleUploadedFile("photo.png", b"<html><script>x</script></html>", "image/png")

    with pytest.raises(ValidationError) as exc:
        services.media_asset_upload(
            actor=users["marketer"], team=team, file=html, title="x", source=MediaSource.ORIGINAL
        )

    assert list(exc.value.message_dict) == ["file"]
    assert not MediaAsset.objects.exists()


def test_licensed_media_needs_its_licence_reference(users, team):
    with pytest.raises(ValidationError) as exc:
        services.media_asset_upload(
            actor=users["marketer"], team=team, file=png(), title="Stock", source=MediaSource.LICENSED
        )

    assert exc.value.message_dict == {"licence_reference": [
        "Enter the licence, contract or written authorisation that allows its use."
    ]}


def test_an_expired_licence_is_refused_on_upload(users, team):
    with pytest.raises(ValidationError) as exc:
        services.media_asset_upload(
            actor=users["marketer"], team=team, file=png(), title="Old", source=MediaSource.AUTHORISED,
            licence_reference="Letter 3", licence_expires_on=datetime.date(2020, 1, 1),
        )

    assert exc.value.message_dict == {"licence_expires_on": ["The licence has already expired."]}


def test_upload_reports_every_bad_field(users, team):
    with pytest.raises(ValidationError) as exc:
        services.media_asset_upload(actor=users["marketer"], team=team, file=None, title="",
                                    source="stolen")

    assert exc.value.message_dict == {
        "source": ["Choose where the file comes from."],
        "title": ["Enter a title."],
        "file": ["Choose a file."],
    }


@pytest.mark.parametrize("role", ["reviewer", "analyst"])
def test_upload_is_refused_to_roles_that_do_not_write(users, team, role):
    with pytest.raises(PermissionDenied):
        services.media_asset_upload(
            actor=users[role], team=team, file=png(), title="x", source=MediaSource.ORIGINAL
        )


def test_upload_is_refused_in_another_team(outsider, team):
    with pytest.raises(PermissionDenied):
        services.media_asset_upload(
            actor=outsider, team=team, file=png(), title="x", source=MediaSource.ORIGINAL
        )


def test_a_renewed_licence_is_recorded_and_audited(users, team):
    asset = MediaAssetFactory(team=team, source=MediaSource.LICENSED, licence_reference="L-1",
                              licence_expires_on=timezone.localdate())
    renewed = timezone.localdate() + datetime.timedelta(days=365)

    services.media_asset_update_licence(
        actor=users["marketer"], asset=asset, licence_reference="L-2", licence_expires_on=renewed
    )

    asset.refresh_from_db()
    assert (asset.licence_reference, asset.licence_expires_on) == ("L-2", renewed)
    assert AuditEvent.objects.get(action="content.media_licence").data["reference"] == "L-2"
