"""Concurrent browser sessions on one `casereview serve` (part of `make bench`).

Starts the server on a free loopback port with a database of two sites and one auditor
account per session, then opens N sessions at once, each a WebSocket client speaking the
protocol textual-serve's page speaks (so each starts its own casereview process on the
server, as a browser tab does). Every session signs in, opens the night log and types moves
at a person's pace (a key every 80 ms, a move every few seconds). Measured per N:

- memory: the server's process tree (every session's process) as resident set size and as
  proportional set size (shared pages divided among the processes: the fairer cost), before
  and with the N sessions open; per session = (with - before) / N;
- save time: from the Enter that saves a move to the move being in the database, p50 and
  p95 over every move saved by every session while all N were open.

    python bench/serve_load.py [--sessions 1,10,25,50] [--seconds 60] [--out FILE]

Loopback only; each level is bounded in time. Results go to bench/results/serve-load.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "src"), str(HERE.parent)]

PASSWORD = "load-test-password"
KEY_GAP = 0.08  # seconds between keystrokes: a quick typist


def build_database(path: Path, users: int) -> None:
    from casereview.domain.reference import Ward
    from casereview.storage.db import connect
    from casereview.storage.reference import save_site, save_ward
    from casereview.storage.users import add_account, sign_in

    db = connect(path)
    try:
        save_site(db, "NGH", "Northgate General", "bench")
        for code in ("A1", "A2"):
            save_ward(db, Ward(code, f"Ward {code}", "NGH", True), "bench")
        add_account(db, "admin", "admin", PASSWORD, by=None)
        admin = sign_in(db, "admin", PASSWORD)
        for i in range(users):
            add_account(db, f"user{i:02d}", "auditor", PASSWORD, by=admin)
    finally:
        db.conn.close()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tree(root: int) -> list[int]:
    """The process and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo += children.get(pid, [])
    return out


def memory(root: int) -> tuple[float, float, int]:
    """(RSS MB, PSS MB, processes) of the tree."""
    rss = pss = 0
    pids = tree(root)
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            continue
    return rss / 1024, pss / 1024, len(pids)


def moves_by(db_path: Path, user: str) -> int:
    conn = sqlite3.connect(db_path, timeout=30)
    try:
        return conn.execute("SELECT COUNT(*) FROM move WHERE created_by = ?",
                            (user,)).fetchone()[0]
    finally:
        conn.close()


def signed_in(db_path: Path, user: str) -> bool:
    conn = sqlite3.connect(db_path, timeout=30)
    try:
        return conn.execute("SELECT 1 FROM change_log WHERE action = 'sign_in' AND user = ?",
                            (user,)).fetchone() is not None
    finally:
        conn.close()


