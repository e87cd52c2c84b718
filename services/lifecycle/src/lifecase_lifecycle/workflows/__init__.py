"""Temporal workflows: deterministic code only; activities do the I/O."""
