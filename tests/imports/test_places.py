"""Places as the file says: storerooms by site, near names asked about, categories by path,
the user's choices (remembered), and nothing created for rows that are refused."""

import pytest
from sqlalchemy import func, select

from app.auth.roles import Role
from imports.commit import ImportRefused
from inventory import place_records
from inventory.models import Category, Condition, Department, Item, Site, Storeroom
from tests.imports.importing import run_import, xlsx


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER)


@pytest.fixture(autouse=True)
def _request_context(app):
    with app.test_request_context():
        yield


def count(db_session, model) -> int:
    return db_session.scalar(select(func.count()).select_from(model))


def item(db_session, tag: str) -> Item:
    db_session.expire_all()
    return db_session.scalar(select(Item).where(Item.tag == tag))


def two_attics(db_session):
    """Every school has a "Vinden": one at Rudsskolan, one at Östra skolan."""
    rooms = {}
    for code, school in (("R-VIND", "Rudsskolan"), ("O-VIND", "Östra skolan")):
        site = place_records.save_site(db_session, name=school)
        rooms[school] = place_records.save_storeroom(
            db_session, code=code, name="Vinden", site=site
        )
    db_session.commit()
    return rooms


def test_the_same_storeroom_name_at_two_sites_is_two_storerooms(db_session, manager):
    data = xlsx([
        ["Tag", "Name", "Storeroom", "Site"],
        ["A-1", "Chair", "Vinden", "Rudsskolan"],
        ["A-2", "Desk", "Vinden", "Östra skolan"],
        ["A-3", "Lamp", "vinden ", "ostra skolan"],
    ])  # fmt: skip
    _, plan = run_import(db_session, manager, data, "schools.xlsx", create_missing=True)
    assert plan.counts["new"] == 3 and count(db_session, Storeroom) == 2
    rudsskolan, ostra = item(db_session, "A-1").storeroom, item(db_session, "A-2").storeroom
    assert (rudsskolan.name, rudsskolan.site.name) == ("Vinden", "Rudsskolan")
    assert (ostra.name, ostra.site.name) == ("Vinden", "Östra skolan")
    assert item(db_session, "A-3").storeroom_id == ostra.id  # case, accents, spaces folded


def test_an_existing_storeroom_is_found_at_the_site_the_row_names(db_session, manager):
    rooms = two_attics(db_session)
    data = xlsx([["Tag", "Name", "Förråd", "Byggnad"], ["A-1", "Stol", "Vinden", "Östra skolan"]])
    run_import(db_session, manager, data, "attic.xlsx", create_missing=False)
    assert item(db_session, "A-1").storeroom_id == rooms["Östra skolan"].id
    assert count(db_session, Storeroom) == 2


def test_a_storeroom_name_at_several_sites_without_a_site_column_is_an_error(db_session, manager):
    two_attics(db_session)
    data = xlsx([["Tag", "Name", "Förråd"], ["A-1", "Stol", "Vinden"]])
    _, plan = run_import(db_session, manager, data, "attic.xlsx", commit=False)
    assert plan.errors == [
        (
            2,
            "Förråd",
            "Vinden exists at 2 sites (Rudsskolan, Östra skolan): add a site column, "
            "or choose one in the preview",
        )
    ]


def test_a_storeroom_chosen_in_the_preview_settles_the_ambiguity(db_session, manager):
    rooms = two_attics(db_session)
    data = xlsx([["Tag", "Name", "Förråd"], ["A-1", "Stol", "Vinden"]])
    chosen = {"storeroom": {"vinden": str(rooms["Rudsskolan"].id)}}
    run_import(db_session, manager, data, "attic.xlsx", choices=chosen)
    assert item(db_session, "A-1").storeroom_id == rooms["Rudsskolan"].id


def test_a_storeroom_code_at_another_site_than_the_row_names_is_an_error(db_session, manager):
    two_attics(db_session)
    data = xlsx([["Tag", "Name", "Storeroom", "Site"], ["A-1", "Chair", "r-vind", "Östra skolan"]])
    _, plan = run_import(db_session, manager, data, "codes.xlsx", commit=False)
    assert plan.errors == [
        (2, "Storeroom", "r-vind is a storeroom at Rudsskolan, not at Östra skolan")
    ]


