"""Surplus listings: offering an item, the ladder of audiences it climbs, the internal
market, the organisation's settings, closing a listing, and following its item's moves."""
