"""The words users see for an aid's states and steps."""

from flask_babel import lazy_gettext as _l

from reuse.aids.models import ArticleScheme
from reuse.aids.states import AidState, Step

STATE = {
    AidState.RETURNED: _l("Returned"),
    AidState.QUARANTINED: _l("Quarantined"),
    AidState.CLEANED: _l("Cleaned"),
    AidState.INSPECTED: _l("Inspected"),
    AidState.IN_REPAIR: _l("In repair"),
    AidState.READY: _l("Ready"),
    AidState.ISSUED: _l("Issued"),
}
STEP = {
    Step.RETURNED: _l("Take back"),
    Step.QUARANTINED: _l("Quarantine"),
    Step.CLEANED: _l("Clean"),
    Step.INSPECTED: _l("Inspect"),
    Step.READY: _l("Make ready"),
    Step.ISSUED: _l("Issue"),
}
SCHEME = {
    ArticleScheme.HMI: _l("HMI number"),
    ArticleScheme.HMS: _l("HMS number"),
    ArticleScheme.GTIN: _l("GTIN"),
}