def test_a_name_near_an_existing_department_is_asked_about_not_created(
    db_session, manager, make_department
):
    facilities = make_department("Facilities")
    data = xlsx([["Tag", "Name", "Department"], ["A-1", "Chair", "Facility"]])
    _, plan = run_import(db_session, manager, data, "near.xlsx", create_missing=True)
    assert plan.counts == {"new": 0, "update": 0, "unchanged": 0, "error": 1}
    assert plan.errors[0][1:] == (
        "Department",
        "no department called Facility, but there is Facilities: choose in the preview which "
        "it is, or that it is new",
    )
    assert count(db_session, Department) == 2  # the manager's own and Facilities
    chosen = {"department": {"facility": str(facilities.id)}}
    run_import(db_session, manager, data, "near.xlsx", choices=chosen)
    assert item(db_session, "A-1").department_id == facilities.id


def test_a_near_name_the_user_says_is_new_is_created(db_session, manager, make_department):
    make_department("Facilities")
    data = xlsx([["Tag", "Name", "Department"], ["A-1", "Chair", "Facility"]])
    run_import(db_session, manager, data, "near.xlsx", choices={"department": {"facility": "new"}})
    assert item(db_session, "A-1").department.name == "Facility"


def test_a_choice_is_remembered_for_the_next_file(db_session, manager, make_category):
    chairs = make_category("Chairs", parent=make_category("Furniture"))
    data = xlsx([["Tag", "Name", "Kategori"], ["A-1", "Pall", "Stolar"]])
    run_import(
        db_session, manager, data, "first.xlsx", choices={"category": {"stolar": str(chairs.id)}}
    )
    later = xlsx([["Tag", "Name", "Kategori"], ["B-1", "Elevstol", "stolar"]])
    _, plan = run_import(db_session, manager, later, "later.xlsx")
    value = plan.values["category"]["stolar"]
    assert value.remembered and value.target == chairs.id
    assert item(db_session, "B-1").category_id == chairs.id
    assert count(db_session, Category) == 2  # no "Stolar" beside "Furniture > Chairs"


@pytest.mark.parametrize(
    "written", ["Möbler > Stolar", "möbler/stolar", "Inventarier » Möbler > Stolar"]
)
def test_a_category_written_as_its_path_is_followed_down_the_tree(
    db_session, manager, make_category, written
):
    furniture = make_category("Möbler", parent=make_category("Inventarier"))
    chairs = make_category("Stolar", parent=furniture)
    make_category("Stolar", parent=make_category("Utemöbler"))
    data = xlsx([["Tag", "Name", "Category"], ["A-1", "Pall", written]])
    run_import(db_session, manager, data, "paths.xlsx", create_missing=False)
    assert item(db_session, "A-1").category_id == chairs.id


def test_a_category_name_in_two_places_of_the_tree_is_an_error(db_session, manager, make_category):
    make_category("Stolar", parent=make_category("Möbler"))
    make_category("Stolar", parent=make_category("Utemöbler"))
    data = xlsx([["Tag", "Name", "Category"], ["A-1", "Pall", "Stolar"]])
    _, plan = run_import(db_session, manager, data, "paths.xlsx", commit=False)
    assert plan.errors[0][2] == (
        "Stolar is in 2 places in the category tree: write its path (such as Möbler > Stolar) "
        "or choose one in the preview"
    )


def test_a_new_category_path_grows_from_where_it_joins_the_tree(db_session, manager, make_category):
    furniture = make_category("Möbler")
    data = xlsx([
        ["Tag", "Name", "Category"],
        ["A-1", "Bord", "Möbler > Bord > Matbord"],
        ["A-2", "Stol", "Möbler / Bord / Matbord"],
    ])  # fmt: skip
    run_import(db_session, manager, data, "paths.xlsx", create_missing=True)
    dining = item(db_session, "A-1").category
    assert dining.path == "Möbler > Bord > Matbord" and dining.parent.parent_id == furniture.id
    assert item(db_session, "A-2").category_id == dining.id and count(db_session, Category) == 3


