"""``lifecase cluster`` as the fault suite's target: started by the suite on its own port,
state and databases; replicas and NATS nodes killed as a failing machine would kill them,
PostgreSQL restarted as an operator's maintenance would."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import uuid
from pathlib import Path
from typing import Any

import asyncpg

from lifecase_embedded.cluster import POSTGRES_ADMIN_URL, pg_ctlcluster
from lifecase_embedded.system import SERVICES
from tests.faults.embedded import LIFECASE, EmbeddedTarget, children


class ClusterTarget(EmbeddedTarget):
    def __init__(self, state: Path) -> None:
        super().__init__(state)
        self.databases = f"lifecase_faults_{uuid.uuid4().hex[:8]}"

    def command(self) -> list[str]:
        return [
            LIFECASE,
            "cluster",
            "--state",
            str(self.state),
            "--port",
            str(self.port),
            "--databases",
            self.databases,
        ]

    def start(self, timeout: float = 300) -> None:
        super().start(timeout)

    def description(self) -> dict[str, Any]:
        return dict(json.loads((self.state / "cluster.json").read_text()))

    def _processes(self) -> dict[int, list[str]]:
        assert self.process is not None
        found = {}
        for pid in children(self.process.pid):
            with contextlib.suppress(FileNotFoundError):
                raw = Path(f"/proc/{pid}/cmdline").read_bytes()
                found[pid] = raw.decode(errors="replace").split("\0")
        return found

    def replica_pid(self, service: str, index: int) -> int:
        port = self.description()["replicas"][f"{service}-{index}"]["url"].rsplit(":", 1)[1]
        for pid, args in self._processes().items():
            if f"lifecase_{service}" in args and port in args:
                return pid
        raise LookupError(f"no process for {service}-{index}")

    def nats_pid(self, node: int) -> int:
        for pid, args in self._processes().items():
            if args and args[0].endswith("nats-server") and f"nats-{node}" in args:
                return pid
        raise LookupError(f"no nats-{node}")

    def kill_one_replica_of_each_service(self) -> list[int]:
        pids = [self.replica_pid(service, 1) for service in SERVICES]
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        return pids

    def kill_nats_node(self, node: int = 1) -> int:
        pid = self.nats_pid(node)
        os.kill(pid, signal.SIGKILL)
        return pid

    async def drop_databases(self) -> None:
        admin = await asyncpg.connect(POSTGRES_ADMIN_URL)
        try:
            for service in SERVICES:
                await admin.execute(
                    f'DROP DATABASE IF EXISTS "{self.databases}_{service}" WITH (FORCE)'
                )
        finally:
            await admin.close()


async def restart_postgres() -> None:
    """A restart of the local PostgreSQL (every connection is dropped)."""
    await pg_ctlcluster("restart")
