"""Transfer requests: a department asks for a listing, the other side decides, and the
handover moves the item (or a part split off a lot) to the requester."""
