"""Two people stepping the same aid at once: the database lets one win, the other is told."""

from datetime import date

from sqlalchemy import func, select

from app.auth.models import User
from app.timeutil import utcnow
from inventory.models import Department, Item
from reuse.aids.cycle import Details, take_step
from reuse.aids.models import Aid, AidStep
from reuse.aids.states import AidState, Step
from tests.aids.fixtures import cycle_to
from tests.reuse.racing import REPEAT, race


def test_two_people_issuing_one_ready_aid_only_one_wins(app, db_session, depot, make_aid, step):
    for _round in range(REPEAT):
        lift = make_aid()
        cycle_to(step, lift, depot, Step.READY)
        item_id, user_id, to_id = lift.id, depot.manager.id, depot.home_care.id

        def issue(session, unit: str, item_id=item_id, user_id=user_id, to_id=to_id) -> None:
            item, user = session.get(Item, item_id), session.get(User, user_id)
            details = Details(to=session.get(Department, to_id), unit=unit)
            take_step(session, item, Step.ISSUED, details, by=user, now=utcnow(),
                      today=date.today())  # fmt: skip

        outcomes = race(app, issue, ["Team 1", "Team 2"])
        assert sorted(o.split(":")[0] for o in outcomes) == ["refused", "won"], outcomes
        db_session.expire_all()
        assert db_session.get(Aid, item_id).status == AidState.ISSUED
        issued = select(func.count()).where(AidStep.item_id == item_id,
                                            AidStep.step == Step.ISSUED)  # fmt: skip
        assert db_session.scalar(issued) == 1
