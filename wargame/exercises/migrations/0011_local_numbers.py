"""The ids clients see become numbers within their scope: a message's within its channel; a
channel's, a participant's, a statement's and a report job's within their exercise. Existing rows
are numbered in the order they were written."""

from typing import Any

from django.db import migrations, models

# (model, the field that scopes its numbers)
SCOPED = (
    ("Channel", "exercise_id"),
    ("Participant", "exercise_id"),
    ("Statement", "exercise_id"),
    ("ReportJob", "exercise_id"),
    ("Message", "channel_id"),
)


# The unique constraints on (scope, number), in the order of SCOPED (as the models name them).
CONSTRAINTS = (
    "one_channel_per_number",
    "one_participant_per_number",
    "one_statement_per_number",
    "one_report_per_number",
    "one_message_per_number",
)


def number_rows(apps: Any, schema_editor: Any) -> None:
    for model_name, scope in SCOPED:
        model = apps.get_model("exercises", model_name)
        counters: dict[int, int] = {}
        changed = []
        for pk, key in model.objects.order_by("id").values_list("id", scope).iterator():
            counters[key] = counters.get(key, 0) + 1
            changed.append(model(id=pk, number=counters[key]))
        model.objects.bulk_update(changed, ["number"], batch_size=500)


def _number_field(model_name: str) -> migrations.AddField:
    return migrations.AddField(
        model_name=model_name,
        name="number",
        field=models.PositiveIntegerField(default=0),
        preserve_default=False,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0010_beliefs"),
    ]

    operations = [
        *(_number_field(name.lower()) for name, _scope in SCOPED),
        migrations.RunPython(number_rows, migrations.RunPython.noop),
        *(
            migrations.AddConstraint(
                model_name=name.lower(),
                constraint=models.UniqueConstraint(
                    fields=(scope.removesuffix("_id"), "number"), name=constraint
                ),
            )
            for (name, scope), constraint in zip(SCOPED, CONSTRAINTS, strict=True)
        ),
    ]
