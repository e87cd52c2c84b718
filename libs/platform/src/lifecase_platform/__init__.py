"""Shared plumbing for lifecase services: settings, database and outbox, JetStream messaging,
auth, RFC 9457 problems, telemetry and the runtime that starts and stops a service.

Nothing here connects or reads configuration at import time.
"""
