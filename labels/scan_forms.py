"""Reading a scan from a form: a typed code (or a hardware scanner typing it plus Enter), the
camera's reading, or a photo decoded on the server; and the fresh client id every scan form
carries, so a double submit applies once."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

import zxingcpp
from flask import current_app, flash, request
from flask_babel import gettext as _

from app.timeutil import utcnow
from inventory.errors import PhotoRejected
from inventory.photos import reduced_image, shared_budget
from labels import scanning


def scan_form_context(**extra) -> dict:
    """What every scan form needs: a fresh id that makes a double submit apply once."""
    return {"client_id": secrets.token_urlsafe(16), **extra}


def code_from_form() -> str | None:
    """The code typed or read by the camera, or decoded from an uploaded photo."""
    photo = request.files.get("photo")
    if photo and photo.filename:
        return decode_photo(photo.read(current_app.config["MAX_CONTENT_LENGTH"] + 1))
    code = scanning.code_from_scan(request.form.get("code", ""))
    if not code:
        flash(_("Type or scan a code."), "error")
        return None
    return code


def decode_photo(data: bytes) -> str | None:
    """The first QR code or barcode zxing-cpp finds in a photo, as a tag or storeroom code."""
    config = current_app.config
    try:
        image = reduced_image(
            data,
            max_pixels=config["PHOTOS_MAX_PIXELS"],
            longest_side=2000,
            formats=None,
            budget=shared_budget(current_app.extensions, config["PHOTOS_DECODE_BUDGET"]),
        )  # phone photos are large; codes stay readable at this size
    except PhotoRejected:
        flash(_("This file is not a photo we can read."), "error")
        return None
    found = zxingcpp.read_barcodes(image)
    if not found:
        flash(
            _("No readable code in the photo. Hold the phone closer and keep the label flat."),
            "error",
        )
        return None
    return scanning.code_from_scan(found[0].text)


def scanned_at() -> datetime:
    """When the phone says the scan happened (queued scans), or now."""
    raw = request.form.get("scanned_at", "")
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return utcnow()
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def client_id() -> str:
    return (request.form.get("client_id") or secrets.token_urlsafe(16))[:64]
