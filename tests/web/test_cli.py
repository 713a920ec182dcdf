"""`arbitre user add|list|disable`, `arbitre token create`, and `arbitre serve`'s settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arbitre.cli.app import build
from arbitre.errors import InputError
from arbitre.services.accounts import authenticate, token_account
from arbitre.store.workspace import Workspace
from arbitre.web.settings import build_settings

runner = CliRunner()


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(build(["serve"]), list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_users_are_added_listed_and_disabled_from_the_command_line(workspace: Workspace) -> None:
    root = str(workspace.root)
    code, out, _ = run("user", "add", root, "claire", "--role", "admin", "--name", "Claire Dupont", "--json")
    assert code == 0
    added = json.loads(out)
    assert added["role"] == "admin" and len(added["password"]) >= 20
    assert authenticate(workspace, "claire", added["password"]) is not None
    code, _, _ = run(
        "user",
        "add",
        root,
        "mada",
        "--role",
        "provider",
        "--site",
        "callmada:tana",
        "--password-stdin",
        input="a long enough secret\n",
    )
    assert code == 0 and authenticate(workspace, "mada", "a long enough secret") is not None
    code, out, _ = run("user", "list", root, "--json")
    assert [(u["username"], u["sites"]) for u in json.loads(out)] == [
        ("claire", []),
        ("mada", ["callmada:tana"]),
    ]
    code, out, _ = run("token", "create", root, "mada", "--name", "nightly upload", "--days", "30")
    assert code == 0
    token = out.strip()
    assert token.startswith("arb_") and token_account(workspace, token) is not None
    assert run("user", "disable", root, "mada")[0] == 0
    assert token_account(workspace, token) is None


@pytest.mark.parametrize(
    "args",
    [
        ["user", "add", "{ws}", "Bad Name", "--role", "admin"],
        ["user", "add", "{ws}", "bob", "--role", "emperor"],
        ["user", "add", "{ws}", "bob", "--role", "provider"],
        ["user", "disable", "{ws}", "nobody"],
        ["token", "create", "{ws}", "nobody"],
    ],
)
def test_a_bad_account_command_is_one_line_and_exit_1(workspace: Workspace, args: list[str]) -> None:
    code, out, err = run(*[a.replace("{ws}", str(workspace.root)) for a in args])
    assert code == 1 and out == ""
    assert err.startswith("arbitre: error:") and err.count("\n") == 1


def test_the_servers_settings_come_from_its_options_then_the_environment(tmp_path: Path) -> None:
    settings = build_settings(
        [tmp_path], port=8123, env={"ARBITRE_WEB_MAX_IMPORT_MB": "50", "ARBITRE_WEB_SECURE_COOKIES": "true"}
    )
    assert (settings.port, settings.max_import_mb, settings.secure_cookies) == (8123, 50, True)
    assert settings.max_body_bytes == 51 << 20
    with pytest.raises(InputError, match="ARBITRE_WEB_MAX_IMPORT_MB"):
        build_settings([tmp_path], env={"ARBITRE_WEB_MAX_IMPORT_MB": "lots"})
    with pytest.raises(InputError):
        build_settings([], env={})


def test_the_demo_accounts_are_one_per_role_with_passwords_made_for_the_workspace(
    workspace: Workspace,
) -> None:
    from arbitre.services.demo_accounts import create_demo_accounts

    made = create_demo_accounts(workspace)
    assert [(a.username, a.role) for a in made] == [
        ("direction", "admin"),
        ("analyste", "analyst"),
        ("callmada", "provider"),
        ("auditeur", "auditor"),
    ]
    for a in made:
        account = authenticate(workspace, a.username, a.password)
        assert account is not None and account.role == a.role
    assert authenticate(workspace, "callmada", made[2].password).sites == ["callmada:tana"]  # type: ignore[union-attr]
    kept = workspace.root / ".secret" / "demo-accounts.txt"
    assert oct(kept.stat().st_mode & 0o777) == "0o600"
    assert create_demo_accounts(workspace) == made  # a second call finds them
    other = Workspace.init(workspace.root.parent / "other", name="Other")
    assert create_demo_accounts(other)[0].password != made[0].password
    other.close()


def test_arbitre_serve_serves_the_workspace_until_interrupted(workspace: Workspace) -> None:
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "arbitre.cli.app", "serve", str(workspace.root), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as answer:
                    assert json.loads(answer.read()) == {"status": "ok", "version": "0.1.0"}
                    break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, (
                    server.stderr.read() if server.stderr else ""
                )
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as answer:
            assert answer.headers["Server"] is None  # the server does not name itself
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=20)
    assert f"http://localhost:{port}/login?w=ws" in out
    assert "No account yet" in err
