"""Qualification documents remember the type their content was found to be.

Documents filed before uploads were checked get the type sniffed from their
content now when it is one the upload check accepts; anything else (a missing
file, an HTML page, an SVG) is ``application/octet-stream``, so it can only
ever be downloaded, never rendered.
"""

from django.db import migrations, models

ACCEPTED = {"application/pdf", "image/jpeg", "image/png", "image/webp"}
FALLBACK = "application/octet-stream"


def sniff(field_file) -> str:
    import filetype

    try:
        with field_file.open("rb") as handle:
            head = handle.read(8192)
    except (FileNotFoundError, OSError, ValueError):
        return FALLBACK
    kind = filetype.guess(head)
    return kind.mime if kind is not None and kind.mime in ACCEPTED else FALLBACK


def backfill(apps, schema_editor):
    Document = apps.get_model("platforms", "QualificationDocument")
    for document in Document.objects.exclude(file="").filter(content_type="").iterator():
        document.content_type = sniff(document.file)
        document.save(update_fields=["content_type"])


class Migration(migrations.Migration):

    dependencies = [
        ('platforms', '0007_sandbox_posts_weibo'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalqualificationdocument',
            name='content_type',
            field=models.CharField(blank=True, max_length=100, verbose_name='content type'),
        ),
        migrations.AddField(
            model_name='qualificationdocument',
            name='content_type',
            field=models.CharField(blank=True, max_length=100, verbose_name='content type'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