def test_an_unknown_condition_word_is_an_error_until_the_user_says_what_it_means(
    db_session, manager
):
    data = xlsx([["Tag", "Name", "Skick"], ["A-1", "Stol", "Halvbra"], ["A-2", "Bord", "Bra"]])
    _, plan = run_import(db_session, manager, data, "words.xlsx", commit=False)
    assert plan.errors == [
        (2, "Skick", "unknown condition: Halvbra; use one of New, Good, Fair, Needs repair, "
                     "Broken, or choose in the preview what it means"),
    ]  # fmt: skip
    run_import(db_session, manager, data, "words.xlsx", choices={"condition": {"halvbra": "fair"}})
    assert item(db_session, "A-1").condition == Condition.FAIR
    assert item(db_session, "A-2").condition == Condition.GOOD


@pytest.mark.parametrize("word, condition", [("Til reparation", Condition.NEEDS_REPAIR),
                                             ("Kasseres", Condition.BROKEN),
                                             ("In orde", Condition.GOOD)])  # fmt: skip
def test_condition_words_people_use_are_known(db_session, manager, word, condition):
    data = xlsx([["Tag", "Name", "Condition"], ["A-1", "Chair", word]])
    run_import(db_session, manager, data, "words.xlsx")
    assert item(db_session, "A-1").condition == condition


def test_a_refused_row_creates_nothing(db_session, manager):
    data = xlsx([
        ["Tag", "Name", "Quantity", "Department", "Storeroom", "Site", "Category"],
        ["A-1", "Chair", "many", "Parks", "Shed", "Depot", "Garden"],
        ["A-2", "Desk", 1, "Schools", "Attic", "Town hall", "Tables"],
    ])  # fmt: skip
    _, plan = run_import(db_session, manager, data, "refused.xlsx", create_missing=True)
    assert plan.counts["error"] == 1 and plan.counts["new"] == 1
    departments = db_session.scalars(select(Department.name)).all()
    assert "Parks" not in departments and "Schools" in departments
    assert db_session.scalars(select(Site.name)).all() == ["Town hall"]
    assert db_session.scalars(select(Storeroom.name)).all() == ["Attic"]
    assert db_session.scalars(select(Category.name)).all() == ["Tables"]


def test_all_or_nothing_that_fails_creates_nothing(db_session, manager):
    data = xlsx([["Tag", "Name", "Quantity", "Department"], ["A-1", "Chair", "many", "Parks"],
                 ["A-2", "Desk", 1, "Schools"]])  # fmt: skip
    with pytest.raises(ImportRefused):
        run_import(db_session, manager, data, "strict.xlsx", all_or_nothing=True)
    db_session.rollback()
    assert count(db_session, Department) == 1 and count(db_session, Item) == 0


def test_a_requester_may_not_map_a_value_to_another_department(
    db_session, make_user, make_department
):
    requester = make_user(Role.REQUESTER)
    other = make_department("Parks")
    data = xlsx([["Tag", "Name", "Department"], ["A-1", "Chair", "Parkerna"]])
    chosen = {"department": {"parkerna": str(other.id)}}
    _, plan = run_import(db_session, requester, data, "mine.xlsx", commit=False, choices=chosen)
    assert plan.errors == [(2, "Department", "you may import only into your own department")]


def test_only_managers_create_what_is_missing(db_session, make_user):
    staff = make_user(Role.STAFF)
    data = xlsx([["Tag", "Name", "Storeroom"], ["A-1", "Chair", "Shed"]])
    _, plan = run_import(db_session, staff, data, "shed.xlsx", commit=False)
    assert plan.errors[0][2] == "only facility managers and admins may create what is missing"


def test_a_place_beside_a_storeroom_is_where_in_it_and_the_same_file_again_changes_nothing(
    db_session, manager
):
    rooms = two_attics(db_session)
    data = xlsx([
        ["Inventarienr", "Benämning", "Förråd", "Byggnad", "Placering"],
        ["A-1", "Stol", "Vinden", "Rudsskolan", "Pall 12"],
        ["A-2", "Bord", "Vinden", "Östra skolan", "Hylla 3"],
        ["A-3", "Lampa", None, None, "Rum 204"],
    ])  # fmt: skip
    run_import(db_session, manager, data, "forrad.xlsx")
    chair, lamp = item(db_session, "A-1"), item(db_session, "A-3")
    assert (chair.storeroom_id, chair.position, chair.place) == (
        rooms["Rudsskolan"].id,
        "Pall 12",
        "",
    )
    assert (lamp.storeroom_id, lamp.position, lamp.place) == (None, "", "Rum 204")
    _, again = run_import(db_session, manager, data, "forrad.xlsx", commit=False)
    assert again.counts == {"new": 0, "update": 0, "unchanged": 3, "error": 0}


