"""Assistive aids: their reconditioning cycle, kits, maintenance plans and issuing, oldest first."""
