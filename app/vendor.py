"""Browser code from the npm registry, served by the app: the scan page's barcode decoder.

`make install` runs `npm ci` (package-lock.json) into node_modules/, which is not committed.
Only the files listed here are served, never the folder: the polyfill's one-file build and the
zxing-wasm reader it loads. The polyfill would fetch its .wasm from a CDN; static/camera.js
points it at /vendor/ instead, so the camera reads codes on an intranet without internet.

The URLs carry the package's version, so a browser keeps a file for a year and fetches it
again after an upgrade; the decoder's script and its .wasm must come from the same release.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request, send_file, url_for

bp = Blueprint("vendor", __name__)

YEAR = 365 * 24 * 3600


@dataclass(frozen=True)
class VendorFile:
    package: str
    path: str  # inside the package's folder
    mimetype: str


VENDOR_FILES = {
    "barcode-detector.js": VendorFile(
        "barcode-detector", "dist/iife/ponyfill.js", "text/javascript"
    ),
    "zxing_reader.wasm": VendorFile(
        "zxing-wasm", "dist/reader/zxing_reader.wasm", "application/wasm"
    ),
}


def package_version(node_modules: Path, package: str) -> str | None:
    """The installed version of an npm package, or None when it is not installed."""
    try:
        manifest = json.loads((node_modules / package / "package.json").read_text())
    except (OSError, ValueError):
        return None
    return manifest.get("version")


@bp.app_template_global()
def vendor_url(name: str) -> str:
    """The address of an allowed vendor file, with its package's version for caching."""
    node_modules = Path(current_app.config["VENDOR_DIR"])
    version = package_version(node_modules, VENDOR_FILES[name].package)
    return url_for("vendor.vendor_file", name=name, v=version)


@bp.route("/vendor/<name>")
def vendor_file(name: str) -> Response:
    """Serve one allowed file from node_modules/; 404 for any other name or when not installed."""
    wanted = VENDOR_FILES.get(name)
    if wanted is None:
        abort(404)
    node_modules = Path(current_app.config["VENDOR_DIR"])
    path = node_modules / wanted.package / wanted.path
    if not path.is_file():
        current_app.logger.error(
            "%s is missing: the browser packages are not installed (run `make install`, "
            "which runs npm ci); the scan page offers the photo and typing instead",
            path,
        )
        abort(404)
    version = package_version(node_modules, wanted.package)
    current = version is not None and request.args.get("v") == version
    response = send_file(path, mimetype=wanted.mimetype, max_age=YEAR if current else 0)
    if current:
        response.cache_control.immutable = True
    return response
