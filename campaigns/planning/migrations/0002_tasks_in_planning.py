"""The campaign date job moved with its app to campaigns.planning."""

from django.db import migrations

from teams.migration_ops import rename_periodic_tasks


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        rename_periodic_tasks({
            "campaigns.tasks.campaigns_follow_dates_task":
                "campaigns.planning.tasks.campaigns_follow_dates_task",
        }),
    ]
