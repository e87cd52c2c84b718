"""The notifications service: turns case events into notifications for the reporter."""
