"""What an uploaded file may be: a size cap and an allow-list of types judged by content.

A file's name and the browser's content type are the uploader's claims; the
first bytes are what the file is. An ``.html`` page renamed ``licence.pdf``, an
SVG with a script, or a text file called ``evil.exe`` are refused here, before
anything is stored, with a translated reason on the form field. Services call
``upload_validate`` and store the type it found, which is the type the file is
later served with (never inline, see ``teams.downloads``).

Sniffing uses the ``filetype`` package (magic numbers, pure Python, no
libmagic), which keeps the check identical on every machine.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# MIME type found in the content -> the extension the stored file gets.
DOCUMENT_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
}
MEDIA_TYPES = {**DOCUMENT_TYPES, "video/mp4": "mp4"}

# filetype reads at most this many leading bytes.
_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    extension: str
    size: int


def max_upload_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_BYTES", 20 * 1024 * 1024))


def upload_validate(
    upload: UploadedFile, *, field: str = "file", allowed: dict[str, str] = DOCUMENT_TYPES
) -> CheckedUpload:
    """The upload's real type and size, or a ``ValidationError`` on ``field``.

    Refused: an empty file, a file over ``UPLOAD_MAX_BYTES``, and any file whose
    content is not one of ``allowed`` — whatever its name says.
    """
    size = upload.size or 0
    limit = max_upload_bytes()
    if size == 0:
        raise ValidationError({field: _("The file is empty.")})
    if size > limit:
        raise ValidationError({field: _(
            "The file is %(size)s; files may be at most %(limit)s."
        ) % {"size": filesizeformat(size), "limit": filesizeformat(limit)}})
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind is not None else ""
    if mime not in allowed:
        names = ", ".join(sorted({ext.upper() for ext in allowed.values()}))
        raise ValidationError({field: _(
            "This file is not one of the accepted types (%(types)s), whatever its name says."
        ) % {"types": names}})
    return CheckedUpload(content_type=mime, extension=allowed[mime], size=size)


class CleanFileSystemStorage(FileSystemStorage):
    """Django's file system storage that leaves no half-written file behind.

    A write that fails midway (the volume full, a quota reached) would leave the
    part already written under the stored name, a file no row points to. Here
    that part is removed before the error goes on to the service.
    """

    def _save(self, name, content):
        path = self.path(name)
        existed = os.path.exists(path)
        try:
            return super()._save(name, content)
        except OSError:
            # ``save`` picked a free name before calling us: a file there now is ours.
            if not existed and os.path.exists(path):
                os.remove(path)
            raise


STORAGE_FULL = (errno.ENOSPC, errno.EDQUOT)


def upload_storage_failed(exc: OSError, *, field: str = "file") -> ValidationError:
    """The reason shown on ``field`` when the uploads volume has no room left.

    Any other storage error is the operator's bug to see in the logs: raise it.
    """
    if exc.errno not in STORAGE_FULL:
        raise exc
    return ValidationError({field: _(
        "There is no room left to store files, so nothing was saved. "
        "Ask an administrator to free space, then upload again."
    )})
