"""The web app under load: `arbitre serve` on loopback, the demo workspace, 20 users at once.

    arbitre demo --no-serve --dir DEMO          # the demo workspace and its accounts, once
    python -m benchmarks.web_load DEMO [--users 20] [--requests 30] [--think-ms 0] [--workers 1]

What a user runs is measured whole: the command `arbitre serve DEMO` in its own process, reached
over HTTP on 127.0.0.1 like a browser would (a keep-alive connection and a session cookie per
user, each logged in through the login form). Each user asks, one after the other without pause
(``--think-ms 0``: the worst case, every user always waiting), the decision page and the governance
dashboard of the demo's last month; the peer in the same run is ``/api/health``, the cheapest
route, under the same load — what the server and the loopback cost alone. First the cold reads:
the first view of each page after the server started (it reads the documents and draws the
charts, then keeps them). Then, once the server's warm-up is over (its CPU idle: `settle`), the
load: its p50, p95 and max per page, the throughput, the CPU a request of the server and of this
load generator (both share the machine's cores), and the server's peak resident memory
(``VmHWM``). The result goes to ``benchmarks/results/web-load.json``;
the exit status is 1 when a page's p95 is over 300 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2 as httpx

from arbitre.services.demo_accounts import read_demo_accounts
from arbitre.store.workspace import Workspace

TARGET_P95_MS = 300.0
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
RESULTS = Path(__file__).resolve().parent / "results"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(workspace: Path, port: int, *, workers: int = 1) -> subprocess.Popen[bytes]:
    """`arbitre serve WORKSPACE [--workers N]` in its own process, once it answers its health check."""
    arbitre = Path(sys.executable).with_name("arbitre")  # the command of the environment running this
    command = [str(arbitre), "serve", str(workspace), "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the server did not start: " + (server.stderr.read().decode() if server.stderr else ""))


def log_in(base: str, slug: str, username: str, password: str) -> httpx.Client:
    """A user's keep-alive connection with its session, logged in through the login form."""
    client = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
    form = client.get(f"/login?w={slug}")
    token = CSRF.search(form.text)
    data = {"workspace": slug, "username": username, "password": password}
    if token:
        data["csrf_token"] = token.group(1)
    answer = client.post("/login", data=data)
    if answer.status_code != 303:
        raise SystemExit(f"{username} could not log in: {answer.status_code}")
    return client


def processes(pid: int) -> list[int]:
    """The server's process and its descendants (``--workers``: one process per worker)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        found.append(todo.pop())
        todo.extend(children.get(found[-1], []))
    return found


def peak_mib(pid: int) -> float | None:
    """The resident high-water marks (Linux ``VmHWM``) of the server's processes added up, in MiB."""
    total = 0
    try:
        for each in processes(pid):
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
    except OSError:
        return None
    return total / 1024 if total else None


def cpu_s(pid: int) -> float | None:
    """The CPU time the server's processes have used (user and system, Linux ``/proc/PID/stat``),
    in seconds."""
    total = 0
    try:
        for each in processes(pid):
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    except OSError:
        return None
    return total / os.sysconf("SC_CLK_TCK")


