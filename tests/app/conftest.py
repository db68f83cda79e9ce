"""The world every route test walks: one department's users, another department's objects.

Each role's client is logged in with a user of the "Home" department, and every URL names an
object (item, photo, listing, batch...) owned by "Foreign", so a test sees what a user may do
to what is not theirs.
"""

import io

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.api.tokens import TokenScope, make_token
from app.auth.roles import Role
from app.timeutil import utcnow
from app.webhooks.services import make_webhook
from imports import services as imports
from inventory import item_photos
from inventory.models import Item, ItemEvent, ItemPhoto, Organisation
from labels import scanning
from labels import services as label_services
from reuse.demand.models import Wish
from reuse.listings import services as listing_services
from reuse.listings.models import Listing
from reuse.notices.models import Notification
from reuse.outside import partners as partner_services
from reuse.outside.models import Interest
from reuse.repairs import services as repair_services
from reuse.repairs.models import RepairPlace
from reuse.requests import services as request_services
from reuse.requests.models import TransferRequest

ANON = "anonymous"
ROLES = [ANON, Role.REQUESTER, Role.STAFF, Role.MANAGER, Role.ADMIN]


@pytest.fixture
def world(db_session, make_department, make_user, make_item, make_storeroom, make_category):
    """Users of every role in a 'home' department, and objects owned by a 'foreign' one."""
    home, foreign = make_department("Home"), make_department("Foreign")
    target_user = make_user(Role.STAFF, department=foreign)
    users = {role: make_user(role, department=home) for role in ROLES if role != ANON}
    room = make_storeroom(code="F1")
    item = make_item("Foreign chair", department=foreign, storeroom=room, tag="FOR-1")
    out = io.BytesIO()
    Image.new("RGB", (20, 20)).save(out, format="JPEG")
    from inventory.photos import process_photo

    photo = item_photos.add_photo(
        db_session,
        item,
        process_photo(out.getvalue(), max_pixels=10**6, full_size=100, thumb_size=50),
        by=None,
        now=utcnow(),
        quota=item_photos.PhotoQuota(per_item=5, per_user_per_day=5, bytes_per_user=10**6),
    )
    stocktake = scanning.start_stocktake(db_session, room, by=target_user, now=utcnow())
    organisation = Organisation(name="Org")
    db_session.add(organisation)
    db_session.flush()
    profile = label_services.save_profile(
        db_session, organisation=organisation, name="Office", format_name="L7160",
        offset_x=0, offset_y=0, scale=1,
    )  # fmt: skip
    batch, table = imports.start_batch(db_session, b"Name;Quantity\nChair;2\nBroken;-1\n",
                                       "stock.csv", user=target_user, sheet=None, now=utcnow(),
                                       max_rows=100)  # fmt: skip
    imports.commit(db_session, batch, table, user=target_user, now=utcnow(), tag_prefix="I-",
                   tag_digits=4)  # fmt: skip
    desk = make_item("Foreign desk", department=foreign, storeroom=room, tag="FOR-2")
    listing = listing_services.flag_surplus(db_session, desk, quantity=1, reason="", collect_from="",
                                            condition=desk.condition, asking_price=None, by=target_user,
                                            now=utcnow())  # fmt: skip
    third = make_user(Role.REQUESTER, department=make_department("Third"))
    transfer = request_services.request_transfer(db_session, listing, user=third, quantity=1, needed_by=None,
                                                 deliver_to=None, deliver_place="Hall", message="",
                                                 now=utcnow(), today=utcnow().date())  # fmt: skip
    partner, _token = partner_services.add_partner(
        db_session, partner_services.PartnerDetails(name="Second-hand shop", kind="second_hand")
    )
    interest = Interest(listing_id=listing.id, name="Outsider", email="o@example.org",
                        client_hash="0" * 64)  # fmt: skip
    db_session.add(interest)
    wish = Wish(user_id=target_user.id, department_id=foreign.id, words="desk")
    notice = Notification(user_id=target_user.id, kind="wish_match", listing_id=listing.id,
                          params={"item": "Foreign desk"})  # fmt: skip
    db_session.add_all([wish, notice])
    api_token = make_token(
        db_session, target_user, name="Sync", scope=TokenScope.WRITE, now=utcnow()
    )
    webhook = make_webhook(db_session, url="http://127.0.0.1:9/hook", events=["item.moved"],
                           by=None, now=utcnow())  # fmt: skip
    webhook.is_active = False  # the walk's moves send nothing anywhere
    repair = repair_services.send_to_repair(
        db_session, desk, repair_services.Sending(fault="Wobbly", place=RepairPlace.PARTNER,
                                                  partner=partner), by=target_user, now=utcnow(),
    )  # fmt: skip
    db_session.commit()
    return {
        "users": users,
        "args": {
            "item_id": item.id,
            "photo_id": photo.id,
            "storeroom_id": room.id,
            "site_id": room.site_id,
            "department_id": foreign.id,
            "category_id": make_category().id,
            "user_id": target_user.id,
            "stocktake_id": stocktake.id,
            "profile_id": profile.id,
            "name": "L7160",
            "code": item.tag,
            "token": "not-a-token",
            "size": "thumb",
            "fmt": "csv",
            "batch_id": batch.id,
            "listing_id": listing.id,
            "request_id": transfer.id,
            "action": "approve",
            "wish_id": wish.id,
            "notification_id": notice.id,
            "partner_id": partner.id,
            "interest_id": interest.id,
            "slug": listing.public_slug,
            "token_id": api_token.token.id,
            "tag": item.tag,
            "webhook_id": webhook.id,
            "accessory_id": item.id,  # no aid's accessory: a 404
            "group_id": 1,  # no equivalence group: a 404
            "job_id": repair.id,
        },
    }


def url_for_rule(app, rule, args) -> str:
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **{name: args[name] for name in rule.arguments})


def rules(app, method):
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static" and method in r.methods]


def client_for(app, role, world):
    client = app.test_client()
    if role != ANON:
        user = world["users"][role]
        assert (
            client.post(
                "/login", data={"email": user.email, "password": "correct horse battery"}
            ).status_code
            == 302
        )
    return client


def snapshot(db_session):
    db_session.expire_all()
    return (
        db_session.scalar(select(func.count()).select_from(Item)),
        db_session.scalar(select(func.count()).select_from(ItemEvent)),
        db_session.scalar(select(func.count()).select_from(ItemPhoto)),
        db_session.scalars(select(Item.version).order_by(Item.id)).all(),
        db_session.execute(select(Listing.status, Listing.quantity, Listing.reserved,
                                  Listing.tier_ends_at).order_by(Listing.id)).all(),
        db_session.execute(select(TransferRequest.status, TransferRequest.quantity)
                           .order_by(TransferRequest.id)).all(),
    )  # fmt: skip
