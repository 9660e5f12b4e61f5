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


class ObserverView(models.TextChoices):
    PUBLIC = "public", _("Public events only")
    TEAMS = "teams", _("Also team channels and decisions")


# Longest cohort or condition label.
LABEL_LENGTH = 80


class Exercise(models.Model):
    title = models.CharField(max_length=200)
    scenario_slug = models.SlugField(max_length=100)
    # The scenario as it was when the exercise was created: later edits to the file or upload
    # must not change a running game or a replay of a finished one.
    scenario_text = models.TextField()
    # The scenario's cut the exercise plays ("short", "half_day", "full_day"); "" for a scenario
    # without cuts. Chosen at creation, fixed for the game.
    cut = models.CharField(max_length=60, blank=True, default="")
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
    paused_at = models.DateTimeField(null=True, blank=True)
    # Clocks of the current phase, shifted forward by pauses: briefing auto-advance and the
    # time-offset injects of a deliberation are due relative to them.
    phase_started_at = models.DateTimeField(null=True, blank=True)
    # null: no clock (practice); otherwise every turn's deliberation. Left at the scenario's
    # default, each move keeps the minutes its cut gives it.
    deliberation_minutes = models.PositiveIntegerField(null=True, blank=True)
    auto_advance = models.BooleanField(default=False)
    auto_publish = models.BooleanField(default=False)
    briefing_seconds = models.PositiveIntegerField(null=True, blank=True)
    observer_view = models.CharField(
        max_length=8, choices=ObserverView.choices, default=ObserverView.PUBLIC
    )
    # Solo practice (POST /practice/): its one player may also run the game's pacing commands.
    practice = models.BooleanField(default=False)
    # A what-if branch (POST fork/, manage.py readjudicate): the exercise it was forked from, the
    # turn the branch starts at, and what re-adjudication decided where the original had no answer.
    branch_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="branches"
    )
    branch_from_turn = models.PositiveIntegerField(null=True, blank=True)
    branch_log = models.JSONField(default=list, blank=True)
    # Research labels control gives a run (services.exercises.exercise_labels_set): the group it
    # belongs to ("2026 seminar") and the experimental condition it ran under ("hotline-first").
    cohort = models.CharField(max_length=LABEL_LENGTH, blank=True, default="")
    condition = models.CharField(max_length=LABEL_LENGTH, blank=True, default="")
    state = models.JSONField(help_text=_("The engine state at the start of the current turn."))
    # Counters of the event log, advanced only under this row's lock (services.log).
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
    # they carry >= 40 bits and guessing is rate-limited (docs/interface.md#join-limiter).
    code = models.CharField(max_length=32, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # Partial constraints rather than nulls_distinct, which SQLite does not enforce.
            models.UniqueConstraint(
                fields=["exercise", "team"],
                condition=Q(team__isnull=False),
                name="one_code_per_team",
            ),
            models.UniqueConstraint(
                fields=["exercise"],
                condition=Q(team__isnull=True),
                name="one_observer_code_per_exercise",
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
    # The id clients see: numbered within the exercise (services.numbering), so that it says
    # nothing of how many people joined other exercises.
    number = models.PositiveIntegerField()
    # SHA-256 of the token: a leaked database does not hand out seats.
    token_hash = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(default=True)
    # The seat a bot plays its team from (services.bots): no one holds its token.
    bot = models.BooleanField(default=False)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="players_have_a_team_observers_none",
                condition=Q(role="player", team__isnull=False)
                | Q(role="observer", team__isnull=True),
            ),
            models.UniqueConstraint(
                fields=["exercise", "number"], name="one_participant_per_number"
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


class ScenarioUpload(models.Model):
    """A facilitator's own scenario file, visible to its uploader only."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    slug = models.SlugField(max_length=100)
    text = models.TextField()
    uploaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "slug"], name="one_upload_per_slug_and_owner"),
        ]

    def __str__(self) -> str:
        return f"{self.slug} by {self.owner_id}"


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Decision(models.Model):
    """A team's decision for one turn: one shared draft, then locked in by a submit."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="decisions")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="decisions")
    turn = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=DecisionStatus.choices)
    version = models.PositiveIntegerField(default=0)
    actions = models.JSONField(default=list)
    rationale = models.TextField(blank=True, default="")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The views that may read it, as its last write addressed its event (exercises.audience).
    audience = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "turn"], name="one_decision_per_team_turn"),
        ]

    def __str__(self) -> str:
        return f"{self.team} turn {self.turn} ({self.status})"


