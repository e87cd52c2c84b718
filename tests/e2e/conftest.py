"""Fixtures the end-to-end tests share: ``running``, a real `lifecase run` on a free port."""

from tests.e2e.test_embedded_run import running

__all__ = ["running"]
