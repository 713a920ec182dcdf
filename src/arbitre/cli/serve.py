"""`arbitre serve` (the web app), `arbitre user add|list|disable`, `arbitre token create`."""

from __future__ import annotations

import getpass
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from arbitre.cli.output import err, out, print_json, print_table
from arbitre.errors import InputError
from arbitre.services.accounts import add_user, create_token, disable_user, list_users
from arbitre.services.audit import Actor
from arbitre.store.workspace import Workspace

if TYPE_CHECKING:
    from arbitre.web.settings import WebSettings

user_app = typer.Typer(help="Accounts of the web app: add, list, disable.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for scripts.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")


def _actor() -> Actor:
    return Actor(name=f"cli:{os.environ.get('ARBITRE_USER') or getpass.getuser()}", role="cli")


def serve(
    directories: Annotated[list[Path], typer.Argument(help="The workspaces to serve (one client each).")],
    host: Annotated[
        str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.", min=1, max=65535)] = 8000,
    secure_cookies: Annotated[
        bool | None,
        typer.Option(
            "--secure-cookies/--no-secure-cookies",
            help="Force the Secure flag of the cookies on or off (default: on when served over TLS).",
        ),
    ] = None,
    proxy_headers: Annotated[
        bool,
        typer.Option(
            "--proxy-headers", help="Trust X-Forwarded-For/-Proto from the proxy in front (behind TLS)."
        ),
    ] = False,
    workers: Annotated[
        int, typer.Option(help="Server processes on the port (one core each at most).", min=1, max=16)
    ] = 1,
) -> None:
    """Serve the web app and its HTTP API (docs/web.md)."""
    from arbitre.web.settings import build_settings

    settings = build_settings(
        directories,
        host=host,
        port=port,
        secure_cookies=secure_cookies,
        proxy_headers=proxy_headers or None,
        workers=workers if workers > 1 else None,
    )
    run_server(settings)


def run_server(settings: WebSettings, *, accounts: list[tuple[str, str, str]] | None = None) -> None:
    """Open the workspaces, say where they are served, and serve until Ctrl-C."""
    import uvicorn  # the server and the app only for this command: `arbitre user …` starts fast

    from arbitre.web.app import create_app
    from arbitre.web.tenancy import Tenants

    tenants = Tenants(settings.workspaces)
    shown = "localhost" if settings.host in ("127.0.0.1", "::1") else settings.host
    out.print(f"\nArbitre serves on http://{shown}:{settings.port}/  (Ctrl-C to stop)")
    for tenant in tenants.all():
        out.print(f"  {tenant.name}: http://{shown}:{settings.port}/login?w={tenant.slug}")
    if accounts:
        print_table("Accounts", ["user", "role", "password"], [list(a) for a in accounts])
    if not any(list_users(t.ws) for t in tenants.all()):
        err.print("No account yet: create one with `arbitre user add DIR NAME --role admin`.")
    several = settings.workers > 1
    if several:
        # Each worker process builds its own app from the settings: uvicorn needs a factory.
        from arbitre.web.app import SETTINGS_ENV

        tenants.close()
        os.environ[SETTINGS_ENV] = settings.model_dump_json()
    uvicorn.run(
        "arbitre.web.app:app_from_environment" if several else create_app(settings, tenants=tenants),
        factory=several,
        workers=settings.workers if several else None,
        host=settings.host,
        port=settings.port,
        proxy_headers=settings.proxy_headers,
        forwarded_allow_ips="*" if settings.proxy_headers else None,
        log_level="warning",
        server_header=False,
    )


@user_app.command("add")
def user_add(
    directory: Annotated[Path, typer.Argument(help="The workspace.")],
    username: Annotated[str, typer.Argument(help="Login name: lower-case letters, digits, '.', '_', '-'.")],
    role: Annotated[str, typer.Option(help="admin, analyst, provider or auditor.")],
    name: Annotated[str | None, typer.Option(help="Name shown in the pages.")] = None,
    provider: Annotated[str | None, typer.Option(help="Provider's name (a provider account).")] = None,
    site: Annotated[
        list[str] | None,
        typer.Option(
            "--site", help="A site of the provider (repeat for several); a provider account needs one."
        ),
    ] = None,
    lang: Annotated[str, typer.Option(help="Language of the pages: fr or en.")] = "fr",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input (else generated).")
    ] = False,
    json: Annotated[bool, typer.Option("--json", help="Print the account (and password) as JSON.")] = False,
) -> None:
    """Add a user; a generated password is printed once."""

    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    ws = Workspace.open(directory)
    try:
        account, secret = add_user(
            ws,
            username=username,
            role=role,
            actor=_actor(),
            display_name=name,
            provider=provider,
            sites=site or [],
            lang=lang,
            password=password,
        )
    finally:
        ws.close()
    if json:
        doc = account.model_dump(mode="json")
        if password is None:
            doc["password"] = secret
        print_json(doc)
        return
    err.print(f"User {account.username} ({account.role}) added to {directory}.")
    if password is None:
        out.print(f"password: {secret}")
        err.print("Shown once: hand it over through a safe channel.")


@user_app.command("list")
def user_list(
    directory: Annotated[Path, typer.Argument(help="The workspace.")],
    json: Annotated[bool, typer.Option("--json", help="Print the accounts as JSON.")] = False,
) -> None:
    """List the users of a workspace."""

    ws = Workspace.open(directory)
    try:
        accounts = list_users(ws)
    finally:
        ws.close()
    if json:
        print_json([a.model_dump(mode="json") for a in accounts])
        return
    print_table(
        "Users",
        ["user", "name", "role", "provider", "sites", "status"],
        [
            [
                a.username,
                a.display_name,
                a.role,
                a.provider or "",
                ", ".join(a.sites),
                "disabled" if a.disabled else "active",
            ]
            for a in accounts
        ],
    )


@user_app.command("disable")
def user_disable(
    directory: Annotated[Path, typer.Argument(help="The workspace.")],
    username: Annotated[str, typer.Argument(help="The user to disable.")],
) -> None:
    """Disable a user: no more logins; its sessions and tokens stop at once."""

    ws = Workspace.open(directory)
    try:
        disable_user(ws, username, actor=_actor())
    finally:
        ws.close()
    err.print(f"User {username} disabled.")


@token_app.command("create")
def token_create(
    directory: Annotated[Path, typer.Argument(help="The workspace.")],
    username: Annotated[str, typer.Argument(help="The user the token acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for (shown in the audit log).")] = "script",
    days: Annotated[
        int | None,
        typer.Option(help="Days until it expires (default: never; disable the user to stop it).", min=1),
    ] = None,
) -> None:
    """Create an API token (printed once, alone on standard output)."""

    if not name.strip():
        raise InputError(field="--name", expected="a name", got="nothing")
    ws = Workspace.open(directory)
    try:
        secret, info = create_token(
            ws,
            username,
            name=name,
            actor=_actor(),
            lifetime=None if days is None else timedelta(days=days),
        )
    finally:
        ws.close()
    out.print(secret, markup=False, highlight=False)
    until = f"until {info.expires_at:%Y-%m-%d}" if info.expires_at else "until the user is disabled"
    err.print(f"Token {info.id} for {username}, {until}. Use it as: Authorization: Bearer <token>")