class DecisionWrite(models.Model):
    """A client key already applied to a decision: a retry with the same body changes nothing."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="writes")
    client_key = models.CharField(max_length=64)
    body_hash = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["decision", "client_key"], name="one_write_per_key"),
        ]

    def __str__(self) -> str:
        return f"{self.client_key} on decision {self.decision_id}"


class JointProposal(models.Model):
    """A team's proposal that named partners take a joint action with it this turn (a
    consultation, a combined exercise). Proposing is an explicit act, addressed to the partners:
    what a team drafts stays its own until it proposes."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="+")
    turn = models.PositiveIntegerField()
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(max_length=64)
    target = models.CharField(max_length=8, blank=True, default="")
    params = models.JSONField(default=dict)
    partners = models.JSONField(help_text=_("Team codes."))
    joined = models.JSONField(default=list, help_text=_("Partners that joined, in order."))
    proposed_by = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The proposer, its partners and control (exercises.audience.joint_audience).
    audience = models.JSONField(default=list)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["exercise", "turn", "team", "action"], name="one_joint_proposal_per_action"
            ),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.team} proposes {self.action} in turn {self.turn}"


class ChannelKind(models.TextChoices):
    TEAM = "team", _("Team")
    ALLIED = "allied", _("Allied")
    HOTLINE = "hotline", _("Hotline")
    CONTROL = "control", _("Control")


class Channel(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(max_length=16, choices=ChannelKind.choices)
    # The id clients see and paths name: numbered within the exercise.
    number = models.PositiveIntegerField()
    name = models.CharField(max_length=32)
    members = models.JSONField(help_text=_("Team codes."))
    open = models.BooleanField(default=True)
    # "ik" or "us" for a hotline: its state lives in the engine state (hotline/<key>).
    hotline = models.CharField(max_length=4, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exercise", "name"], name="one_channel_per_name"),
            models.UniqueConstraint(fields=["exercise", "number"], name="one_channel_per_number"),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} in {self.exercise_id}"


class Message(models.Model):
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        Participant, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # set when control writes (the facilitator posts as Control)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The id clients see: numbered within the channel. Whoever reads a channel reads all of it,
    # so its numbers say nothing of what other channels hold.
    number = models.PositiveIntegerField()
    body = models.TextField()
    client_key = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True)
    # The views that may read it, fixed when posted as its event was (exercises.audience).
    audience = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "author", "client_key"],
                condition=Q(author__isnull=False),
                name="one_message_per_participant_key",
            ),
            models.UniqueConstraint(
                fields=["channel", "author_user", "client_key"],
                condition=Q(author_user__isnull=False),
                name="one_message_per_control_key",
            ),
            models.UniqueConstraint(fields=["channel", "number"], name="one_message_per_number"),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"message {self.number} in {self.channel_id}"


class Statement(models.Model):
    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="statements")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    # The id clients see: numbered within the exercise (every view reads every statement).
    number = models.PositiveIntegerField()
    body = models.TextField()
    client_key = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["author", "client_key"], name="one_statement_per_key"),
            models.UniqueConstraint(fields=["exercise", "number"], name="one_statement_per_number"),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"statement {self.number} by {self.team}"


