"""The words of the label pages in the reader's language: a roll format's description, and
the calibration page's."""

import pytest

from app.auth.roles import Role


@pytest.mark.parametrize(
    ("language", "roll"),
    [
        ("en", "62x29: Roll, 62 × 29 mm (thermal printer)"),
        ("da", "62x29: Rulle, 62 × 29 mm (termoprinter)"),
        ("nl", "62x29: Rol, 62 × 29 mm (thermische printer)"),
    ],
)
def test_a_roll_format_is_described_in_the_readers_language(
    client, make_user, login, make_item, language, roll
):
    login(client, make_user(Role.STAFF, language=language))
    item = make_item()
    page = client.get(f"/labels/print?source=item&id={item.id}").text
    assert roll in page


def test_the_calibration_page_is_titled_in_the_readers_language(client, make_user, login):
    login(client, make_user(Role.MANAGER, language="sv"))
    pdf = client.get("/labels/calibration/L7160").data
    assert pdf.startswith(b"%PDF") and b"/Title (Kalibreringssida L7160)" in pdf
