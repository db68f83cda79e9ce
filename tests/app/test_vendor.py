"""The barcode decoder from node_modules/, served by the app under /vendor/ and nothing else."""

import hashlib
import logging
import re

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from app.vendor import vendor_url


def fetch(client: FlaskClient, url: str) -> TestResponse:
    """Get a file and close it (send_file leaves it open for streaming)."""
    with client.get(url) as response:
        response.get_data()
    return response


def test_the_wasm_is_served_with_its_type_and_kept_for_a_year(app, client, make_user, login):
    login(client, make_user())  # pages of a logged-in user are not kept; these files are
    with app.test_request_context():
        url = vendor_url("zxing_reader.wasm")
    assert re.fullmatch(r"/vendor/zxing_reader\.wasm\?v=[\d.]+", url)

    response = fetch(client, url)
    assert response.status_code == 200
    assert response.mimetype == "application/wasm"
    assert response.data[:4] == b"\0asm"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_the_decoder_script_and_its_wasm_are_of_one_release(client):
    script = fetch(client, "/vendor/barcode-detector.js")
    assert script.mimetype == "text/javascript"
    assert "jsdelivr" in script.get_data(as_text=True)  # the default camera.js overrides
    wasm = fetch(client, "/vendor/zxing_reader.wasm").data
    assert hashlib.sha256(wasm).hexdigest() in script.get_data(as_text=True)


def test_an_address_without_the_current_version_is_checked_again(client):
    response = fetch(client, "/vendor/zxing_reader.wasm?v=0.0.1")
    assert response.status_code == 200
    assert "immutable" not in response.headers["Cache-Control"]
    assert response.headers["ETag"]


@pytest.mark.parametrize(
    "name",
    ["package.json", "ponyfill.js", "zxing_full.wasm", "..%2Fpackage.json", ".installed"],
)
def test_names_outside_the_allow_list_are_refused(client, make_user, name):
    make_user()  # set up, so that no request is sent to the setup page
    assert fetch(client, f"/vendor/{name}").status_code == 404


def test_a_missing_install_is_a_404_and_a_log_line(
    client, app, make_user, login, monkeypatch, tmp_path, caplog
):
    monkeypatch.setitem(app.config, "VENDOR_DIR", str(tmp_path))
    with caplog.at_level(logging.ERROR):
        response = fetch(client, "/vendor/zxing_reader.wasm")
    assert response.status_code == 404
    assert "make install" in caplog.text

    login(client, make_user())  # the scan page still offers typing and the photo
    page = client.get("/scan").get_data(as_text=True)
    assert 'name="code"' in page and 'name="photo"' in page
