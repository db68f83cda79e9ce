"""Repair jobs as services: the order of states, one open job per item, a disposed item
refused, races between two people stepping one job, the partner's link, the history, and the
savings report's repair figures."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from app.auth.models import User
from app.auth.roles import Role
from app.timeutil import utcnow
from inventory import disposals
from inventory.models import CategoryKind, Condition, Disposition, EventKind, Item, ItemEvent
from reuse.errors import Conflict
from reuse.outside.models import Partner
from reuse.repairs import figures, links, queries, services
from reuse.repairs.figures import Hint
from reuse.repairs.models import LineKind, RepairJob, RepairOutcome, RepairPlace
from reuse.repairs.services import Actor, Line, RepairRefused
from reuse.repairs.states import TRANSITIONS, RepairStatus
from reuse.savings.report import Grouping, savings_report
from tests.reuse.racing import REPEAT, race
from tests.reuse.repairing import add_partner, send


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER)


@pytest.fixture
def chair(make_item, make_category, manager):
    category = make_category("Office chair", replacement_value=Decimal("2000"))
    category.weight_kg = Decimal("12.5")
    return make_item("Office chair", department=manager.department, category=category,
                     condition="broken")  # fmt: skip


def repair_events(db_session, item_id: int) -> list[str]:
    db_session.expire_all()
    events = db_session.scalars(select(ItemEvent).where(
        ItemEvent.item_id == item_id, ItemEvent.kind == EventKind.REPAIR).order_by(ItemEvent.id))  # fmt: skip
    return [event.note for event in events]


def test_a_job_goes_sent_quoted_approved_repaired_returned(app, db_session, manager, chair):
    with app.test_request_context():
        job = send(db_session, chair, by=manager, estimate="300")
        services.quote(db_session, job, Decimal("450"), "New gas lift", actor=Actor(manager),
                       now=utcnow())  # fmt: skip
        services.approve(db_session, job, by=manager, now=utcnow())
        services.mark_repaired(db_session, job, actor=Actor(manager), now=utcnow())
        services.return_item(db_session, job, RepairOutcome.TO_STOCK, by=manager, now=utcnow())
    db_session.commit()
    assert job.status == RepairStatus.RETURNED and job.outcome == RepairOutcome.TO_STOCK
    assert (job.value_avoided, job.repair_cost, job.weight_kg) == (2000, 450, Decimal("12.5"))
    assert job.quoted_at and job.approved_at and job.repaired_at and job.returned_at
    assert chair.condition == Condition.GOOD  # broken, and repaired
    assert repair_events(db_session, chair.id) == [
        "Sent to repair (%(where)s): %(fault)s", "Repair quoted: %(cost)s.", "Repair approved.",
        "Repaired.", "Back from repair: %(outcome)s.", "",  # the condition, as an edit
    ]  # fmt: skip


@pytest.mark.parametrize("step", ["repaired", "return", "quote_twice"])
def test_a_step_out_of_order_is_refused_and_changes_nothing(app, db_session, manager, chair, step):
    with app.test_request_context():
        job = send(db_session, chair, by=manager)
        db_session.commit()
        if step == "quote_twice":
            services.quote(db_session, job, Decimal("1"), "", actor=Actor(manager), now=utcnow())
            db_session.commit()
        before = (job.status, job.since, len(repair_events(db_session, chair.id)))
        with pytest.raises(RepairRefused, match="does not come next"):
            if step == "repaired":
                services.mark_repaired(db_session, job, actor=Actor(manager), now=utcnow())
            elif step == "return":
                services.return_item(db_session, job, RepairOutcome.TO_STOCK, by=manager,
                                     now=utcnow())  # fmt: skip
            else:
                services.quote(db_session, job, Decimal("2"), "", actor=Actor(manager),
                               now=utcnow())  # fmt: skip
        db_session.rollback()
    assert (job.status, job.since, len(repair_events(db_session, chair.id))) == before


def test_a_closed_job_takes_no_more_lines(app, db_session, manager, chair):
    with app.test_request_context():
        job = send(db_session, chair, by=manager)
        services.write_off(db_session, job, "Frame cracked", by=manager, now=utcnow())
        with pytest.raises(RepairRefused, match="nothing more"):
            services.add_line(db_session, job, Line(LineKind.PART, "Screw", Decimal(1),
                                                    Decimal(5)), actor=Actor(manager), now=utcnow())  # fmt: skip


def test_a_disposed_item_cannot_be_sent_to_repair(app, db_session, manager, chair):
    disposals.dispose_item(db_session, chair, Disposition.SCRAPPED, by=manager, now=utcnow())
    db_session.commit()
    with app.test_request_context(), pytest.raises(RepairRefused, match="disposed"):
        send(db_session, chair, by=manager)
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(RepairJob)) == 0


def test_one_open_job_per_item_and_a_new_one_once_closed(app, db_session, manager, chair):
    with app.test_request_context():
        job = send(db_session, chair, by=manager)
        with pytest.raises(Conflict, match="already in repair"):
            send(db_session, chair, by=manager)
        services.write_off(db_session, job, "Not worth it", by=manager, now=utcnow())
        assert send(db_session, chair, by=manager).status == RepairStatus.SENT


def test_a_partner_job_needs_an_active_partner(app, db_session, manager, chair):
    partner = add_partner(db_session)
    partner.active = False
    with app.test_request_context(), pytest.raises(RepairRefused, match="active partner"):
        send(db_session, chair, by=manager, place=RepairPlace.PARTNER, partner=partner)


def test_two_approvals_at_once_one_wins_the_other_is_told(app, db_session, manager, make_item):
    for n in range(REPEAT):
        item = make_item(f"Chair {n}", department=manager.department)
        with app.test_request_context():
            job = send(db_session, item, by=manager)
        db_session.commit()

        def approve(session, _n, job_id=job.id, user_id=manager.id):
            services.approve(session, session.get(RepairJob, job_id),
                             by=session.get(User, user_id), now=utcnow())  # fmt: skip

        outcomes = race(app, approve, [1, 2])
        assert sorted(o.split(":")[0] for o in outcomes) == ["refused", "won"], outcomes
        assert any("just now" in o or "does not come next" in o for o in outcomes)
        assert repair_events(db_session, item.id).count("Repair approved.") == 1


def test_repaired_and_written_off_at_once_one_wins(app, db_session, manager, make_item):
    partner = add_partner(db_session)
    for n in range(REPEAT):
        item = make_item(f"Bed {n}", department=manager.department)
        with app.test_request_context():
            job = send(db_session, item, by=manager, place=RepairPlace.PARTNER, partner=partner)
            services.approve(db_session, job, by=manager, now=utcnow())
        db_session.commit()

        def step(session, what, job_id=job.id, user_id=manager.id, partner_id=partner.id):
            job = session.get(RepairJob, job_id)
            if what == "repaired":
                actor = Actor(partner=session.get(Partner, partner_id))
                services.mark_repaired(session, job, actor=actor, now=utcnow())
            else:
                services.write_off(session, job, "Too dear", by=session.get(User, user_id),
                                   now=utcnow())  # fmt: skip

        outcomes = race(app, step, ["repaired", "write off"])
        assert sorted(o.split(":")[0] for o in outcomes) == ["refused", "won"], outcomes
        db_session.expire_all()
        assert db_session.get(RepairJob, job.id).status in (RepairStatus.REPAIRED,
                                                            RepairStatus.WRITTEN_OFF)  # fmt: skip
        assert len(repair_events(db_session, item.id)) == 3  # sent, approved, and one of the two


def test_parts_and_labour_make_the_cost_and_the_hint(app, db_session, manager, chair):
    with app.test_request_context():
        job = send(db_session, chair, by=manager, estimate="300")
        assert job.cost == 300 and figures.replacement_value(job) == 2000
        assert figures.repair_or_scrap(job.cost, Decimal(2000)) == Hint.REPAIR
        for kind, what, amount, cost in [(LineKind.PART, "Gas lift", "1", "900"),
                                         (LineKind.LABOUR, "Fitting", "1.5", "600")]:  # fmt: skip
            services.add_line(db_session, job, Line(kind, what, Decimal(amount), Decimal(cost)),
                              actor=Actor(manager), now=utcnow())  # fmt: skip
    assert job.cost == 1500
    assert figures.repair_or_scrap(job.cost, Decimal(2000)) == Hint.WEIGH
    assert figures.repair_or_scrap(Decimal(2500), Decimal(2000)) == Hint.SCRAP
    assert figures.repair_or_scrap(Decimal(1), None) == Hint.UNKNOWN


def test_a_job_is_overdue_after_its_states_limit(app, db_session, manager, chair):
    with app.test_request_context():
        job = send(db_session, chair, by=manager, now=utcnow() - timedelta(days=6))
    assert figures.is_overdue({"sent": 5}, job, utcnow())
    assert not figures.is_overdue({"sent": 7}, job, utcnow())


def test_a_partner_link_works_until_it_expires_or_is_revoked(app, db_session, manager, chair):
    partner = add_partner(db_session)
    now = utcnow()
    with app.test_request_context():
        job = send(db_session, chair, by=manager, place=RepairPlace.PARTNER, partner=partner)
        token = links.make_link(db_session, job, days=60, actor=Actor(manager), now=now)
        assert links.job_by_token(db_session, token, now=now) is job
        assert links.job_by_token(db_session, token, now=now + timedelta(days=61)) is None
        assert links.job_by_token(db_session, token + "x", now=now) is None
        newer = links.make_link(db_session, job, days=60, actor=Actor(manager), now=now)
        assert links.job_by_token(db_session, token, now=now) is None  # replaced
        links.revoke_link(db_session, job, actor=Actor(manager), now=now)
        assert links.job_by_token(db_session, newer, now=now) is None


def test_a_partners_steps_are_signed_with_its_name(app, db_session, manager, chair):
    partner = add_partner(db_session, "Nya Chanser")
    with app.test_request_context():
        job = send(db_session, chair, by=manager, place=RepairPlace.PARTNER, partner=partner)
        services.quote(db_session, job, Decimal("100"), "", actor=Actor(partner=partner),
                       now=utcnow())  # fmt: skip
    db_session.commit()
    event = db_session.scalars(select(ItemEvent).where(ItemEvent.item_id == chair.id)
                               .order_by(ItemEvent.id.desc())).first()  # fmt: skip
    assert event.user_id is None
    with app.test_request_context():
        assert event.note_text == "Repair quoted: 100. (by Nya Chanser)"


def test_savings_count_repairs_as_replacement_avoided_minus_cost_and_kg(
    app, db_session, manager, chair
):
    with app.test_request_context():
        job = send(db_session, chair, by=manager)
        services.add_line(db_session, job, Line(LineKind.LABOUR, "Welding", Decimal(2),
                                                Decimal("500")), actor=Actor(manager), now=utcnow())  # fmt: skip
        services.approve(db_session, job, by=manager, now=utcnow())
        services.mark_repaired(db_session, job, actor=Actor(manager), now=utcnow())
        services.return_item(db_session, job, RepairOutcome.TO_STOCK, by=manager, now=utcnow())
        other = send(db_session, job.item, by=manager)  # open, and then written off: not counted
        services.write_off(db_session, other, "Gone", by=manager, now=utcnow())
    db_session.commit()
    total = savings_report(db_session, grouping=Grouping.DEPARTMENT).total
    assert (total.repaired_units, total.repair_cost, total.repair_net) == (1, 500, 1500)
    assert total.waste_kg == Decimal("12.5")


def test_every_state_is_reachable_from_sent():
    from app.states import reachable

    assert reachable(RepairStatus.SENT, TRANSITIONS) == set(RepairStatus)


def test_sending_one_item_twice_at_once_makes_one_job(app, db_session, manager, make_item):
    for n in range(REPEAT):
        item = make_item(f"Walker {n}", department=manager.department)

        def send_it(session, fault, item_id=item.id, user_id=manager.id):
            sending = services.Sending(fault=fault, place=RepairPlace.WORKSHOP)
            services.send_to_repair(session, session.get(Item, item_id), sending,
                                    by=session.get(User, user_id), now=utcnow())  # fmt: skip

        outcomes = race(app, send_it, ["Brake", "Wheel"])
        assert sorted(o.split(":")[0] for o in outcomes) == ["refused", "won"], outcomes
        jobs = select(func.count()).select_from(RepairJob).where(RepairJob.item_id == item.id)
        assert db_session.scalar(jobs) == 1


def test_a_partner_acting_by_a_link_revoked_meanwhile_changes_nothing(app, db_session, manager,
                                                                      chair):  # fmt: skip
    """The partner's page found the job by its link; the link is revoked before it quotes."""
    partner = add_partner(db_session)
    now = utcnow()
    with app.test_request_context():
        job = send(db_session, chair, by=manager, place=RepairPlace.PARTNER, partner=partner)
        links.make_link(db_session, job, days=60, actor=Actor(manager), now=now)
        db_session.commit()
        revoke = update(RepairJob).where(RepairJob.id == job.id).values(link_hash=None)
        # a manager, in another request: this session's copy of the job still has the link
        db_session.execute(revoke.execution_options(synchronize_session=False))
        with pytest.raises(Conflict):
            services.quote(db_session, job, Decimal("300"), "", actor=Actor(partner=partner),
                           now=now)  # fmt: skip
    db_session.rollback()
    assert db_session.get(RepairJob, job.id).status == RepairStatus.SENT


