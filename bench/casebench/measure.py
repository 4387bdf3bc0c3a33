"""Timing and process helpers: medians, percentiles, a program timed in a terminal."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from statistics import median

HERE = Path(__file__).resolve().parent
BENCH_DIR = HERE.parent
REPO = BENCH_DIR.parent
SRC = REPO / "src"


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a harness process: this checkout's code first, no .pyc writes
    (every run reads the same compiled files), a real terminal type."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), str(BENCH_DIR),
                                         env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.setdefault("TERM", "xterm-256color")
    env.update(extra)
    return env


def compile_code() -> None:
    """Write the bytecode of the code under test (and of the bench's harness), as installing
    a package does: a figure that starts the app must not count compiling its source, which
    happens on every start where no .pyc may be written (PYTHONDONTWRITEBYTECODE, as on
    some machines the bench runs on)."""
    import compileall

    for folder in (SRC, BENCH_DIR / "casebench"):
        compileall.compile_dir(str(folder), quiet=1)


def python() -> str:
    return sys.executable


def p95(values: Sequence[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    rank = max(1, -(-95 * len(ordered) // 100))  # ceil(0.95 n)
    return ordered[rank - 1]


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median_of(fn: Callable[[], object], runs: int, warmup: int = 1) -> tuple[float, list[float]]:
    for _ in range(warmup):
        fn()
    times = [timed(fn) for _ in range(runs)]
    return median(times), times


def run_in_terminal(argv: list[str], env: dict[str, str], *, columns: int = 130,
                    lines: int = 40, timeout: float = 120.0) -> tuple[float, int, bytes]:
    """Run ``argv`` attached to a new pseudo-terminal of the given size, drain what it
    draws, and return (wall seconds from start to exit, exit status, output)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    env = dict(env, COLUMNS=str(columns), LINES=str(lines))
    output = bytearray()
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                            close_fds=True, start_new_session=True)
    os.close(slave)
    deadline = start + timeout
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if chunk:
                    output += chunk
                    continue
            if proc.poll() is not None:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                raise TimeoutError(f"{' '.join(argv)} did not finish in {timeout:.0f} s")
        elapsed = time.perf_counter() - start
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    return elapsed, proc.returncode, bytes(output)


def run_quiet(argv: list[str], env: dict[str, str] | None = None,
              timeout: float | None = None) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout)
    return time.perf_counter() - start, done
