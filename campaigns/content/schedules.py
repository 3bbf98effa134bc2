from celery.schedules import crontab

BEAT_SCHEDULE = {
    "content-expire-due": {
        "task": "campaigns.content.tasks.content_expire_due_task",
        # Every minute: publishing runs every minute too, and an item must be
        # seen as expired before anything could publish it at its slot.
        "schedule": crontab(),
        "options": {"queue": "default"},
    },
}