def settle(pid: int, *, quiet_s: float = 1.0, timeout_s: float = 120.0) -> float:
    """Wait until the server has used almost no CPU (under 2 %) for ``quiet_s``: its warm-up (the
    charts of the decision and of every refereed month, drawn in both languages in a background
    thread, 1–3 s of CPU on the demo) over, so that the load measures the pages and not the
    warm-up. The seconds waited."""
    started = last_t = time.monotonic()
    last_cpu = cpu_s(pid)
    quiet_since = last_t
    while last_cpu is not None and time.monotonic() - started < timeout_s:
        time.sleep(0.25)
        now, cpu = time.monotonic(), cpu_s(pid)
        if cpu is None:
            break
        if cpu - last_cpu > 0.02 * (now - last_t):
            quiet_since = now
        elif now - quiet_since >= quiet_s:
            break
        last_t, last_cpu = now, cpu
    return time.monotonic() - started


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(
    workspace: Path, *, users: int, requests: int, think_ms: float, workers: int = 1
) -> dict[str, object]:
    ws = Workspace.open(workspace)
    try:
        accounts = {a.username: a for a in read_demo_accounts(ws)}
        slug = re.sub(r"[^a-z0-9]+", "-", workspace.name.lower()).strip("-")
    finally:
        ws.close()
    month = "2026-06"
    pages = {
        "decision": f"/w/{slug}/decision",
        "governance": f"/w/{slug}/governance/callmada-2026/{month}",
        "health (peer)": "/api/health",
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    server = start_server(workspace, port, workers=workers)
    startup_s = time.perf_counter() - started
    try:
        first = log_in(base, slug, "direction", accounts["direction"].password)
        cold: dict[str, float] = {}
        for name, path in pages.items():
            t0 = time.perf_counter()
            answer = first.get(path)
            cold[name] = (time.perf_counter() - t0) * 1000
            if answer.status_code != 200:
                raise SystemExit(f"{path}: {answer.status_code}")
        # The client's three accounts read the decision; all four the dashboard (the provider too).
        names = ["direction", "analyste", "auditeur"]
        sessions = [log_in(base, slug, names[i % 3], accounts[names[i % 3]].password) for i in range(users)]
        settled_s = settle(server.pid)
        timings: dict[str, list[float]] = {name: [] for name in pages}
        errors: list[str] = []
        lock = threading.Lock()
        gate = threading.Barrier(users)

        def user(i: int) -> None:
            client = sessions[i]
            gate.wait()
            order = list(pages.items())
            for n in range(requests):
                name, path = order[(i + n) % len(order)]
                t0 = time.perf_counter()
                answer = client.get(path)
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    (timings[name] if answer.status_code == 200 else []).append(ms)
                    if answer.status_code != 200:
                        errors.append(f"{path}: {answer.status_code}")
                if think_ms:
                    time.sleep(think_ms / 1000)

        threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
        cpu_before = cpu_s(server.pid)
        own_before = time.process_time()
        t0 = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall_s = time.perf_counter() - t0
        cpu_after = cpu_s(server.pid)
        own_cpu_s = time.process_time() - own_before
        memory = peak_mib(server.pid)
        for client in [first, *sessions]:
            client.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stderr is not None:
            server.stderr.close()
    done = sum(len(v) for v in timings.values())
    return {
        "workspace": workspace.name,
        "users": users,
        "requests_per_user": requests,
        "think_ms": think_ms,
        "workers": workers,
        "cpus": os.cpu_count(),
        "server_startup_s": round(startup_s, 2),
        "cold_ms": {k: round(v, 1) for k, v in cold.items()},
        "settled_s": round(settled_s, 1),
        "pages": {
            name: {
                "requests": len(values),
                "p50_ms": round(statistics.median(values), 1),
                "p95_ms": round(percentile(values, 0.95), 1),
                "max_ms": round(max(values), 1),
            }
            for name, values in timings.items()
            if values
        },
        "throughput_per_s": round(done / wall_s, 1),
        # The server's own CPU per request under the load (every route together): what the page
        # costs whatever else the machine runs (wall times above also wait for other processes).
        "server_cpu_ms_per_request": None
        if cpu_before is None or cpu_after is None
        else round((cpu_after - cpu_before) * 1000 / max(done, 1), 1),
        # The load generator's own CPU a request: 20 client threads on the same 2 cores.
        "client_cpu_ms_per_request": round(own_cpu_s * 1000 / max(done, 1), 1),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "errors": errors[:10],
        "server_peak_mib": None if memory is None else round(memory, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("workspace", type=Path, help="the demo workspace (arbitre demo --no-serve --dir …)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--requests", type=int, default=30, help="requests per user (bounded load)")
    parser.add_argument("--think-ms", type=float, default=0.0, help="pause of a user between requests")
    parser.add_argument("--workers", type=int, default=1, help="server processes (arbitre serve --workers)")
    args = parser.parse_args(argv)
    if not (1 <= args.users <= 200 and 1 <= args.requests <= 1000 and 1 <= args.workers <= 16):
        parser.error("--users 1–200, --requests 1–1000, --workers 1–16")
    result = run(
        args.workspace.resolve(),
        users=args.users,
        requests=args.requests,
        think_ms=args.think_ms,
        workers=args.workers,
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "web-load.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(
        f"{result['users']} users × {result['requests_per_user']} requests, think {result['think_ms']} ms, "
        f"{result['workers']} server process(es)"
    )
    print(
        f"server start {result['server_startup_s']} s; cold first views (ms): {result['cold_ms']}; "
        f"its warm-up over {result['settled_s']} s later"
    )
    print(f"{'page':<16}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    pages: dict[str, dict[str, float]] = result["pages"]  # type: ignore[assignment]
    for name, p in pages.items():
        print(f"{name:<16}{p['requests']:>9.0f}{p['p50_ms']:>9.1f}{p['p95_ms']:>9.1f}{p['max_ms']:>9.1f}")
    print(
        f"throughput {result['throughput_per_s']}/s, server CPU {result['server_cpu_ms_per_request']} ms "
        f"a request (load generator {result['client_cpu_ms_per_request']} ms), peak {result['server_peak_mib']} MiB; load average {result['load_average']}"
    )
    if result["errors"]:
        print("errors:", result["errors"])
        return 1
    slow = [n for n in ("decision", "governance") if pages[n]["p95_ms"] > TARGET_P95_MS]
    if slow:
        print(f"p95 over {TARGET_P95_MS:.0f} ms: {', '.join(slow)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