def test_an_item_disposed_of_in_repair_is_not_returned(app, db_session, manager, chair):
    with app.test_request_context():
        job = send(db_session, chair, by=manager)
        services.approve(db_session, job, by=manager, now=utcnow())
        services.mark_repaired(db_session, job, actor=Actor(manager), now=utcnow())
        disposals.dispose_item(db_session, chair, Disposition.SCRAPPED, by=manager, now=utcnow())
        db_session.commit()
        with pytest.raises(RepairRefused, match="write the job off"):
            services.return_item(db_session, job, RepairOutcome.TO_STOCK, by=manager,
                                 now=utcnow())  # fmt: skip
    db_session.rollback()
    assert db_session.get(RepairJob, job.id).status == RepairStatus.REPAIRED


def test_a_job_is_listed_for_whoever_sees_its_item_now(app, db_session, manager, chair,
                                                       make_user, make_department):  # fmt: skip
    with app.test_request_context():
        job = send(db_session, chair, by=manager)
    before = make_user(Role.REQUESTER, department=chair.department)
    new_home = make_department("Home care south")
    after = make_user(Role.REQUESTER, department=new_home)
    chair.department = new_home  # handed over while in repair
    db_session.commit()
    listed = lambda user: db_session.scalars(queries.open_jobs(user)).all()  # noqa: E731
    assert listed(after) == [job] and listed(before) == []


