"""Exercise data. Models hold data and invariants only; every write goes through ``services``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ExerciseStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    LOBBY = "lobby", _("Lobby")
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    ENDED = "ended", _("Ended")


class Phase(models.TextChoices):
    BRIEFING = "briefing", _("Briefing")
    DELIBERATION = "deliberation", _("Deliberation")
    ADJUDICATION = "adjudication", _("Adjudication")
    OUTCOME = "outcome", _("Outcome")


class Exercise(models.Model):
    title = models.CharField(max_length=200)
    scenario_slug = models.SlugField(max_length=100)
    # The scenario as it was when the exercise was created: later edits to the file or upload
    # must not change a running game or a replay of a finished one.
    scenario_text = models.TextField()
    language = models.CharField(max_length=8, default="en")
    seed = models.BigIntegerField()
    status = models.CharField(
        max_length=16, choices=ExerciseStatus.choices, default=ExerciseStatus.DRAFT
    )
    turn = models.PositiveIntegerField(null=True, blank=True)
    # null, not "": the contract's phase is null before the start and after the end
    phase = models.CharField(  # noqa: DJ001
        max_length=16, choices=Phase.choices, null=True, blank=True
    )
    deadline = models.DateTimeField(null=True, blank=True)
    # While paused the deadline is cleared and the time left is kept here (resume restores it).
    paused_remaining_seconds = models.PositiveIntegerField(null=True, blank=True)
    deliberation_minutes = models.PositiveIntegerField(null=True, blank=True)
    state = models.JSONField(help_text=_("The engine state at the start of the current turn."))
    # Counters of the event log, advanced only under this row's lock (services.events).
    last_seq = models.PositiveBigIntegerField(default=0)
    view_positions = models.JSONField(default=dict, help_text=_("Last position per view."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="exercise_turn_and_phase_together",
                condition=Q(turn__isnull=True, phase__isnull=True)
                | Q(turn__isnull=False) & (Q(phase__isnull=False) | Q(status="ended")),
            ),
        ]
        indexes = [
            # used by the deadline sweep: running exercises whose deadline has passed
            models.Index(fields=["status", "deadline"], name="exercise_status_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.scenario_slug}, {self.status})"


class FacilitatorMembership(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="facilitators")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exercise", "user"], name="one_membership_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} facilitates {self.exercise_id}"


class Team(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="teams")
    code = models.CharField(max_length=8)
    ai = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exercise", "code"], name="one_team_per_code"),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.code} in {self.exercise_id}"


class JoinCode(models.Model):
    """A code that seats a player in a team, or an observer (team null)."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="join_codes")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, null=True, related_name="+")
    # Facilitators must be able to read codes out to the room, so they are kept, not hashed;
    # they carry >= 40 bits and guessing is rate-limited (CONTRACT.md).
    code = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "team"], name="one_code_per_team", nulls_distinct=False
            ),
        ]

    def __str__(self) -> str:
        return f"join code for {self.team_id or 'observers'} in {self.exercise_id}"


class ParticipantRole(models.TextChoices):
    PLAYER = "player", _("Player")
    OBSERVER = "observer", _("Observer")


class Participant(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="participants")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, related_name="members")
    role = models.CharField(max_length=16, choices=ParticipantRole.choices)
    display_name = models.CharField(max_length=80)
    # SHA-256 of the token: a leaked database does not hand out seats.
    token_hash = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(default=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="players_have_a_team_observers_none",
                condition=Q(role="player", team__isnull=False)
                | Q(role="observer", team__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.role}) in {self.exercise_id}"


class Event(models.Model):
    """The append-only log: the source of truth that every screen, replay and export reads.

    ``seq`` is the exercise's global, gapless order, taken under the exercise row lock so that
    commit order equals ``seq`` order. Each view that may see the event gives it the next number
    of its own stream (``EventView``), so a client's numbers reveal nothing of what it cannot see.
    """

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    type = models.CharField(max_length=48)
    audience = models.JSONField(help_text=_("The views that see this event."))
    payload = models.JSONField(help_text=_("Control's payload; views share it unless overridden."))
    view_payloads = models.JSONField(
        default=dict, blank=True, help_text=_("Payloads that differ by view: {view: payload}.")
    )
    actor = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exercise", "seq"], name="one_event_per_seq"),
        ]
        ordering = ["exercise", "seq"]

    def __str__(self) -> str:
        return f"#{self.seq} {self.type} in {self.exercise_id}"

    def payload_for(self, view: str) -> object:
        return self.view_payloads.get(view, self.payload)


class EventView(models.Model):
    """An event's position in one view's stream (view = control, observers or team:<CODE>)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="positions")
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="+")
    view = models.CharField(max_length=16)
    position = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            # also the index used by events_since_for: (exercise, view, position > since)
            models.UniqueConstraint(
                fields=["exercise", "view", "position"], name="one_event_per_view_position"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.view}#{self.position} -> event {self.event_id}"
