"""Reuse outside the organisation: what partners and the public see of a listing (the public
market, partners' links, feeds), their interest, and the partner directory."""