def test_a_part_of_a_lot_mended_leaves_the_lots_condition(app, db_session, manager, make_item):
    lot = make_item("Stacking chairs", department=manager.department, quantity=10,
                    condition="broken")  # fmt: skip
    with app.test_request_context():
        job = send(db_session, lot, by=manager, quantity=3)
        services.approve(db_session, job, by=manager, now=utcnow())
        services.mark_repaired(db_session, job, actor=Actor(manager), now=utcnow())
        services.return_item(db_session, job, RepairOutcome.TO_STOCK, by=manager, now=utcnow())
    db_session.commit()
    assert lot.condition == Condition.BROKEN


def test_a_repaired_item_goes_only_where_it_can(app, client, login, db_session, manager, chair,
                                                make_item, make_category):  # fmt: skip
    """A chair has no aid cycle, and no listing to go back to unless it was offered."""
    with app.test_request_context():
        job = send(db_session, chair, by=manager)
        services.approve(db_session, job, by=manager, now=utcnow())
        services.mark_repaired(db_session, job, actor=Actor(manager), now=utcnow())
        db_session.commit()
        for outcome, why in ((RepairOutcome.AID_CYCLE, "no assistive aid"),
                             (RepairOutcome.TO_LISTING, "no open listing")):  # fmt: skip
            with pytest.raises(RepairRefused, match=why):
                services.return_item(db_session, job, outcome, by=manager, now=utcnow())
    db_session.rollback()
    assert db_session.get(RepairJob, job.id).status == RepairStatus.REPAIRED
    login(client, manager)
    page = client.get(f"/repairs/jobs/{job.id}").text
    assert 'value="to_stock"' in page and 'value="aid_cycle"' not in page
    lifts = make_category("Lifts", kind=CategoryKind.ASSISTIVE_AID)
    lift = make_item("Lift", department=manager.department, category=lifts)
    with app.test_request_context():
        aid_job = send(db_session, lift, by=manager)
        services.approve(db_session, aid_job, by=manager, now=utcnow())
        services.mark_repaired(db_session, aid_job, actor=Actor(manager), now=utcnow())
    db_session.commit()
    page = client.get(f"/repairs/jobs/{aid_job.id}").text
    assert re.search(r'<input checked[^>]*value="aid_cycle"', page)  # an aid goes on by default
    client.post(f"/repairs/jobs/{aid_job.id}/return", data={"outcome": "aid_cycle"})
    page = client.get(f"/repairs/jobs/{aid_job.id}").text
    assert "On in the aid cycle" in page and "inspection on its page moves it on" in page
