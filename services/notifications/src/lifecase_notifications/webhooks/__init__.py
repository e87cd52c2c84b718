"""Signed webhooks: administrators subscribe URLs to event types; every matching event is
delivered, signed per the Standard Webhooks specification, retried with backoff, logged and
replayable, and a subscriber that keeps failing is paused (see docs/adr/0025)."""
