"""Reuse: surplus offered inside the organisation before anything new is bought, and outside
when nobody inside wants it. One sub-package per part (listings, requests, outside, demand,
notices, savings); who may do what is reuse/access.py's alone."""
