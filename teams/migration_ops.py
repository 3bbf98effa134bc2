"""Data-migration operations for moving models and tasks between apps.

Migrations import only these small, stable functions: when a model moves to
another app its content type (and with it its permissions, audit events and
tasks, which point at records through generic foreign keys) must follow, and
periodic tasks stored by django-celery-beat must follow a task's new module.
"""

from django.db import migrations


def move_content_types(
    from_label: str, to_label: str, models: list[str]
) -> migrations.RunPython:
    """Relabel the content types of ``models`` from one app label to another."""

    def forwards(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        for model in models:
            if content_type.objects.filter(app_label=to_label, model=model).exists():
                continue
            content_type.objects.filter(app_label=from_label, model=model).update(
                app_label=to_label
            )

    def backwards(apps, schema_editor):
        content_type = apps.get_model("contenttypes", "ContentType")
        content_type.objects.filter(app_label=to_label, model__in=models).update(
            app_label=from_label
        )

    return migrations.RunPython(forwards, backwards)


def rename_periodic_tasks(renames: dict[str, str]) -> migrations.RunPython:
    """Point stored periodic tasks at their tasks' new dotted names (old → new)."""

    def forwards(apps, schema_editor):
        periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
        for old, new in renames.items():
            periodic_task.objects.filter(task=old).update(task=new)

    def backwards(apps, schema_editor):
        periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
        for old, new in renames.items():
            periodic_task.objects.filter(task=new).update(task=old)

    return migrations.RunPython(forwards, backwards)
