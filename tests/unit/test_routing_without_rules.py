"""A sub-case that opens before routing has an active rule set (a new installation still
being seeded, or whose admin has not set the rules yet) is retried, not dead-lettered."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from lifecase_platform import db
from lifecase_platform.errors import Unavailable, is_permanent
from lifecase_routing.bootstrap import MIGRATIONS
from lifecase_routing.rulesets import active_rules


async def test_no_active_rule_set_is_worth_a_retry(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'routing.db'}"
    await asyncio.to_thread(db.migrate, url, MIGRATIONS)
    engine = db.create_engine(url)
    try:
        async with db.session_factory(engine)() as session:
            with pytest.raises(Unavailable) as raised:
                await active_rules(session=session)
        assert not is_permanent(raised.value)
        assert raised.value.text is not None
        assert "no active rule set" in raised.value.text.en
    finally:
        await engine.dispose()