class InjectRelease(models.Model):
    """An inject that reached its audience: from the scenario (by key, once) or ad hoc."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="injects")
    key = models.CharField(max_length=80)
    turn = models.PositiveIntegerField(null=True, blank=True)
    title = models.JSONField(help_text=_("Text per language."))
    body = models.JSONField(help_text=_("Text per language."))
    audience = models.JSONField(help_text=_("Views."))
    released_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exercise", "key"], name="one_release_per_inject"),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"inject {self.key} in {self.exercise_id}"


class AdjudicationStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    PUBLISHED = "published", _("Published")


class Adjudication(models.Model):
    """The engine's proposal for one turn, the facilitator's overrides, and what was published."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="adjudications")
    turn = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=AdjudicationStatus.choices)
    seed = models.BigIntegerField()
    # The inputs, kept so that a reroll or a what-if re-runs exactly this turn.
    base_state = models.JSONField()
    decisions = models.JSONField()
    proposal = models.JSONField(help_text=_("The engine's proposal with overrides applied."))
    overrides = models.JSONField(default=list)
    approved_nuclear = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exercise", "turn"], name="one_adjudication_per_turn"),
        ]

    def __str__(self) -> str:
        return f"adjudication of turn {self.turn} in {self.exercise_id} ({self.status})"


class RateLimitWindow(models.Model):
    """Recent failures under one limiter key, locked while read and written (atomic limiter)."""

    key = models.CharField(max_length=128, unique=True)
    hits = models.JSONField(default=list, help_text=_("Epoch seconds of recent failures."))

    def __str__(self) -> str:
        return self.key


class SocketPresence(models.Model):
    """An open WebSocket. Rows of a process that died stop being refreshed and are ignored."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="+")
    socket = models.CharField(max_length=64, unique=True)
    process = models.CharField(max_length=64)
    view = models.CharField(max_length=16)
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    seen_at = models.DateTimeField()

    class Meta:
        indexes = [
            # used by presence_for: an exercise's live sockets
            models.Index(fields=["exercise", "seen_at"], name="presence_exercise_seen"),
            # used by presence_touch: every row of one server process
            models.Index(fields=["process"], name="presence_process"),
        ]

    def __str__(self) -> str:
        return f"socket {self.socket} ({self.view}) in {self.exercise_id}"


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    HTML = "html", "HTML"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ReportJob(models.Model):
    """One after-action report rendered by a worker (POST reports/). The file is reused while the
    exercise's log has not grown past ``log_seq`` (the report is cached until the log changes)."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="reports")
    # The ids clients see and paths name (docs/interface.md#ids): control's, numbered within the
    # exercise; the reader's of the view it is written for, numbered within that view, so a
    # team's second job is its 2 however many jobs control and the others asked for.
    number = models.PositiveIntegerField()
    view_number = models.PositiveIntegerField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    format = models.CharField(max_length=8, choices=ReportFormat.choices)
    language = models.CharField(max_length=8)
    # The view the report is written for: each reader gets the report of its own view.
    view = models.CharField(max_length=16, default="control")
    status = models.CharField(
        max_length=16, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    log_seq = models.PositiveBigIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["exercise", "number"], name="one_report_per_number"),
            models.UniqueConstraint(
                fields=["exercise", "view", "view_number"], name="one_report_per_view_number"
            ),
        ]

    def __str__(self) -> str:
        return f"report {self.number} of exercise {self.exercise_id} ({self.format}, {self.status})"


class BeliefAnswer(models.Model):
    """A team's answers to the scenario's belief questionnaire for one turn, and beside each the
    engine's truth: filled at the lock from the state (a question about what happens later once
    its window has closed), never shown to the team before control releases the debrief."""

    exercise = models.ForeignKey(Exercise, on_delete=models.CASCADE, related_name="beliefs")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="beliefs")
    turn = models.PositiveIntegerField()
    answers = models.JSONField(default=dict)  # question id -> the team's answer
    truths = models.JSONField(default=dict)  # question id -> the engine's truth (control only)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "turn"], name="one_belief_answer_per_team_turn"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} beliefs turn {self.turn}"
