"""The application factory: a list of small register_* steps, nothing else."""

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from config import CONFIGS


class ConfigurationError(RuntimeError):
    """The app refuses to start with an unsafe or incomplete configuration."""


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app. `overrides` wins over the environment (tests use it)."""
    overrides = overrides or {}
    app = Flask(__name__, instance_relative_config=True)
    env = "testing" if overrides.get("TESTING") else os.environ.get("APP_ENV", "development")
    if env not in CONFIGS:
        raise ConfigurationError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {env!r}")
    app.config.from_object(CONFIGS[env])
    app.config.update(overrides)
    configure_instance(app, env)
    trust_proxies(app)

    register_request_checks(app)
    register_extensions(app)
    register_blueprints(app)
    register_signals(app)
    register_request_hooks(app)
    register_errors(app)
    register_cli(app)
    register_background_work(app)
    return app


def configure_instance(app: Flask, env: str) -> None:
    """Fill in the SQLite path and secret key from instance/, or refuse in production."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if env == "production":
        missing = [k for k in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI") if not app.config.get(k)]
        if missing:
            names = {"SQLALCHEMY_DATABASE_URI": "DATABASE_URL"}
            raise ConfigurationError(
                "production needs " + " and ".join(names.get(k, k) for k in missing) + " set"
            )
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
            app.instance_path, "reshelf.db"
        )
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = development_secret_key(Path(app.instance_path))


def development_secret_key(instance: Path) -> str:
    """Generate a secret key once and keep it in instance/, so sessions survive restarts."""
    key_file = instance / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def trust_proxies(app: Flask) -> None:
    """Read the client's address from X-Forwarded-For only behind TRUSTED_PROXIES proxies."""
    count = app.config.get("TRUSTED_PROXIES", 0)
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=0, x_host=0)


def register_request_checks(app: Flask) -> None:
    from app.request_values import register_request_values

    register_request_values(app)


