import pytest
from tests.api.cast import game_create
from tests.exercises.services.test_lifecycle_commands import _facilitator
from wargame.exercises.models import Exercise, Adjudication

@pytest.mark.django_db
@pytest.mark.parametrize("rung", [7, 8, 9])
def test_probe(rung: int) -> None:
    g = game_create(_facilitator("control"))
    g.command("start"); g.command("advance")
    ex = Exercise.objects.get(pk=g.exercise_id)
    st = dict(ex.state); st["rung"]["DPRK"]["ROK"] = rung; st["rung"]["ROK"]["DPRK"] = rung
    ex.state = st; ex.save()
    r = g.command("advance"); print(r.status_code)
    a = Adjudication.objects.get(exercise_id=g.exercise_id)
    print(rung, a.proposal["requires_nuclear_approval"], a.proposal["decision_points"])
