"""Teams played by a bot (`set_ai`, `POST /practice/`: docs/interface.md#commands).

A bot team behaves like a team of people: it sits in a seat of its own (a participant no one holds
the token of) and writes through the same services a player's requests reach, so its drafts,
submits, statements and messages append the same events with the same audiences. It decides from
what its team may see and nothing else: the engine's team view and the agreements as that team
knows them (engine.simulate.bot_view, built in engine.views).

Its moves run as tasks (``wargame.bot_moves``, queued on entering deliberation) and in the timers
sweep, each re-checking under the exercise lock, so a late, repeated or lost task does no harm.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction

from wargame.engine.bots import bot_decide
from wargame.engine.catalogue import validate_decision
from wargame.engine.errors import EngineError
from wargame.engine.numbering import actions_numbered, agreement_numbers
from wargame.engine.scenario.belief_bots import bot_answers
from wargame.engine.simulate import bot_view
from wargame.exercises.bot_words import bot_sentence, bot_texts
from wargame.exercises.errors import WargameError
from wargame.exercises.models import (
    BeliefAnswer,
    Channel,
    ChannelKind,
    Decision,
    DecisionStatus,
    Exercise,
    ExerciseStatus,
    Message,
    Participant,
    ParticipantRole,
    Phase,
    Team,
)
from wargame.exercises.principals import Principal, token_hash
from wargame.exercises.services.beliefs import belief_answers_write, questions_for
from wargame.exercises.services.decisions import MAX_RATIONALE, decision_save, decision_submit
from wargame.exercises.services.game import exercise_scenario, exercise_state
from wargame.exercises.services.log import exercise_lock
from wargame.exercises.services.messages import message_post, statement_post
from wargame.exercises.services.numbering import number_next
from wargame.exercises.views_of import team_view

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

logger = logging.getLogger(__name__)

REPLY_KINDS = (ChannelKind.HOTLINE, ChannelKind.ALLIED)
# Only the latest messages of a line are answered: a bot swapped in late does not reply to history.
RECENT_MESSAGES = 20


def bot_policy(exercise: Exercise) -> str:
    return str(bot_texts().get("policy", "cautious"))


def bot_seed(exercise_seed: int, turn: int) -> int:
    """The seed every AI team of an exercise decides with this turn, replayable from the exercise
    seed (the SHA-256 layout of docs/model.md §10). One seed for all: the engine keys each team's
    own draws by team and a joint action's draw by its coalition, so partners draw the same number
    and take a joint action together, as `simulate` does."""
    text = f"v1|{exercise_seed}|{turn}|bot:seed|||"
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") >> 1


# --- seats ----------------------------------------------------------------------------------------


def bot_seat(team: Team) -> Participant:
    """The participant a bot acts as, made the first time a bot plays the team."""
    seat = Participant.objects.filter(exercise_id=team.exercise_id, team=team, bot=True).first()
    if seat is None:
        # Already held by every caller in this transaction; taken again for the seat's number.
        exercise = exercise_lock(exercise_id=team.exercise_id)
        seat = Participant.objects.create(
            exercise=exercise,
            number=number_next(
                exercise=exercise, scope=Participant.objects.filter(exercise=exercise)
            ),
            team=team,
            role=ParticipantRole.PLAYER,
            display_name=f"{team.code} (bot)",
            # A fresh random token, never handed out: no request can act as the bot.
            token_hash=token_hash(secrets.token_urlsafe(32)),
            bot=True,
        )
    elif not seat.active:
        seat.active = True
        seat.save(update_fields=["active"])
    return seat


def bot_seat_retire(team: Team) -> None:
    Participant.objects.filter(exercise_id=team.exercise_id, team=team, bot=True).update(
        active=False
    )


def bot_principal(team: Team) -> Principal:
    seat = bot_seat(team)
    return Principal(exercise_id=team.exercise_id, view=team_view(team.code), participant=seat)


# --- moves ----------------------------------------------------------------------------------------


def _valid_actions(
    exercise: Exercise, team: str, actions: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The bot's actions that a player could have saved: each one kept only if the decision stays
    valid with it (the engine's bots follow the policy file, not every rule of the catalogue)."""
    scenario = exercise_scenario(exercise)
    state, model, catalogue = exercise_state(exercise), scenario.model(), scenario.catalogue()
    kept: list[dict[str, Any]] = []
    for action in actions:
        try:
            validate_decision(
                catalogue, state, team, {"actions": [*kept, action], "rationale": ""}, model
            )
        except EngineError:
            logger.info(
                "exercise %s: %s bot drops %s",
                exercise.pk,
                team,
                action["action"],
                extra={"exercise": exercise.pk, "team": team},
            )
            continue
        kept.append(action)
    return kept


