"""A report job's id as the reader of its view reads it: numbered within the exercise and the view
it is written for, so a team's second job is its 2 however many jobs others asked for. Control
keeps the numbers within the exercise. Existing jobs are numbered in the order they were made."""

from typing import Any

from django.db import migrations, models


def number_jobs(apps: Any, schema_editor: Any) -> None:
    job_model = apps.get_model("exercises", "ReportJob")
    counters: dict[tuple[int, str], int] = {}
    changed = []
    rows = job_model.objects.order_by("id").values_list("id", "exercise_id", "view")
    for pk, exercise_id, view in rows.iterator():
        key = (exercise_id, view)
        counters[key] = counters.get(key, 0) + 1
        changed.append(job_model(id=pk, view_number=counters[key]))
    job_model.objects.bulk_update(changed, ["view_number"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0011_local_numbers"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportjob",
            name="view_number",
            field=models.PositiveIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.RunPython(number_jobs, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="reportjob",
            constraint=models.UniqueConstraint(
                fields=("exercise", "view", "view_number"), name="one_report_per_view_number"
            ),
        ),
    ]
