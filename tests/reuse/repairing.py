"""Repair jobs in the reuse tests, with what a test does not care about left plain."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from app.timeutil import utcnow
from inventory.models import Item
from reuse.outside import partners
from reuse.outside.models import Partner, PartnerKind
from reuse.repairs import services
from reuse.repairs.models import RepairJob, RepairPlace


def add_partner(session: Session, name: str = "Möbelverkstaden") -> Partner:
    details = partners.PartnerDetails(name=name, kind=PartnerKind.REPAIR)
    return partners.add_partner(session, details)[0]


def send(session: Session, item: Item, *, by, place: RepairPlace = RepairPlace.WORKSHOP,
         partner: Partner | None = None, estimate: str | None = None, **given) -> RepairJob:  # fmt: skip
    """services.send_to_repair: a wobbly leg, to the workshop, with no estimate."""
    sending = services.Sending(fault=given.pop("fault", "Wobbly leg"), place=place,
                               partner=partner, quantity=given.pop("quantity", 1),
                               estimated_cost=Decimal(estimate) if estimate else None)  # fmt: skip
    return services.send_to_repair(session, item, sending, by=by, now=given.pop("now", utcnow()))
