"""The upload limits the README gives hold with CSRF protection on, as in production.

CSRF protection reads the form before any view runs; a limit a view raised itself came too
late, so a 20 MB stock list met the 16 MB default. These tests keep CSRF on.
"""

from sqlalchemy import func, select

from app.auth.roles import Role
from imports.models import ImportBatch
from inventory.models import ItemPhoto
from tests.conftest import PASSWORD, csrf_token

MB = 1024 * 1024


def logged_in(app, user):
    client = app.test_client()
    token = csrf_token(client, "/login")
    client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    return client


def stock_list(size: int) -> bytes:
    rows = [b"Name;Quantity"]
    line = b"Office chair, grey, with arm rests;1"
    rows += [line] * (size // (len(line) + 1))
    return b"\n".join(rows) + b"\n"


def post_file(client, url: str, field: str, data: bytes, *, form_page: str):
    """Post a file with the form's CSRF token, as a browser does. The body is built here, as
    bytes: the test client spools a large file to a temporary file it leaves open if refused."""
    token = csrf_token(client, form_page)
    body = (
        b'--x\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        + token.encode()
        + f'\r\n--x\r\nContent-Disposition: form-data; name="{field}"; filename="f"\r\n'.encode()
        + b"Content-Type: application/octet-stream\r\n\r\n"
        + data
        + b"\r\n--x--\r\n"
    )
    return client.post(url, data=body, content_type="multipart/form-data; boundary=x")


def post_import(client, data: bytes):
    return post_file(client, "/imports/new", "file", data, form_page="/imports/new")


def test_a_20_mb_stock_list_is_taken_with_csrf_on(csrf_app, db_session, make_user):
    client = logged_in(csrf_app, make_user(Role.MANAGER))
    data = stock_list(20 * MB)
    assert len(data) > csrf_app.config["MAX_CONTENT_LENGTH"]
    response = post_import(client, data)
    assert response.status_code == 302, response.status_code
    assert db_session.scalar(select(ImportBatch.size_bytes)) == len(data)


def test_a_stock_list_over_the_import_limit_is_refused_and_kept_nowhere(
    csrf_app, db_session, make_user, monkeypatch
):
    monkeypatch.setitem(csrf_app.config, "IMPORT_MAX_BYTES", 2 * MB)
    client = logged_in(csrf_app, make_user(Role.MANAGER))
    just_over = post_import(client, stock_list(2 * MB + 1000))
    assert just_over.status_code == 200 and "larger than 2 MB" in just_over.text
    far_over = post_import(client, stock_list(3 * MB))
    assert far_over.status_code == 413 and "larger than the upload limit" in far_over.text
    assert db_session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_the_raised_limit_is_the_import_pages_alone(csrf_app, db_session, make_user, make_item):
    item = make_item()
    client = logged_in(csrf_app, make_user(Role.MANAGER))
    photo = b"\xff\xd8" + b"0" * (csrf_app.config["MAX_CONTENT_LENGTH"] + 10)
    url = f"/items/{item.id}/photos"
    response = post_file(client, url, "photo", photo, form_page=f"/items/{item.id}")
    assert response.status_code == 413
    assert db_session.scalar(select(func.count()).select_from(ItemPhoto)) == 0
