"""The Celery application: JSON only, time limits, two queues.

``default`` carries publishing and short jobs; ``sync`` carries slow platform
syncs (tasks named ``*_sync_task``, see ``CELERY_TASK_ROUTES``) so that they
never hold up publishing. Periodic schedules live in the database
(django-celery-beat, seeded by ``config.beat``), so exactly one beat runs
however many workers do.
"""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("campaignops")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = (Queue("default"), Queue("sync"))
app.autodiscover_tasks()
