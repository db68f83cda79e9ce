import pytest

from app.auth.roles import Role
from app.timeutil import utcnow
from inventory import disposals, item_records, whereabouts
from inventory.models import Condition, Disposition, ItemStatus
from inventory.queries import ItemFilter, search_items


@pytest.fixture
def search(db_session):
    def run(user, **filters):
        query = search_items(user, ItemFilter(**filters), db_session.get_bind().dialect)
        return [item.name for item in db_session.scalars(query)]

    return run


@pytest.fixture
def staff(make_user):
    return make_user(Role.STAFF)


def test_search_finds_words_in_name_tag_serial_and_notes(search, staff, make_item):
    make_item("Rollator Topro Olympos", tag="HM-0007")
    make_item("Office chair", serial_number="SN-448812")
    make_item("Desk", notes="Scratched on the left side")
    assert search(staff, q="topro") == ["Rollator Topro Olympos"]
    assert search(staff, q="hm-0007") == ["Rollator Topro Olympos"]
    assert search(staff, q="448812") == ["Office chair"]
    assert search(staff, q="scratched left") == ["Desk"]


def test_search_finds_the_position_in_the_storeroom_and_follows_a_move(
    search, staff, make_item, make_storeroom, db_session
):
    room = make_storeroom()
    chair = make_item("Chair", storeroom=room, position="Pall 12")
    make_item("Desk", storeroom=room, position="Hylla 3")
    assert search(staff, q="pall 12") == ["Chair"]
    whereabouts.move_item(db_session, chair, room, position="Hylla 9", by=staff, now=utcnow())
    db_session.commit()
    assert search(staff, q="pall") == [] and search(staff, q="hylla 9") == ["Chair"]


def test_search_matches_word_prefixes_and_ignores_accents_and_case(search, staff, make_item):
    make_item("Kontorsstol Kinnarps")
    make_item("Vårdsäng Carisma")
    assert search(staff, q="kontors") == ["Kontorsstol Kinnarps"]
    assert search(staff, q="VÅRDSÄNG") == ["Vårdsäng Carisma"]


def test_every_word_must_match(search, staff, make_item):
    make_item("Red office chair")
    make_item("Red desk")
    assert search(staff, q="red chair") == ["Red office chair"]
    assert search(staff, q="red nothing") == []


@pytest.mark.parametrize("query", ['"', "*", "NEAR(", "a OR b", "'; DROP TABLE items; --", "::"])
def test_search_syntax_characters_are_just_text(search, staff, make_item, query):
    make_item("Chair")
    search(staff, q=query)  # must not raise


def test_search_follows_edits(db_session, search, staff, make_item):
    item = make_item("Old name")
    item_records.update_item(
        db_session, item, {"name": "Shower chair"}, expected_version=None, by=None, now=utcnow()
    )
    db_session.commit()
    assert search(staff, q="shower") == ["Shower chair"]
    assert search(staff, q="old") == []


def test_filters_combine(search, staff, make_item, make_storeroom, make_category, make_department):
    aids = make_category("Assistive aids")
    rollators = make_category("Rollators", parent=aids)
    home_care = make_department("Home care")
    room = make_storeroom(code="HC1")
    make_item("Rollator A", category=rollators, department=home_care, storeroom=room)
    make_item("Rollator B", category=rollators, department=home_care, condition=Condition.BROKEN)
    make_item("Rollator C", category=rollators)
    make_item("Desk", department=home_care)
    # a parent category includes its children
    assert search(staff, category_id=aids.id, department_id=home_care.id) == [
        "Rollator A",
        "Rollator B",
    ]
    assert search(staff, category_id=rollators.id, condition=Condition.BROKEN) == ["Rollator B"]
    assert search(staff, site_id=room.site_id) == ["Rollator A"]
    assert search(staff, storeroom_id=room.id, status=ItemStatus.IN_STORAGE) == ["Rollator A"]


def test_disposed_items_are_hidden_unless_asked_for(db_session, search, staff, make_item):
    item = make_item("Broken bed")
    disposals.dispose_item(db_session, item, Disposition.SCRAPPED, by=None, now=utcnow())
    db_session.commit()
    assert search(staff) == []
    assert search(staff, status=ItemStatus.DISPOSED) == ["Broken bed"]


def test_requesters_find_only_their_own_department(search, make_user, make_item, make_department):
    school, clinic = make_department("School"), make_department("Clinic")
    requester = make_user(Role.REQUESTER, department=school)
    make_item("Chair at school", department=school)
    make_item("Chair at clinic", department=clinic)
    assert search(requester, q="chair") == ["Chair at school"]
    assert search(requester, department_id=clinic.id) == []


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("name", ["Armchair", "bench", "Cabinet"]),
        ("tag", ["bench", "Cabinet", "Armchair"]),
        ("newest", ["Armchair", "Cabinet", "bench"]),
    ],
)
def test_sorting(search, staff, make_item, sort, expected):
    make_item("bench", tag="A-1")
    make_item("Cabinet", tag="b-2")
    make_item("Armchair", tag="C-3")
    assert search(staff, sort=sort) == expected


@pytest.mark.parametrize("query", ["INV-000001", "inv 000001", "000001", "SN-4488/12", "4488"])
def test_tags_and_serials_with_punctuation_are_found(search, staff, make_item, query):
    make_item("Chair", serial_number="SN-4488/12")  # gets the tag INV-000001
    assert search(staff, q=query) == ["Chair"]


def test_search_results_default_to_newest_registered_first(search, staff, make_item):
    make_item("Chair A")
    make_item("Desk")
    make_item("Chair B")
    assert search(staff, q="chair") == ["Chair B", "Chair A"]
    assert search(staff, q="chair", sort="name") == ["Chair A", "Chair B"]
    assert search(staff) == ["Chair A", "Chair B", "Desk"]  # no search: by name
