"""Every qualification document has an expiry date (S2.2.2); connector errors keep a kind.

Data step: a document filed without an expiry date gets one 30 days from the
migration, so the daily expiry task asks its owner and the managers to record
the real date (or renew) instead of the document counting as valid forever.
Recorded errors get their kind back from the exception name stored with them.
"""

import datetime

from django.db import migrations, models
from django.utils import timezone

GRACE_DAYS = 30
KINDS = {
    "TransientConnectorError": "transient",
    "AuthConnectorError": "auth",
    "PermanentConnectorError": "permanent",
}


def fill(apps, schema_editor):
    deadline = timezone.localdate() + datetime.timedelta(days=GRACE_DAYS)
    for name in ("QualificationDocument", "HistoricalQualificationDocument"):
        apps.get_model("platforms", name).objects.filter(expires_on__isnull=True).update(
            expires_on=deadline
        )
    for name in ("PlatformAccount", "HistoricalPlatformAccount"):
        model = apps.get_model("platforms", name)
        for prefix, kind in KINDS.items():
            model.objects.filter(last_error__startswith=f"{prefix}:", last_error_kind="").update(
                last_error_kind=kind
            )


class Migration(migrations.Migration):

    dependencies = [
        ('platforms', '0004_platform_profiles'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalplatformaccount',
            name='last_error_code',
            field=models.CharField(blank=True, max_length=40, verbose_name='last error code'),
        ),
        migrations.AddField(
            model_name='historicalplatformaccount',
            name='last_error_kind',
            field=models.CharField(blank=True, choices=[('transient', 'Temporary'), ('auth', 'Credentials rejected'), ('permanent', 'Refused')], max_length=20, verbose_name='last error kind'),
        ),
        migrations.AddField(
            model_name='platformaccount',
            name='last_error_code',
            field=models.CharField(blank=True, max_length=40, verbose_name='last error code'),
        ),
        migrations.AddField(
            model_name='platformaccount',
            name='last_error_kind',
            field=models.CharField(blank=True, choices=[('transient', 'Temporary'), ('auth', 'Credentials rejected'), ('permanent', 'Refused')], max_length=20, verbose_name='last error kind'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='historicalqualificationdocument',
            name='expires_on',
            field=models.DateField(verbose_name='expires on'),
        ),
        migrations.AlterField(
            model_name='qualificationdocument',
            name='expires_on',
            field=models.DateField(verbose_name='expires on'),
        ),
    ]
