"""Webhooks: a manager registers a URL that receives signed JSON events (issue 19).

models.py holds the hooks and their deliveries, states.py a delivery's moves, services.py
registering hooks and publishing events into an outbox, payloads.py what each event says,
outbox.py queueing deliveries once their change commits, delivery.py signing and sending,
views.py and forms.py the managers' page.
"""
