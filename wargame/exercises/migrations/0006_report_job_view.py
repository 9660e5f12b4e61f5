"""A report job renders the report of one view (control's, or a reader's that the PDF link
queued); the jobs made so far were control's."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0005_row_audiences"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportjob",
            name="view",
            field=models.CharField(default="control", max_length=16),
        ),
    ]