def bot_decision(exercise: Exercise, team: str) -> tuple[list[dict[str, Any]], str]:
    """The actions and rationale the team's bot chooses this turn, from the team's view only."""
    scenario = exercise_scenario(exercise)
    model = scenario.model()
    turn = exercise.turn or 0
    decision = bot_decide(
        bot_policy(exercise),
        bot_view(exercise_state(exercise), team, model),
        team=team,
        turn=turn,
        seed=bot_seed(exercise.seed, turn),
        catalogue=scenario.catalogue(),
        model=model,
        standing_orders=scenario.bot_orders().get(team, ()),
        teams=tuple(scenario.teams),
    )
    actions = _valid_actions(exercise, team, decision.to_dict()["actions"])
    return actions, decision.rationale[:MAX_RATIONALE]


def bot_beliefs(exercise: Exercise, team: Team, principal: Principal) -> None:
    """The bot answers the questionnaire from its team's view: its perception, not the truth."""
    scenario = exercise_scenario(exercise)
    questions = questions_for(scenario, team.code)
    if not questions:
        return
    turn = exercise.turn or 0
    view = bot_view(exercise_state(exercise), team.code, scenario.model())
    answers = bot_answers(
        questions, view, team=team.code, turn=turn, seed=bot_seed(exercise.seed, turn)
    )
    belief_answers_write(exercise, team, turn, answers, principal=principal)


def _open_for_bots(exercise: Exercise, turn: int, now: datetime) -> bool:
    return (
        exercise.status == ExerciseStatus.RUNNING
        and exercise.turn == turn
        and exercise.phase == Phase.DELIBERATION
        and (exercise.deadline is None or exercise.deadline > now)
    )


def _statement_text(exercise: Exercise, team: str, action: Mapping[str, Any]) -> str | None:
    texts = bot_texts().get("statements", {}).get(action["action"])
    if not isinstance(texts, dict):
        return None
    return bot_sentence(texts, exercise.language, team=team, target=action.get("target") or "")


def _bot_move(exercise_id: int, team: Team, turn: int, now: datetime) -> None:
    exercise = exercise_lock(exercise_id=exercise_id)
    principal = bot_principal(team)
    if not BeliefAnswer.objects.filter(team=team, turn=turn).exists():
        # First, while this exercise row is the fresh one (the writes below lock it again).
        bot_beliefs(exercise, team, principal)
    draft = Decision.objects.filter(team=team, turn=turn).first()
    if draft is None:
        # A draft control wrote for the team (PUT ?team=) is the team's: the bot submits it as is.
        actions, rationale = bot_decision(exercise, team.code)
        # The seat writes as the team's players do: agreements by the team's own numbers.
        numbers = agreement_numbers(exercise_state(exercise), principal.view)
        decision_save(
            principal=principal,
            turn=turn,
            actions=actions_numbered(actions, numbers),
            rationale=rationale,
            client_key=f"bot-{turn}",
            expected_version=None,
            now=now,
        )
        for index, action in enumerate(actions):
            text = _statement_text(exercise, team.code, action)
            if text is not None:
                statement_post(principal=principal, body=text, client_key=f"bot-{turn}-{index}")
    decision_submit(principal=principal, turn=turn, now=now)