def register_extensions(app: Flask) -> None:
    from app.extensions import babel, csrf, db, login_manager, migrate
    from app.i18n import select_locale, select_timezone
    from app.sqlite import configure_sqlite

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(
        app, db, directory=str(Path(__file__).parent.parent / "migrations"), render_as_batch=True
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    login_manager.init_app(app)


def import_feature_modules() -> None:
    """Load the modules that register themselves elsewhere: models for the ORM and Alembic,
    pages and API calls added to another module's blueprint before it is registered."""
    import imports.api_views  # noqa: F401  (the API's calls, on app.api.web's blueprint)
    import imports.models  # noqa: F401  (the import batch tables, for the ORM and Alembic)
    import inventory.item_api_views  # noqa: F401  (the API's calls, on app.api.web's blueprint)
    import inventory.place_api_views  # noqa: F401
    import labels.api_views  # noqa: F401
    import reuse.aids.api_views  # noqa: F401  (aid steps and ready aids in the API)
    import reuse.aids.models  # noqa: F401  (assistive aids: their cycle, plans, kits)
    import reuse.aids.plan_views  # noqa: F401  (plans and groups, on the aids blueprint)
    import reuse.api_views  # noqa: F401  (listings and requests in the API)
    import reuse.demand.models  # noqa: F401  (wishes, watches, buy checks)
    import reuse.listings.models  # noqa: F401  (listings and the reuse settings, likewise)
    import reuse.listings.views  # noqa: F401  (the listing pages, on reuse.web's blueprint)
    import reuse.notices.models  # noqa: F401  (notifications)
    import reuse.outside.models  # noqa: F401  (partners, outside interest)
    import reuse.repairs.models  # noqa: F401  (repair jobs, their parts and labour)
    import reuse.requests.models  # noqa: F401  (transfer requests)
    import reuse.requests.views  # noqa: F401  (the request pages, on reuse.web's blueprint)
    import reuse.savings.models  # noqa: F401  (what became of listings)


def register_blueprints(app: Flask) -> None:
    import_feature_modules()
    from app.api.token_views import bp as tokens_bp
    from app.api.web import bp as api_bp
    from app.audit.views import bp as audit_bp
    from app.auth.admin_views import bp as admin_bp
    from app.auth.views import bp as auth_bp
    from app.vendor import bp as vendor_bp
    from app.webhooks.views import bp as webhooks_bp
    from imports.export_views import bp as exports_bp
    from imports.views import bp as imports_bp
    from inventory.places_views import bp as places_bp
    from inventory.views import bp as inventory_bp
    from labels.scan_views import bp as scan_bp
    from labels.stocktake_views import bp as stocktake_bp
    from labels.views import bp as labels_bp
    from reuse.aids.views import bp as aids_bp
    from reuse.demand.views import bp as demand_bp
    from reuse.listings.closing_views import bp as closing_bp
    from reuse.listings.offer_views import bp as reuse_offers_bp
    from reuse.listings.settings_views import bp as reuse_settings_bp
    from reuse.notices.views import bp as inbox_bp
    from reuse.outside.market import bp as market_bp
    from reuse.outside.partner_pages import bp as partner_pages_bp
    from reuse.outside.partner_views import bp as partners_bp
    from reuse.repairs.partner_views import bp as repair_partner_bp
    from reuse.repairs.views import bp as repairs_bp
    from reuse.savings.views import bp as savings_bp
    from reuse.web import bp as reuse_bp

    for blueprint in (
        auth_bp, admin_bp, inventory_bp, places_bp, labels_bp, scan_bp, stocktake_bp,
        exports_bp, imports_bp,
        reuse_bp, reuse_settings_bp, reuse_offers_bp, inbox_bp, demand_bp, aids_bp,
        partners_bp, partner_pages_bp, market_bp, repairs_bp, repair_partner_bp,
        closing_bp, savings_bp, audit_bp, vendor_bp, api_bp, tokens_bp, webhooks_bp,
    ):  # fmt: skip
        app.register_blueprint(blueprint)


def register_signals(app: Flask) -> None:
    """Let features follow the core's changes (an offered item's listing follows its moves),
    add to its pages (the item page's reuse buttons and handovers), answer for the groups of
    items they keep (an import batch's items, which labels prints), and hear the shell's (an
    account locked by failed logins is a notice to the admins); webhooks follow the moves."""
    from app.webhooks import events as webhook_events
    from imports import item_groups
    from reuse import item_page
    from reuse.aids import item_card
    from reuse.listings import collect_from
    from reuse.notices import notifications
    from reuse.repairs import item_page as repair_item_page

    collect_from.listen()
    item_page.listen()
    item_card.listen()
    repair_item_page.listen()
    item_groups.listen()
    notifications.listen()
    webhook_events.listen()


def register_request_hooks(app: Flask) -> None:
    from app.auth.login import register_login
    from app.form_messages import register_form_messages
    from app.navigation import register_navigation
    from app.security import register_security_headers
    from app.templating import register_template_helpers

    register_login(app)
    register_security_headers(app)
    register_template_helpers(app)
    register_navigation(app)
    register_form_messages(app)


def register_errors(app: Flask) -> None:
    from app.api.errors import register_api_errors
    from app.errors import register_error_handlers

    register_error_handlers(app)
    register_api_errors(app)


def register_cli(app: Flask) -> None:
    from app.cli import register_commands

    register_commands(app)


def register_background_work(app: Flask) -> None:
    """Make the task queue and let each feature add its tasks (run by `flask worker`)."""
    from app.background import Background
    from app.webhooks.outbox import register_webhook_work
    from imports.jobs import register_import_tasks
    from reuse.notices.mail import register_outbox
    from reuse.tasks import register_reuse_tasks

    work = app.extensions["background"] = Background(app)
    register_import_tasks(work)
    register_reuse_tasks(work, app.config)
    register_outbox(app)
    register_webhook_work(work)
