"""Messages and decisions keep the audience their event was addressed to. Existing rows take it
from the log: a message from its ``message.posted`` event, a decision from the views that got its
last full payload (a submit's sealed views excluded)."""

from django.db import migrations, models


def audiences_from_the_log(apps, schema_editor):
    Event = apps.get_model("exercises", "Event")
    Message = apps.get_model("exercises", "Message")
    Decision = apps.get_model("exercises", "Decision")
    posted = {}
    for event in Event.objects.filter(type="message.posted").only("payload", "audience"):
        posted[(event.exercise_id, event.payload.get("id"))] = event.audience
    for message in Message.objects.select_related("channel"):
        members = ["control", *(f"team:{code}" for code in message.channel.members)]
        message.audience = posted.get((message.channel.exercise_id, message.pk), members)
        message.save(update_fields=["audience"])
    written = {}
    decision_types = ("decision.saved", "decision.submitted")
    for event in Event.objects.filter(type__in=decision_types).order_by("exercise_id", "seq"):
        key = (event.exercise_id, event.payload.get("team"), event.payload.get("turn"))
        full = [view for view in event.audience if view not in event.view_payloads]
        if "actions" in event.payload:
            written[key] = full
    for decision in Decision.objects.select_related("team"):
        own = ["control", f"team:{decision.team.code}"]
        key = (decision.exercise_id, decision.team.code, decision.turn)
        decision.audience = written.get(key, own)
        decision.save(update_fields=["audience"])


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0004_branches_and_reports"),
    ]

    operations = [
        migrations.AddField(
            model_name="decision",
            name="audience",
            field=models.JSONField(default=list),
        ),
        migrations.AddField(
            model_name="message",
            name="audience",
            field=models.JSONField(default=list),
        ),
        migrations.RunPython(audiences_from_the_log, migrations.RunPython.noop),
    ]
