"""Security headers and safe redirects."""

from urllib.parse import urlsplit

from flask import Flask, Response, request
from flask_login import current_user

# 'wasm-unsafe-eval' lets our own scripts compile WebAssembly (the scan page's barcode decoder,
# app/vendor.py); it allows no eval of JavaScript, and scripts still come only from this site.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
    "script-src 'self' 'wasm-unsafe-eval'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# Files that are the same for everyone, so the browser may keep them after logout.
SHARED_FILES = ("static", "vendor.vendor_file")


def is_safe_next(target: str | None) -> bool:
    """Accept only a path on this site: '/items?page=2' yes; '//evil', 'https://x', '/\\x' no."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if any(ch in target for ch in "\\\r\n\t") or any(ord(ch) < 32 for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def add_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        if app.config.get("SECURITY_HSTS"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000"
        if current_user and current_user.is_authenticated and request.endpoint not in SHARED_FILES:
            # Pages of a logged-in user must not be shown again from the cache after logout.
            response.headers["Cache-Control"] = "no-store"
        return response
