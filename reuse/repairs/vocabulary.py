"""The words users see for a repair job's states, places, outcomes and lines."""

from flask_babel import lazy_gettext as _l

from reuse.repairs.figures import Hint
from reuse.repairs.models import LineKind, RepairOutcome, RepairPlace
from reuse.repairs.states import RepairStatus

STATUS = {
    RepairStatus.SENT: _l("Sent"),
    RepairStatus.QUOTED: _l("Quoted"),
    RepairStatus.APPROVED: _l("Approved"),
    RepairStatus.REPAIRED: _l("Repaired"),
    RepairStatus.RETURNED: _l("Back from repair"),
    RepairStatus.WRITTEN_OFF: _l("Written off"),
}
PLACE = {
    RepairPlace.IN_PLACE: _l("In place"),
    RepairPlace.WORKSHOP: _l("Our workshop"),
    RepairPlace.PARTNER: _l("A partner"),
}
OUTCOME = {
    RepairOutcome.TO_STOCK: _l("Back to stock"),
    RepairOutcome.TO_LISTING: _l("Back to its listing"),
    RepairOutcome.AID_CYCLE: _l("On in the aid cycle"),
}
LINE_KIND = {LineKind.PART: _l("Part"), LineKind.LABOUR: _l("Labour")}
HINT = {
    Hint.REPAIR: _l("Repair: it costs well under what a new one would."),
    Hint.WEIGH: _l("Weigh it up: the repair costs more than half of a new one."),
    Hint.SCRAP: _l("Consider scrapping: the repair costs as much as a new one, or more."),
    Hint.UNKNOWN: _l("No replacement value is known: give the item or its category one."),
}
