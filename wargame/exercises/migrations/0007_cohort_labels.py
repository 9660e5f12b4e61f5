"""Research labels on an exercise: the cohort it belongs to and the condition it ran under."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0006_report_job_view"),
    ]

    operations = [
        migrations.AddField(
            model_name="exercise",
            name="cohort",
            field=models.CharField(blank=True, default="", max_length=80),
        ),
        migrations.AddField(
            model_name="exercise",
            name="condition",
            field=models.CharField(blank=True, default="", max_length=80),
        ),
    ]
