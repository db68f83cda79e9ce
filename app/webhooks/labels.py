"""The words the page uses for events and for the states of a delivery."""

from flask_babel import lazy_gettext as _l

from app.webhooks.models import PING, DeliveryStatus, WebhookEvent

EVENT_LABELS = {
    WebhookEvent.ITEM_MOVED: _l("An item moved"),
    WebhookEvent.LISTING_OFFERED: _l("An item offered as surplus"),
    WebhookEvent.LISTING_CLOSED: _l("A listing closed"),
    WebhookEvent.TRANSFER_HANDED_OVER: _l("A transfer handed over"),
    WebhookEvent.IMPORT_COMMITTED: _l("An import committed"),
    PING: _l("Test event"),
}
STATUS_LABELS = {
    DeliveryStatus.PENDING: _l("Waiting"),
    DeliveryStatus.DELIVERED: _l("Delivered"),
    DeliveryStatus.FAILED: _l("Failed"),
}
