from celery.schedules import crontab

BEAT_SCHEDULE = {
    "engagement-interactions-pull": {
        "task": "campaigns.engagement.tasks.interactions_pull_task",
        # Every five minutes: the first-response clock starts when a comment is
        # made, so the inbox must see it soon.
        "schedule": crontab(minute="*/5"),
        "options": {"queue": "default"},
    },
    "engagement-lotteries-close": {
        "task": "campaigns.engagement.tasks.lotteries_close_due_task",
        "schedule": crontab(minute="*/5"),
        "options": {"queue": "default"},
    },
}
