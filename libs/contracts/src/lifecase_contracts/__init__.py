"""The wire contract of lifecase: event envelopes and payloads, and the public API models.

This package is the only code services share about each other. It never imports a service.
"""
