"""``lifecase cluster``: the multi-node topology on one machine, without Docker. A three-node
NATS JetStream cluster (the event stream kept in three copies), PostgreSQL (one database per
service, on the local server), the Temporal dev server, and every service as separate
processes — two replicas each, started exactly as production starts them
(``python -m lifecase_<service>``) — behind one base URL. The base URL spreads requests over
the replicas of the service that owns the path and passes a request on to the other replica
when one does not answer, as the Caddyfile's proxy does.

Engines and replicas are supervised as systemd would: a process that exits is started again
on the same port and state, with backoff."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import os
import shutil
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import nats
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from lifecase_embedded import devidp
from lifecase_embedded.engines import (
    Engine,
    _wait_for_port,
    binary,
    free_port,
    temporal_engine,
)
from lifecase_embedded.gateway import Gateway
from lifecase_embedded.system import ROUTES, SERVICES
from lifecase_platform.auth import DevTokens
from lifecase_platform.health import OK
from lifecase_platform.problems import problem_response

log = logging.getLogger(__name__)

NATS_NODES = 3
# The local PostgreSQL, as on our machines (trust authentication); override for another one.
POSTGRES_ADMIN_URL = os.environ.get(
    "LIFECASE_CLUSTER_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
}
MAX_PROXIED_BODY = 16 * 1024 * 1024  # the services refuse far less; this only bounds memory


class _NoCookies(CookieJar):
    """A cookie jar that keeps nothing."""

    def __init__(self) -> None:
        super().__init__(policy=DefaultCookiePolicy(allowed_domains=[]))


@dataclass
class Replica:
    service: str
    index: int
    port: int
    engine: Engine

    @property
    def name(self) -> str:
        return f"{self.service}-{self.index}"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class ReplicaPool:
    """An ASGI app that forwards each request to one of a service's replicas, in turn, and
    to the next one when a replica refuses the connection (it is stopping or gone)."""

    service: str
    replicas: list[Replica]
    http: httpx.AsyncClient
    _turn: itertools.count[int] = field(default_factory=itertools.count)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        body = bytearray()
        while True:
            message = await receive()
            body += message.get("body", b"")
            if len(body) > MAX_PROXIED_BODY:
                await problem_response(Request(scope), 413)(scope, receive, send)
                return
            if not message.get("more_body"):
                break
        headers = [
            (k.decode("latin-1"), v.decode("latin-1"))
            for k, v in scope["headers"]
            if k.decode("latin-1").lower() not in HOP_BY_HOP
        ]
        path = scope.get("raw_path") or scope["path"].encode()
        query = scope.get("query_string", b"")
        target = path.decode("latin-1") + (f"?{query.decode('latin-1')}" if query else "")
        start = next(self._turn)
        for attempt in range(len(self.replicas)):
            replica = self.replicas[(start + attempt) % len(self.replicas)]
            request = self.http.build_request(
                scope["method"], replica.url + target, headers=headers, content=bytes(body)
            )
            try:
                response = await self.http.send(request, stream=True)
            except (httpx.ConnectError, httpx.ConnectTimeout):
                continue  # this replica is down: the next one
            except httpx.TimeoutException:
                await problem_response(Request(scope), 504)(scope, receive, send)
                return
            except httpx.HTTPError:  # the replica died while answering
                await problem_response(Request(scope), 502)(scope, receive, send)
                return
            try:
                await send(
                    {
                        "type": "http.response.start",
                        "status": response.status_code,
                        "headers": [
                            (k.encode("latin-1"), v.encode("latin-1"))
                            for k, v in response.headers.multi_items()
                            if k.lower() not in HOP_BY_HOP
                        ],
                    }
                )
                with contextlib.suppress(httpx.HTTPError):  # cut off: the client sees it end
                    async for chunk in response.aiter_raw():
                        await send({"type": "http.response.body", "body": chunk, "more_body": True})
                await send({"type": "http.response.body", "body": b""})
            finally:
                await response.aclose()
            return
        await problem_response(Request(scope), 503)(scope, receive, send)

    async def readiness(self) -> dict[str, str]:
        """``{"replicas": "ok"}`` while one replica or more is ready; otherwise what the
        replicas say is down (so that ``nats`` or ``temporal`` is named as such)."""
        answers = await asyncio.gather(*(self.replica_ready(r) for r in self.replicas))
        if any(checks == {} for checks in answers):
            return {"replicas": OK}
        merged: dict[str, str] = {}
        for checks in answers:
            merged.update(checks)
        return merged

    async def replica_ready(self, replica: Replica) -> dict[str, str]:
        """{} when ready, otherwise the checks that are down."""
        try:
            response = await self.http.get(f"{replica.url}/readyz", timeout=3)
        except httpx.HTTPError:
            return {"process": "down: no answer"}
        if response.status_code == 200:
            return {}
        try:
            checks = dict(response.json().get("checks", {}))
        except (ValueError, AttributeError):
            checks = {}
        return {k: v for k, v in checks.items() if v != OK} or {"process": "down"}


@dataclass
class Cluster:
    state: Path
    nats_urls: list[str]
    nats_nodes: list[Engine]
    temporal_address: str
    database_urls: dict[str, str]
    dev_token_secret: str
    replicas: dict[str, list[Replica]]

    def describe(self, base_url: str) -> dict[str, Any]:
        return {
            "base_url": base_url,
            "nats": self.nats_urls,
            "temporal": self.temporal_address,
            "databases": {s: _without_password(u) for s, u in self.database_urls.items()},
            "replicas": {
                r.name: {"url": r.url, "pid": r.engine.pid}
                for pool in self.replicas.values()
                for r in pool
            },
            "nats_nodes": {f"nats-{i + 1}": n.pid for i, n in enumerate(self.nats_nodes)},
            "logs": str(self.state / "logs"),
        }


@contextlib.asynccontextmanager
async def nats_cluster(state: Path, *, nodes: int = NATS_NODES) -> AsyncIterator[list[Engine]]:
    """``nodes`` nats-servers in one JetStream cluster on 127.0.0.1, each supervised."""
    client_ports = [free_port() for _ in range(nodes)]
    route_ports = [free_port() for _ in range(nodes)]
    engines = []
    for i in range(nodes):
        routes = ",".join(f"nats://127.0.0.1:{p}" for j, p in enumerate(route_ports) if j != i)
        store = state / f"nats-{i + 1}"
        store.mkdir(parents=True, exist_ok=True)
        args = [
            binary("nats-server"),
            "-js",
            "-a",
            "127.0.0.1",
            "-p",
            str(client_ports[i]),
            "-sd",
            str(store),
            "-n",
            f"nats-{i + 1}",
            "--cluster_name",
            "lifecase",
            "--cluster",
            f"nats://127.0.0.1:{route_ports[i]}",
            "--routes",
            routes,
        ]

        async def ready(process: asyncio.subprocess.Process, port: int = client_ports[i]) -> None:
            await _wait_for_port(port, process, "nats-server", timeout=30)

        engines.append(Engine(f"nats-{i + 1}", args, state / "logs" / f"nats-{i + 1}.log", ready))
    try:
        await asyncio.gather(*(e.start() for e in engines))
        for engine in engines:
            engine.supervise()
        await _until_jetstream_has_a_leader([f"nats://127.0.0.1:{p}" for p in client_ports])
        yield engines
    finally:
        await asyncio.gather(*(e.stop() for e in engines))


async def _until_jetstream_has_a_leader(urls: list[str], timeout: float = 60) -> None:
    """A clustered JetStream answers only once its nodes elected a meta leader."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    last: Exception | None = None
    while loop.time() < deadline:
        try:
            nc = await nats.connect(servers=urls, connect_timeout=2, max_reconnect_attempts=0)
            try:
                await nc.jetstream().account_info()
                return
            finally:
                await nc.close()
        except Exception as error:
            last = error
        await asyncio.sleep(0.5)
    raise TimeoutError(f"the JetStream cluster elected no leader within {timeout:.0f}s: {last!r}")


