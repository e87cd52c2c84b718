"""What the admin commands share: a client of a running lifecase's API, signed in with the
given token (or, in embedded mode without one, as a demo admin through the dev sign-in), and
answers turned into output or a clear error with exit code 1."""

from __future__ import annotations

from typing import Any, NoReturn

import httpx
import typer


def fail(problems: list[str]) -> NoReturn:
    for problem in problems:
        typer.echo(f"error: {problem}", err=True)
    raise typer.Exit(1)


def admin_client(url: str, token: str | None, user: str) -> httpx.Client:
    if token is None:
        try:
            response = httpx.post(f"{url}/api/v1/dev/token", json={"username": user}, timeout=10)
        except httpx.HTTPError as error:
            fail([f"lifecase does not answer at {url}: {error}"])
        if response.status_code != 200:
            fail([f"no token: pass --token (the dev sign-in answered {response.status_code})"])
        token = response.json()["access_token"]
    return httpx.Client(
        base_url=url,
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
        timeout=60,
    )


def answer(response: httpx.Response) -> Any:
    body: Any = response.json() if response.content else {}
    if response.status_code >= 400:
        errors = [f"{'.'.join(map(str, e['loc'][1:]))}: {e['msg']}" for e in body.get("errors", [])]
        fail([f"{response.status_code} {body.get('detail') or body.get('title', '')}", *errors])
    return body
