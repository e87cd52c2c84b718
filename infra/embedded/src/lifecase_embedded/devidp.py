"""The embedded mode's identity provider: demo users get a signed token by name. It exists
only when the system runs with ``auth_mode=dev``; production uses the municipality's OIDC."""

from __future__ import annotations

from pathlib import Path

import yaml
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel

from lifecase_contracts.api import Problem, TokenRequest, TokenResponse
from lifecase_contracts.events import Localized
from lifecase_platform.auth import DevTokens, Principal
from lifecase_platform.problems import BodySizeLimit, ProblemError, install_problem_handlers

USERS_FILE = Path(__file__).parent / "demo" / "users.yaml"


class DemoUsers(BaseModel):
    users: list[Principal]


def load_users(path: Path = USERS_FILE) -> dict[str, Principal]:
    doc = DemoUsers.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    return {u.username: u for u in doc.users}


def create_app(tokens: DevTokens, users: dict[str, Principal]) -> FastAPI:
    app = FastAPI(title="lifecase dev identity", version="0.1.0")
    install_problem_handlers(app)
    router = APIRouter(prefix="/api/v1/dev", tags=["dev identity"])

    @router.post("/token", responses={404: {"model": Problem}})
    async def issue_token(body: TokenRequest) -> TokenResponse:
        """A bearer token for a demo user (embedded/dev mode only)."""
        user = users.get(body.username)
        if user is None:
            raise ProblemError(
                404,
                Localized(
                    da="Der findes ingen demobruger med det navn.", en="No demo user by that name."
                ),
                type="urn:lifecase:problem:not-found",
            )
        return TokenResponse(access_token=tokens.issue(user))

    @router.get("/users")
    async def list_users() -> list[Principal]:
        """The demo users one can sign in as."""
        return list(users.values())

    app.include_router(router)
    app.add_middleware(BodySizeLimit, max_bytes=16 * 1024)
    return app
