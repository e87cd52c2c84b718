"""Benchmarks of the whole system, run against engines they start themselves."""