async def ensure_postgres(admin_url: str) -> None:
    """The local PostgreSQL answers; start its cluster if it is installed but down."""
    if await _pg_answers(admin_url):
        return
    if shutil.which("pg_ctlcluster") and Path("/etc/postgresql").is_dir():
        await pg_ctlcluster("start")
        for _ in range(50):
            if await _pg_answers(admin_url):
                return
            await asyncio.sleep(0.2)
    raise RuntimeError(
        f"no PostgreSQL answers at {_without_password(admin_url)}; start one or set "
        "LIFECASE_CLUSTER_POSTGRES_URL"
    )


async def pg_ctlcluster(action: str) -> None:
    """``pg_ctlcluster <version> main <action>`` for every installed PostgreSQL version."""
    for version in sorted(os.listdir("/etc/postgresql")):
        process = await asyncio.create_subprocess_exec(
            "pg_ctlcluster",
            "--skip-systemctl-redirect",
            version,
            "main",
            action,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        await process.wait()


async def _pg_answers(admin_url: str) -> bool:
    try:
        connection = await asyncpg.connect(admin_url, timeout=3)
    except (OSError, asyncpg.PostgresError):
        return False
    await connection.close()
    return True


async def service_databases(admin_url: str, prefix: str) -> dict[str, str]:
    """One database per service (created if missing); their SQLAlchemy URLs."""
    admin = await asyncpg.connect(admin_url)
    try:
        for service in SERVICES:
            name = f"{prefix}_{service}"
            exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
            if not exists:
                await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return {s: f"{base}/{prefix}_{s}" for s in SERVICES}


def _without_password(url: str) -> str:
    head, sep, tail = url.partition("@")
    if not sep or ":" not in head.split("//", 1)[-1]:
        return url
    scheme, _, credentials = head.partition("//")
    return f"{scheme}//{credentials.split(':', 1)[0]}:***@{tail}"


def _environment(cluster: Cluster, service: str, base_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "LIFECASE_ENVIRONMENT": "dev",
        "LIFECASE_AUTH_MODE": "dev",
        "LIFECASE_DEV_TOKEN_SECRET": cluster.dev_token_secret,
        "LIFECASE_NATS_URL": ",".join(cluster.nats_urls),
        "LIFECASE_NATS_STREAM_REPLICAS": str(len(cluster.nats_urls)),
        "LIFECASE_TEMPORAL_ADDRESS": cluster.temporal_address,
        f"LIFECASE_{service.upper()}_DATABASE_URL": cluster.database_urls[service],
        "LIFECASE_LIFECYCLE_URL": base_url,
        "LIFECASE_ROUTING_URL": base_url,
    }


async def _migrate(cluster: Cluster, base_url: str) -> None:
    """Migrations once per service, before any replica starts (Alembic takes no lock)."""
    for service in SERVICES:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            f"lifecase_{service}",
            "--migrate-only",
            env=_environment(cluster, service, base_url),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await process.communicate()
        if process.returncode != 0:
            raise RuntimeError(f"migrating {service} failed: {err.decode()[-2000:]}")


def _replica(cluster: Cluster, service: str, index: int, base_url: str) -> Replica:
    port = free_port()
    args = [sys.executable, "-m", f"lifecase_{service}", "--port", str(port)]
    if index == 1 and service in ("lifecycle", "routing"):
        args.append("--seed")  # once: seeding is idempotent, but two at once would race
    env = _environment(cluster, service, base_url)

    async def ready(process: asyncio.subprocess.Process) -> None:
        await _wait_for_port(port, process, f"{service}-{index}", timeout=120)

    engine = Engine(
        f"{service}-{index}", args, cluster.state / "logs" / f"{service}-{index}.log", ready, env
    )
    return Replica(service, index, port, engine)


async def run_cluster(
    state: Path,
    *,
    host: str,
    port: int,
    replicas: int = 2,
    postgres_url: str = POSTGRES_ADMIN_URL,
    database_prefix: str = "lifecase_cluster",
) -> None:
    """Start the whole topology, serve the base URL until SIGINT/SIGTERM, stop everything."""
    from lifecase_embedded.cli import _dev_secret  # the same dev secret file as `lifecase run`
    from lifecase_platform.serve import graceful_server

    state.mkdir(parents=True, exist_ok=True)
    state.chmod(0o700)
    base_url = f"http://{host}:{port}"
    await ensure_postgres(postgres_url)
    databases = await service_databases(postgres_url, prefix=database_prefix)
    async with (
        nats_cluster(state) as nodes,
        temporal_engine(
            state / "temporal.db", port=free_port(), log_dir=state / "logs", supervise=True
        ) as temporal,
        # No cookie jar (a Set-Cookie of one user must never ride on another's request) and
        # no proxy from the environment: the replicas are on 127.0.0.1.
        httpx.AsyncClient(
            timeout=httpx.Timeout(60, connect=2), cookies=_NoCookies(), trust_env=False
        ) as http,
    ):
        cluster = Cluster(
            state=state,
            nats_urls=[f"nats://127.0.0.1:{n.args[n.args.index('-p') + 1]}" for n in nodes],
            nats_nodes=nodes,
            temporal_address=temporal.address,
            database_urls=databases,
            dev_token_secret=_dev_secret(state),
            replicas={},
        )
        await _migrate(cluster, base_url)
        for service in SERVICES:
            cluster.replicas[service] = [
                _replica(cluster, service, i + 1, base_url) for i in range(replicas)
            ]
        every = [r for pool in cluster.replicas.values() for r in pool]
        try:
            await asyncio.gather(*(r.engine.start() for r in every))
            for replica in every:
                replica.engine.supervise()
            app, pools = _base_url_app(cluster, http)
            await _until_ready(pools)
            (state / "cluster.json").write_text(json.dumps(cluster.describe(base_url), indent=2))
            server = graceful_server(app, host=host, port=port)
            log.info("lifecase cluster is up", extra={"base_url": base_url})
            await server.serve()
        finally:
            await asyncio.gather(*(r.engine.stop() for r in every))


def _base_url_app(cluster: Cluster, http: httpx.AsyncClient) -> tuple[Gateway, list[ReplicaPool]]:
    pools = {s: ReplicaPool(s, cluster.replicas[s], http) for s in SERVICES}
    tokens = DevTokens(cluster.dev_token_secret)
    devapp = devidp.create_app(tokens, devidp.load_users())

    async def ready() -> dict[str, dict[str, str]]:
        answers = await asyncio.gather(*(pools[s].readiness() for s in SERVICES))
        return dict(zip(SERVICES, answers, strict=True))

    routes: list[tuple[str, Any]] = [
        ("/api/v1/dev", devapp),
        ("/", pools["intake"]),
        *((prefix, pools[owner]) for prefix, owner in ROUTES.items()),
    ]
    gateway = Gateway(routes=routes, ready=ready, openapi=lambda: {"openapi": "3.1.0", "paths": {}})
    return gateway, list(pools.values())


async def _until_ready(pools: list[ReplicaPool], timeout: float = 180) -> None:
    """Until every replica of every service says it is ready."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        answers = await asyncio.gather(*(p.replica_ready(r) for p in pools for r in p.replicas))
        if all(a == {} for a in answers):
            return
        await asyncio.sleep(0.3)
    raise TimeoutError(f"the cluster's replicas did not become ready: {answers}")
