"""The demand side: wishes that hear of matching listings, watches, and checking what the
organisation already has before buying new."""