class Session:
    """One browser tab's worth of the textual-serve protocol."""

    def __init__(self, http, url: str, user: str, db_path: Path) -> None:
        self.http, self.url, self.user, self.db_path = http, url, user, db_path
        self.ws = None
        self.received = 0
        self.tail = ""  # the latest output as text: the screens' words are in it
        self.saves: list[float] = []
        self.ready = asyncio.Event()

    async def open(self) -> None:
        self.ws = await self.http.ws_connect(f"{self.url}ws?width=130&height=42",
                                             max_msg_size=0)
        self.reader = asyncio.create_task(self._read())
        await self.ws.send_json(["resize", {"width": 130, "height": 42}])

    async def _read(self) -> None:
        async for message in self.ws:  # keep the output flowing, as a page does
            data = message.data or b""
            self.received += len(data)
            text = data.decode("utf-8", "ignore") if isinstance(data, bytes) else str(data)
            self.tail = (self.tail + text)[-200_000:]

    async def shows(self, words: str, timeout: float) -> bool:
        """Wait until the screen has drawn ``words`` (since the last ``forget``)."""
        return await self.wait(lambda: words in self.tail, timeout)

    def forget(self) -> None:
        self.tail = ""

    async def type(self, text: str) -> None:
        for ch in text:
            await self.ws.send_json(["stdin", ch])
            await asyncio.sleep(KEY_GAP)

    async def wait(self, condition, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if await asyncio.to_thread(condition):
                return True
            await asyncio.sleep(0.02)
        return False

    async def sign_in_and_open_night_log(self, timeout: float) -> bool:
        # The screens' words are in the terminal output: wait for each screen before typing.
        if not await self.shows("Sign in to casereview", timeout):
            return False
        await asyncio.sleep(0.5)
        self.forget()
        await self.type(self.user + "\r")
        await self.type(PASSWORD + "\r")
        if not await self.wait(lambda: signed_in(self.db_path, self.user), timeout):
            return False
        if not await self.shows("Where to go", timeout):
            return False
        await asyncio.sleep(0.5)
        self.forget()
        await self.type("n")
        if not await self.shows("Authorised by", timeout):
            return False
        await asyncio.sleep(0.5)
        return True

    async def log_moves(self, until: float, number: int) -> None:
        """Type moves (Tab between fields) until ``until``; time each save to the store."""
        minute = number % 50
        while time.monotonic() < until:
            before = await asyncio.to_thread(moves_by, self.db_path, self.user)
            await self.type(f"23:{minute:02d}\ta1\ta2\tcap\t")
            start = time.monotonic()
            await self.ws.send_json(["stdin", "\r"])
            if await self.wait(lambda b=before: moves_by(self.db_path, self.user) > b, 60):
                self.saves.append(time.monotonic() - start)
            await asyncio.sleep(1.0)  # reading the screen before the next move

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        self.reader.cancel()


async def level(url: str, db_path: Path, server_pid: int, n: int, seconds: float,
                offset: int) -> dict:
    import aiohttp

    deadline = time.monotonic() + 60  # the previous level's session processes end first
    while memory(server_pid)[2] > 1 and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    base = memory(server_pid)
    async with aiohttp.ClientSession() as http:
        sessions = [Session(http, url, f"user{offset + i:02d}", db_path) for i in range(n)]
        started = time.monotonic()
        for s in sessions:
            await s.open()
        ok = await asyncio.gather(*(s.sign_in_and_open_night_log(300) for s in sessions))
        opened = time.monotonic() - started
        with_sessions = memory(server_pid)
        until = time.monotonic() + seconds
        await asyncio.gather(*(s.log_moves(until, i) for i, s in enumerate(sessions)
                               if ok[i]))
        during = memory(server_pid)
        for s in sessions:
            await s.close()
    saves = sorted(t for s in sessions for t in s.saves)

    def pct(p: float) -> float | None:
        if not saves:
            return None
        return saves[min(len(saves) - 1, round(p * (len(saves) - 1)))]

    peak_rss = max(with_sessions[0], during[0])
    peak_pss = max(with_sessions[1], during[1])
    return {
        "sessions": n, "signed_in": sum(ok), "open_seconds": round(opened, 1),
        "processes": with_sessions[2], "base_rss_mb": round(base[0], 1),
        "base_pss_mb": round(base[1], 1),
        "rss_mb": round(peak_rss, 1), "pss_mb": round(peak_pss, 1),
        "rss_per_session_mb": round((peak_rss - base[0]) / n, 1),
        "pss_per_session_mb": round((peak_pss - base[1]) / n, 1),
        "saves": len(saves), "save_p50_s": pct(0.5), "save_p95_s": pct(0.95),
        "save_max_s": saves[-1] if saves else None,
        "save_mean_s": statistics.fmean(saves) if saves else None,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sessions", default="1,10,25,50",
                        help="session counts to measure, at most 50 (default 1,10,25,50)")
    parser.add_argument("--seconds", type=float, default=60,
                        help="seconds of typing at each level once all sessions are open")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "serve-load.md")
    args = parser.parse_args(argv)
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so the server is stopped too
    counts = [int(n) for n in args.sessions.split(",")]
    if any(n < 1 or n > 50 for n in counts):
        parser.error("--sessions: each count from 1 to 50")
    with tempfile.TemporaryDirectory(prefix="casereview-serve-") as tmp:
        db_path = Path(tmp) / "load.db"
        build_database(db_path, sum(counts))
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "casereview", "serve", "--db", str(db_path), "--port",
             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=dict(os.environ, PYTHONPATH=str(HERE.parent / "src")))
        try:
            url = f"http://127.0.0.1:{port}/"
            _wait_listening(port)
            results, offset = [], 0
            for n in counts:
                print(f"{n} sessions...", file=sys.stderr, flush=True)
                result = asyncio.run(level(url, db_path, server.pid, n, args.seconds, offset))
                offset += n
                print(json.dumps(result), file=sys.stderr, flush=True)
                results.append(result)
                time.sleep(3)  # the sessions' processes end
        finally:
            stop(server)
    write_report(args.out, results, args.seconds)
    print(args.out.read_text())
    return 0


def stop(server: subprocess.Popen) -> None:
    """The server and every session process it started."""
    import signal

    pids = tree(server.pid)
    server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        pass
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    server.wait()


def _wait_listening(port: int, timeout: float = 60) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise SystemExit("casereview serve did not start listening")


def write_report(path: Path, results: list[dict], seconds: float) -> None:
    def sec(v):
        return "–" if v is None else f"{v:.2f} s"

    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    lines = [
        "# Concurrent browser sessions on one `casereview serve`",
        "",
        f"{os.cpu_count()} processors, {_total_memory_gb():.0f} GB memory; load average at "
        f"the end {load}. Each session: its own casereview process, signed in as its own "
        f"auditor, typing moves in the night log at a key every {KEY_GAP * 1000:.0f} ms for "
        f"{seconds:g} s once all were open.",
        "",
        "| sessions | signed in | server processes | memory RSS | memory PSS | per session "
        "(PSS) | per session (RSS) | moves saved | save p50 | save p95 | slowest |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['sessions']} | {r['signed_in']} | {r['processes']} | {r['rss_mb']:.0f} MB "
            f"| {r['pss_mb']:.0f} MB | {r['pss_per_session_mb']:.0f} MB | "
            f"{r['rss_per_session_mb']:.0f} MB | {r['saves']} | {sec(r['save_p50_s'])} | "
            f"{sec(r['save_p95_s'])} | {sec(r['save_max_s'])} |")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _total_memory_gb() -> float:
    with open("/proc/meminfo") as f:
        return int(f.readline().split()[1]) / 1024 / 1024


if __name__ == "__main__":
    sys.exit(main())