def test_a_move_to_another_shelf_and_another_storeroom_is_recorded_as_a_move(
    db_session, manager, make_item
):
    rooms = two_attics(db_session)
    shelf = make_item("Stol", tag="A-1", storeroom=rooms["Rudsskolan"], position="Pall 12")
    room = make_item("Bord", tag="A-2", storeroom=rooms["Rudsskolan"], position="Hylla 3")
    data = xlsx([
        ["Inventarienr", "Benämning", "Förråd", "Byggnad", "Hylla"],
        ["A-1", "Stol", "Vinden", "Rudsskolan", "Pall 13"],
        ["A-2", "Bord", "Vinden", "Östra skolan", None],
    ])  # fmt: skip
    _, plan = run_import(db_session, manager, data, "flytt.xlsx")
    assert plan.counts["update"] == 2
    shelf, room = item(db_session, "A-1"), item(db_session, "A-2")
    assert (shelf.storeroom_id, shelf.position) == (rooms["Rudsskolan"].id, "Pall 13")
    assert (room.storeroom_id, room.position) == (rooms["Östra skolan"].id, "")
    moved = room.events[0]
    assert moved.kind.value == "moved" and moved.changes["position"] == ["Hylla 3", ""]


def test_the_command_line_says_what_a_value_is(runner, db_session, manager, make_department,
                                               tmp_path):  # fmt: skip
    facilities = make_department("Facilities")
    path = tmp_path / "near.xlsx"
    path.write_bytes(xlsx([["Tag", "Name", "Department", "Skick"], ["A-1", "Chair", "Facility",
                                                                    "Halvbra"]]))  # fmt: skip
    as_manager = ["--user", manager.email]
    plain = runner.invoke(args=["import", str(path), "--dry-run", *as_manager])
    assert "errors 1" in plain.output and "Facility" in plain.output
    chosen = ["--choose", "department:Facility=Facilities", "--choose", "condition:halvbra=fair"]
    result = runner.invoke(args=["import", str(path), *chosen, *as_manager])
    assert result.exit_code == 0 and "created 1" in result.output, result.output
    chair = item(db_session, "A-1")
    assert chair.department_id == facilities.id and chair.condition == Condition.FAIR


@pytest.mark.parametrize("choice", ["department=Facilities", "shelf:Facility=Facilities",
                                    "department:Facility=Nowhere"])  # fmt: skip
def test_a_choice_on_the_command_line_that_says_nothing_clear_is_refused(
    runner, db_session, manager, tmp_path, choice
):
    path = tmp_path / "near.xlsx"
    path.write_bytes(xlsx([["Tag", "Name"], ["A-1", "Chair"]]))
    result = runner.invoke(args=["import", str(path), "--choose", choice, "--user", manager.email])
    assert result.exit_code == 2 and "--choose" in result.output
    assert count(db_session, Item) == 0


@pytest.mark.parametrize("written", ["Kontorstol", "Møbler > Kontorstol", "Möbler > Kontorstol"])
def test_a_category_is_found_by_its_name_in_another_language(
    db_session, manager, make_category, written
):
    """A Danish stock list names "Kontorstol" what is "Kontorsstol" here, and "Møbler" what
    is "Möbler": each level of a path may be named in any of its languages."""
    furniture = make_category("Möbler")
    furniture.names = {"da": "Møbler"}
    chairs = make_category("Kontorsstol", parent=furniture)
    chairs.names = {"da": "Kontorstol", "nl": "Bureaustoel"}
    db_session.commit()
    data = xlsx([["Tag", "Name", "Category"], ["A-1", "Stol", written]])
    run_import(db_session, manager, data, "dansk.xlsx", create_missing=True)
    assert item(db_session, "A-1").category_id == chairs.id and count(db_session, Category) == 2
