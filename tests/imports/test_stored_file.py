"""An upload is read back from the database a piece at a time (services.stored_file): every
byte, in order, whatever its value, however its length falls against the pieces."""

import pytest

from app.auth.roles import Role
from app.timeutil import utcnow
from imports import services

PIECE = 1_000


@pytest.mark.parametrize("size", [1, PIECE - 1, PIECE, PIECE + 1, 5 * PIECE + 17])
def test_a_stored_file_reads_back_whole(db_session, make_user, monkeypatch, size):
    monkeypatch.setattr(services, "FILE_PIECE", PIECE)
    data = (bytes(range(256)) * (size // 256 + 1))[:size]  # NUL and every other byte value
    batch = services.store_upload(db_session, data, "list.csv", user=make_user(Role.MANAGER),
                                  now=utcnow())  # fmt: skip
    db_session.commit()
    assert services.stored_file(db_session, batch) == data
