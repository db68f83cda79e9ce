"""Repair routing: a fault sent to be repaired in place, at the workshop or at a partner, with
its costs against the replacement value, and what became of the item afterwards."""
