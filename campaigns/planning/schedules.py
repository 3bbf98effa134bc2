from celery.schedules import crontab

BEAT_SCHEDULE = {
    "campaigns-follow-dates": {
        "task": "campaigns.planning.tasks.campaigns_follow_dates_task",
        # Just after midnight (CELERY_TIMEZONE) and hourly after, so a missed
        # run or a plan approved late in the day catches up soon.
        "schedule": crontab(minute=5),
        "options": {"queue": "default"},
    },
}
