"""Helpers of the outside-tier tests: an item offered at a given tier, a photo, a partner."""

from __future__ import annotations

import io
from decimal import Decimal

from PIL import Image
from sqlalchemy.orm import Session

from app.timeutil import utcnow
from inventory import item_photos
from inventory.models import Item, ItemPhoto
from inventory.photos import process_photo
from reuse.listings.models import Listing, Tier
from reuse.outside import partners
from reuse.outside.models import Partner, PartnerKind
from tests.reuse import making


def offer(
    session: Session, item: Item, *, by, tier: Tier = Tier.PUBLIC, quantity: int | None = None,
    asking_price: Decimal | None = None, reason: str = "", collect_from: str = "",
) -> Listing:  # fmt: skip
    """Flag `item` as surplus and put the listing straight into `tier`."""
    listing = making.flag(session, item, by=by, quantity=quantity, reason=reason,
                          condition=item.condition, collect_from=collect_from,
                          asking_price=asking_price)  # fmt: skip
    listing.tier = tier
    session.commit()
    return listing


def add_photo(session: Session, item: Item, colour: str = "red") -> ItemPhoto:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, format="JPEG")
    photo = item_photos.add_photo(
        session, item,
        process_photo(out.getvalue(), max_pixels=10**6, full_size=100, thumb_size=50),
        by=None, now=utcnow(),
        quota=item_photos.PhotoQuota(per_item=5, per_user_per_day=50, bytes_per_user=10**7),
    )  # fmt: skip
    session.commit()
    return photo


def add_partner(
    session: Session, name: str = "Sundby Second Hand", **fields
) -> tuple[Partner, str]:
    details = partners.PartnerDetails(name=name, kind=fields.pop("kind", PartnerKind.SECOND_HAND),
                                      **fields)  # fmt: skip
    partner, token = partners.add_partner(session, details)
    session.commit()
    return partner, token
