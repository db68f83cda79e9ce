"""The savings report on known data: each figure, the period's edges, and totals that agree
across groupings, the chart and the xlsx export.

The data is made through the real flows (offer, request, approve, hand over, close) at
chosen moments; the expected figures are worked out here from what the test made.
"""

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.auth.roles import Role
from reuse.demand.models import BuyCheck, BuyCheckOutcome
from reuse.listings import closing
from reuse.listings.models import Closing
from reuse.requests import services
from reuse.savings.chart import bar_chart
from reuse.savings.report import CHECK_COLUMNS, OUTCOME_COLUMNS, Grouping, savings_report
from reuse.savings.xlsx import write_savings_xlsx
from tests.reuse import making

ZONE = "Europe/Stockholm"
TAGS = {"tag_prefix": "INV-", "tag_digits": 6}
CHAIR_VALUE, CHAIR_CO2E = Decimal("1200.00"), Decimal("35.50")
BED_VALUE, BED_CO2E, OWN_BED_VALUE = Decimal("8000.00"), Decimal("120.00"), Decimal("9000.00")
SALE = Decimal("300.00")
FOUND_VALUE = Decimal("3600.00")


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture
def world(app, db_session, make_user, make_department, make_category, make_item):
    """Outcomes at chosen moments (UTC; Stockholm is an hour or two ahead):
    - 15 Jan: North hands 3 of its 10 chairs over to School (category value);
    - 31 Mar 23:30 UTC, 1 Apr in Stockholm: North sells the 4th offered chair;
    - 10 Apr: South gives a bed away (its own replacement value);
    - 30 Jun 21:30 UTC, 23:30 in Stockholm: South scraps a bed;
    - 31 Dec 23:30 UTC, New Year in Stockholm: North recycles an office chair
      (a subcategory of Chairs);
    and two buy checks: School found chairs (10 Jan), North found no bed (5 May)."""
    north, south, school = (make_department(n) for n in ("North", "South", "School"))
    manager = make_user(Role.MANAGER, department=north)
    teacher = make_user(Role.REQUESTER, department=school)
    chairs = make_category("Chairs", replacement_value=CHAIR_VALUE, co2e_kg=CHAIR_CO2E)
    office = make_category("Office chair", parent=chairs)
    beds = make_category("Beds", replacement_value=BED_VALUE, co2e_kg=BED_CO2E)

    def offer(item, quantity, when):
        listing = making.flag(db_session, item, quantity=quantity, by=manager, now=when)
        db_session.commit()
        return listing

    def close(listing, how, when, **kw):
        closing.close_listing(db_session, listing, how, by=manager, now=when, **TAGS, **kw)
        db_session.commit()

    with app.test_request_context():
        lot = offer(make_item("Chair", department=north, category=chairs, quantity=10), 4,
                    at(2026, 1, 2))  # fmt: skip
        request = making.ask(
            db_session,
            lot,
            user=teacher,
            quantity=3,
            deliver_place="Room 4",
            now=at(2026, 1, 3),
            today=date(2026, 1, 3),
        )
        services.approve(db_session, request, by=manager, now=at(2026, 1, 4))
        services.hand_over(db_session, request, by=manager, now=at(2026, 1, 15, 10), **TAGS)
        db_session.commit()
        close(lot, Closing.SOLD, at(2026, 3, 31, 23, 30), sale_price=SALE)
        bed = make_item("Bed", department=south, category=beds, replacement_value=OWN_BED_VALUE)
        close(offer(bed, 1, at(2026, 4, 1)), Closing.GIVEN_AWAY, at(2026, 4, 10, 9))
        close(offer(make_item("Bed", department=south, category=beds), 1, at(2026, 6, 1)),
              Closing.SCRAPPED, at(2026, 6, 30, 21, 30))  # fmt: skip
        close(offer(make_item("Chair", department=north, category=office), 1, at(2026, 12, 1)),
              Closing.RECYCLED, at(2026, 12, 31, 23, 30))  # fmt: skip
    db_session.add_all([
        BuyCheck(user_id=teacher.id, department_id=school.id, category_id=chairs.id, quantity=3,
                 outcome=BuyCheckOutcome.FOUND_REQUESTED, listing_id=lot.id,
                 value_avoided=FOUND_VALUE, created_at=at(2026, 1, 10)),
        BuyCheck(user_id=manager.id, department_id=north.id, category_id=beds.id,
                 outcome=BuyCheckOutcome.NOTHING_SUITABLE, created_at=at(2026, 5, 5)),
    ])  # fmt: skip
    db_session.commit()
    return {"north": north, "south": south, "school": school, "chairs": chairs,
            "office": office, "beds": beds}  # fmt: skip


def report(app, db_session, grouping=Grouping.DEPARTMENT, **kw):
    with app.test_request_context():
        result = savings_report(db_session, grouping=grouping, timezone=ZONE, **kw)
        for row in result.rows:
            row.label = str(row.label)
    return result


def by_label(result) -> dict:
    return {row.label: row.figures for row in result.rows}


def test_figures_per_department(app, db_session, world):
    rows = by_label(report(app, db_session))
    north, south, school = rows["North"], rows["South"], rows["School"]
    # North gave 3 chairs inside and sold 1 outside, and recycled one office chair.
    assert (north.internal_items, north.internal_units) == (1, 3)
    assert (north.external_items, north.external_units, north.sold_units) == (1, 1, 1)
    assert north.value_avoided == CHAIR_VALUE * 3 + CHAIR_VALUE
    assert north.co2e_kg == CHAIR_CO2E * 4
    assert (north.revenue, north.recycled_units) == (SALE, 1)
    # South gave a bed away (its own value, the category's CO2e) and scrapped one.
    assert (south.given_away_units, south.scrapped_units) == (1, 1)
    assert (south.value_avoided, south.co2e_kg) == (OWN_BED_VALUE, BED_CO2E)
    # School gave nothing: its row holds its buy check, kept apart from what was avoided.
    assert (school.checks_found, school.checks_found_value) == (1, FOUND_VALUE)
    assert school.value_avoided == 0 and not school.has_outcomes
    assert north.checks_nothing == 1


