"""A short game played through the API with distinctive strings planted wherever a person, a
credential or free text can enter the log, so that an export can be searched for each of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from tests.cast import PASSWORD, TEAMS, client_key, participant_client

PLANS: dict[str, list[dict[str, Any]]] = {  # valid turn-1 decisions (tests/api/test_full_exercise)
    "US": [{"action": "d.consult", "target": "ROK"}, {"action": "d.talks_offer", "target": "DPRK"}],
    "ROK": [{"action": "d.consult", "target": "US"}],
    "JPN": [{"action": "d.trilateral"}],
    "DPRK": [{"action": "d.russia_deepen"}, {"action": "i.loudspeakers", "target": "ROK"}],
}


@dataclass
class Played:
    """One exercise played to the end of turn 1, and everything planted in it."""

    exercise_id: int
    control: APIClient
    players: dict[str, APIClient]
    observer: APIClient
    participant_ids: dict[str, int]
    names: dict[str, str]  # team code or "observer" -> display name
    tokens: list[str]
    join_codes: list[str]
    addresses: list[str]
    usernames: list[str] = field(default_factory=list)
    free_text: list[str] = field(default_factory=list)

    def url(self, tail: str = "") -> str:
        return f"/api/v1/exercises/{self.exercise_id}/{tail}"

    def command(self, command: str, **extra: Any) -> Any:
        response = self.control.post(
            self.url("commands/"), {"command": command, **extra}, format="json"
        )
        assert response.status_code == 200, response.content
        return response

    def text(self, stem: str) -> str:
        """A planted free-text canary, remembered."""
        canary = f"zq{stem}{len(self.free_text):03d}x"
        self.free_text.append(canary)
        return canary


def play(control: APIClient, *, tag: str) -> Played:
    created = control.post(
        "/api/v1/exercises/",
        {"scenario": "exercise_season", "title": f"Export {tag}", "language": "en", "seed": 7},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    codes: dict[str, str] = body["join_codes"]
    game = Played(
        exercise_id=body["id"],
        control=control,
        players={},
        observer=APIClient(),
        participant_ids={},
        names={},
        tokens=[],
        join_codes=list(codes.values()),
        addresses=[],
    )
    co = f"Kwzcofac{tag}Q"
    get_user_model().objects.create_user(co, password=PASSWORD)
    added = control.post(game.url("facilitators/"), {"username": co}, format="json")
    assert added.status_code == 200, added.content
    game.usernames.append(co)
    game.command("open_lobby")
    for index, code in enumerate((*TEAMS, "observers")):
        name = f"Kwzname{tag}{code}Q"
        address = f"198.51.{100 + index}.{77 + len(tag)}"
        joined = APIClient(REMOTE_ADDR=address).post(
            "/api/v1/join/", {"code": codes[code], "display_name": name}, format="json"
        )
        assert joined.status_code == 201, joined.content
        seat = joined.json()
        client = participant_client(seat["token"])
        key = "observer" if code == "observers" else code
        if key == "observer":
            game.observer = client
        else:
            game.players[key] = client
        game.participant_ids[key] = seat["participant_id"]
        game.names[key] = name
        game.tokens.append(seat["token"])
        game.addresses.append(address)

    game.command("start")
    game.command("advance", expected_turn=1, expected_phase="briefing")
    for code in TEAMS:
        # a rationale that also quotes a seat's own name, its join code and an address
        rationale = f"{game.text('rationale')} per {game.names[code]} at 203.0.113.9"
        saved = game.players[code].put(
            game.url("turns/1/decision/"),
            {"actions": PLANS[code], "rationale": rationale, "client_key": client_key()},
            format="json",
        )
        assert saved.status_code == 200, saved.content
    channels = game.players["US"].get(game.url("channels/")).json()["results"]
    allied = next(c for c in channels if c["name"] == "US-ROK")
    for author in ("US", "ROK"):
        posted = game.players[author].post(
            game.url(f"channels/{allied['id']}/messages/"),
            {"body": f"{game.text('message')} code {codes['US']}", "client_key": client_key()},
            format="json",
        )
        assert posted.status_code == 201, posted.content
    stated = game.players["JPN"].post(
        game.url("statements/"),
        {"body": game.text("statement"), "client_key": client_key()},
        format="json",
    )
    assert stated.status_code == 201, stated.content
    game.command(
        "release_inject",
        args={
            "title": game.text("injecttitle"),
            "body": game.text("injectbody"),
            "audience": "all",
        },
    )
    for code in ("US", "ROK", "JPN"):
        submitted = game.players[code].post(game.url("turns/1/decision/submit/"), {}, format="json")
        assert submitted.status_code == 200, submitted.content
    game.command("advance", expected_turn=1, expected_phase="deliberation")
    overridden = control.patch(
        game.url("turns/1/adjudication/"),
        {
            "overrides": [
                {"path": "/state/assurance/ROK", "value": 61, "reason": game.text("reason")}
            ]
        },
        format="json",
    )
    assert overridden.status_code == 200, overridden.content
    published = control.post(game.url("turns/1/adjudication/publish/"), {}, format="json")
    assert published.status_code == 200, published.content
    return game
