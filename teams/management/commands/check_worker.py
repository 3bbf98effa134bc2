import uuid

from celery.exceptions import TimeoutError as CeleryTimeoutError
from django.core.management.base import BaseCommand, CommandError

from teams.tasks import ping_task


class Command(BaseCommand):
    help = "Send a task through the broker and wait for a worker to answer it."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=30.0)
        parser.add_argument("--queue", default="default")

    def handle(self, *args, timeout: float, queue: str, **options):
        token = uuid.uuid4().hex
        result = ping_task.apply_async(args=[token], queue=queue)
        try:
            answer = result.get(timeout=timeout)
        except CeleryTimeoutError as exc:
            raise CommandError(f"No worker answered within {timeout:.0f}s on queue {queue}.") from exc
        if answer.get("token") != token:
            raise CommandError(f"Unexpected answer from worker: {answer!r}")
        self.stdout.write(self.style.SUCCESS(f"worker {answer['worker']} answered on queue {queue}"))
