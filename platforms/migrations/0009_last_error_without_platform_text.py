"""Stored connector errors keep their class and code only.

``last_error`` used to hold the connector's message, which could quote the
platform's answer, and a platform that echoes the request can put a secret
there. Existing rows, and their copies in the history table, are cut down to
"ErrorClass (code N)".
"""

import re

from django.db import migrations

CLASS_NAME = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*:")
ALREADY_CUT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*( \(code [^()]*\))?$")


def label(last_error: str, code: str) -> str:
    if ALREADY_CUT.match(last_error or ""):
        return last_error
    match = CLASS_NAME.match(last_error or "")
    name = match.group(1) if match else "ConnectorError"
    return f"{name} (code {code})" if code else name


def cut_down(apps, schema_editor):
    for model_name in ("PlatformAccount", "HistoricalPlatformAccount"):
        model = apps.get_model("platforms", model_name)
        rows = model.objects.exclude(last_error="").values_list(
            "pk" if model_name == "PlatformAccount" else "history_id",
            "last_error", "last_error_code",
        )
        key = "pk" if model_name == "PlatformAccount" else "history_id"
        for pk, last_error, code in rows.iterator():
            wanted = label(last_error, code or "")
            if wanted != last_error:
                model.objects.filter(**{key: pk}).update(last_error=wanted)


class Migration(migrations.Migration):

    dependencies = [
        ("platforms", "0008_document_content_type"),
    ]

    operations = [
        migrations.RunPython(cut_down, migrations.RunPython.noop),
    ]
