"""Who hears of what: notification rows written with each change, worded when read, shown in
the inbox and sent as mail from the same rows (the outbox)."""
