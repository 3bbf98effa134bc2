from celery.schedules import crontab

BEAT_SCHEDULE = {
    "publications-due": {
        "task": "campaigns.publishing.tasks.publications_due_task",
        # Every minute: a publication goes out within a minute of its time.
        "schedule": crontab(),
        "options": {"queue": "default"},
    },
    "publications-reconcile": {
        "task": "campaigns.publishing.tasks.publications_reconcile_task",
        # Outcomes nobody heard are asked about every five minutes (read-only).
        "schedule": crontab(minute="*/5"),
        "options": {"queue": "default"},
    },
    "publishing-plans-extend": {
        "task": "campaigns.publishing.tasks.publishing_plans_extend_task",
        # Daily, so every plan always has its coming weeks of slots.
        "schedule": crontab(minute=20, hour=0),
        "options": {"queue": "default"},
    },
}