def bot_moves_run(*, exercise_id: int, turn: int, now: datetime) -> list[str]:
    """Every bot team without a submitted decision this turn decides and submits.

    Idempotent: under the exercise lock, a team that has submitted is skipped, and nothing is done
    once deliberation of ``turn`` is over (the last submit may itself end it, with auto-advance).
    """
    moved: list[str] = []
    with transaction.atomic():
        exercise = exercise_lock(exercise_id=exercise_id)
        teams = list(Team.objects.filter(exercise=exercise, ai=True).order_by("id"))
        for team in teams:
            # Re-read: the previous submit may have ended deliberation (auto-advance).
            exercise = exercise_lock(exercise_id=exercise_id)
            if not _open_for_bots(exercise, turn, now):
                break
            if Decision.objects.filter(
                team=team, turn=turn, status=DecisionStatus.SUBMITTED
            ).exists():
                continue
            _bot_move(exercise_id, team, turn, now)
            moved.append(team.code)
    return moved


def bot_moves_due(exercise: Exercise, now: datetime) -> bool:
    """Whether the bots' moves of this deliberation are due: the short delay has passed."""
    if exercise.status != ExerciseStatus.RUNNING or exercise.phase != Phase.DELIBERATION:
        return False
    if exercise.phase_started_at is None:
        return False
    return exercise.phase_started_at + timedelta(seconds=settings.BOT_DELAY_SECONDS) <= now


# --- replies --------------------------------------------------------------------------------------


def bot_stance(team: Team) -> str:
    """firm, open or guarded, from the team's latest decision (bot_replies.yaml `stances`)."""
    latest = Decision.objects.filter(team=team).order_by("-turn").first()
    taken = [str(a.get("action", "")) for a in (latest.actions if latest else [])]
    for rule in bot_texts().get("stances", []):
        actions, prefixes = set(rule.get("actions", [])), tuple(rule.get("prefixes", []))
        if any(a in actions or (prefixes and a.startswith(prefixes)) for a in taken):
            return str(rule["stance"])
    return "guarded"


def _reply_text(exercise: Exercise, channel: Channel, team: Team) -> str:
    texts = bot_texts()["replies"][channel.kind][bot_stance(team)]
    return bot_sentence(texts, exercise.language, team=team.code)


def bot_replies_run(*, exercise_id: int) -> list[str]:
    """Answer, once each, the recent messages people posted on a hotline or allied line that a bot
    team is on. Idempotent: a reply's client key names the message it answers."""
    done: list[str] = []
    with transaction.atomic():
        exercise = exercise_lock(exercise_id=exercise_id)
        if exercise.status not in (ExerciseStatus.RUNNING, ExerciseStatus.PAUSED):
            return done
        bots = {t.code: t for t in Team.objects.filter(exercise=exercise, ai=True)}
        if not bots:
            return done
        for channel in Channel.objects.filter(exercise=exercise, kind__in=REPLY_KINDS, open=True):
            answering = [bots[code] for code in channel.members if code in bots]
            if not answering:
                continue
            recent = (
                Message.objects.filter(channel=channel, author__bot=False, author__isnull=False)
                .select_related("author__team")
                .order_by("-id")[:RECENT_MESSAGES]
            )
            for message in reversed(list(recent)):
                for team in answering:
                    if message.author is None or message.author.team_id == team.pk:
                        continue
                    key = f"reply-{message.pk}"  # internal: never shown to a client
                    seat = bot_seat(team)
                    if Message.objects.filter(
                        channel=channel, author=seat, client_key=key
                    ).exists():
                        continue
                    try:
                        message_post(
                            principal=bot_principal(team),
                            channel_number=channel.number,
                            body=_reply_text(exercise, channel, team),
                            client_key=key,
                        )
                    except WargameError:
                        logger.info(
                            "exercise %s: %s bot could not reply",
                            exercise_id,
                            team.code,
                            extra={"exercise": exercise_id, "team": team.code},
                        )
                        continue
                    done.append(f"{team.code} reply {message.pk}")
    return done


def bots_due_run(*, exercise_id: int, now: datetime) -> list[str]:
    """What the sweep and each timer task do for bots: due moves, then unanswered messages."""
    with transaction.atomic():
        exercise = exercise_lock(exercise_id=exercise_id)
        due = bot_moves_due(exercise, now)
        turn = exercise.turn or 0
    moved = bot_moves_run(exercise_id=exercise_id, turn=turn, now=now) if due else []
    return [f"bot {code}" for code in moved] + bot_replies_run(exercise_id=exercise_id)