def test_figures_per_category_use_the_items_own_category(app, db_session, world):
    rows = by_label(report(app, db_session, Grouping.CATEGORY))
    assert set(rows) == {"Chairs", "Chairs > Office chair", "Beds"}
    assert rows["Chairs"].internal_units + rows["Chairs"].sold_units == 4
    assert rows["Chairs > Office chair"].recycled_units == 1
    assert rows["Chairs > Office chair"].value_avoided == 0  # recycling avoids no purchase
    assert rows["Beds"].value_avoided == OWN_BED_VALUE


def test_periods_follow_the_organisations_calendar(app, db_session, world):
    quarters = by_label(report(app, db_session, Grouping.QUARTER))
    assert list(quarters) == ["2026 Q1", "2026 Q2", "2026 Q3", "2026 Q4", "2027 Q1"]
    assert quarters["2026 Q1"].internal_units == 3
    assert quarters["2026 Q2"].sold_units == 1  # 31 March 23:30 UTC is 1 April in Stockholm
    assert quarters["2026 Q2"].scrapped_units == 1  # 30 June 23:30 in Stockholm
    assert quarters["2026 Q3"].has_outcomes is False  # an empty quarter is shown, as zero
    assert quarters["2027 Q1"].recycled_units == 1
    months = report(app, db_session, Grouping.MONTH)
    assert [r.label for r in months.rows][:4] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert len(months.rows) == 13  # January 2026 through January 2027
    assert [r.label for r in report(app, db_session, Grouping.YEAR).rows] == ["2026", "2027"]


@pytest.mark.parametrize(
    "start, end, expected_units",
    [
        (date(2026, 4, 1), date(2026, 6, 30), {"sold": 1, "given": 1, "scrapped": 1}),
        (date(2026, 4, 2), date(2026, 6, 30), {"sold": 0, "given": 1, "scrapped": 1}),
        (date(2026, 4, 1), date(2026, 6, 29), {"sold": 1, "given": 1, "scrapped": 0}),
        (None, date(2026, 3, 31), {"sold": 0, "given": 0, "scrapped": 0}),
    ],
)
def test_the_period_includes_both_of_its_days(app, db_session, world, start, end, expected_units):
    total = report(app, db_session, start=start, end=end).total
    assert {"sold": total.sold_units, "given": total.given_away_units,
            "scrapped": total.scrapped_units} == expected_units  # fmt: skip


def test_a_department_sees_only_its_own_figures(app, db_session, world):
    result = report(app, db_session, department_id=world["south"].id)
    assert [r.label for r in result.rows] == ["South"]
    assert result.total.value_avoided == OWN_BED_VALUE and result.total.checks_nothing == 0


def test_totals_agree_across_groupings_the_chart_and_the_xlsx(app, db_session, world):
    totals = {g: report(app, db_session, g).total for g in Grouping}
    expected_value = CHAIR_VALUE * 4 + OWN_BED_VALUE
    for grouping, total in totals.items():
        assert total == totals[Grouping.DEPARTMENT], grouping
        assert total.value_avoided == expected_value
        assert total.co2e_kg == CHAIR_CO2E * 4 + BED_CO2E
        assert total.revenue == SALE and total.checks_found_value == FOUND_VALUE
    for grouping in Grouping:
        result = report(app, db_session, grouping)
        for column in OUTCOME_COLUMNS + CHECK_COLUMNS:
            summed = sum(getattr(row.figures, column.name) for row in result.rows)
            assert summed == getattr(result.total, column.name), (grouping, column.name)

    result = report(app, db_session, Grouping.MONTH)
    svg = str(bar_chart([(r.label, r.figures.value_avoided) for r in result.rows],
                        title="Avoided", value_text=lambda v: f"={v}="))  # fmt: skip
    drawn = [Decimal(part.split("=")[0]) for part in svg.split(">=")[1:]]
    assert sum(drawn) == expected_value and len(drawn) == len(result.rows)

    out = io.BytesIO()
    with app.test_request_context():
        write_savings_xlsx(result, out, group_label="Month", total_label="Total", currency="SEK",
                           sheet_titles=("Savings", "Checks"))  # fmt: skip
    sheets = load_workbook(out, read_only=True)
    savings = list(sheets["Savings"].iter_rows(values_only=True))
    header, *rows, total = savings
    assert header[0] == "Month" and "Purchases avoided (SEK)" in header
    value_column = header.index("Purchases avoided (SEK)")
    assert [r[0] for r in rows] == [r.label for r in result.rows]
    assert Decimal(str(total[value_column])) == expected_value
    assert sum(Decimal(str(r[value_column])) for r in rows) == expected_value
    checks = list(sheets["Checks"].iter_rows(values_only=True))
    assert checks[-1][1:] == (1, float(FOUND_VALUE), 1)


def test_nothing_yet_is_an_empty_report(app, db_session):
    result = report(app, db_session)
    assert result.rows == [] and result.total.value_avoided == 0


def test_the_chart_escapes_its_labels():
    svg = str(bar_chart([("<script>alert(1)</script>", Decimal("5")), ("B & C", Decimal("0"))],
                        title="Avoided <b>", value_text=str))  # fmt: skip
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "B &amp; C" in svg
    assert "<title>Avoided &lt;b&gt;</title>" in svg and svg.count("<rect") == 2
