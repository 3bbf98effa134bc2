"""Serving a stored upload to someone allowed to see it: always as a download.

Uploaded files are never served from ``MEDIA_URL``: a view first finds the
record through a selector scoped to the viewer (another team's record is a 404)
and then answers with ``attachment_response``. The file goes out as an
attachment with the type recorded when it was checked on upload and
``nosniff``, so a browser never renders an upload inline — no HTML, no SVG,
whatever the file turns out to contain.
"""

from __future__ import annotations

from pathlib import PurePath

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

_FALLBACK_TYPE = "application/octet-stream"


def attachment_response(file: FieldFile, *, content_type: str, filename: str = "") -> FileResponse:
    """``file`` as a download named ``filename`` (default: its stored name)."""
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    name = filename or PurePath(file.name).name
    response = FileResponse(
        handle, as_attachment=True, filename=name, content_type=content_type or _FALLBACK_TYPE
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
