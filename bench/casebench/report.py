"""The results: a table on the terminal, and JSON and Markdown under bench/results/."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from casebench.figures import Figure


def machine() -> dict:
    """What the numbers were measured on (they mean little without it)."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    try:
        sqlite_cli = subprocess.run(["sqlite3", "--version"], capture_output=True,
                                    text=True).stdout.split()[0]
    except (OSError, IndexError):
        sqlite_cli = None
    import textual

    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory": memory,
        "os": platform.platform(), "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version, "sqlite_cli": sqlite_cli,
        "textual": textual.__version__,
    }


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value:.2f} s"
    if unit in ("ms", "us"):
        return f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"
    return f"{value:.0f} {unit}"


def _met(figure: Figure) -> str:
    if figure.met is None:
        return "" if figure.target is None else "?"
    return "yes" if figure.met else "NO"


def rows(figures: list[Figure]) -> list[list[str]]:
    out = []
    for f in figures:
        ratio = f"{f.ratio:.2f}x" if f.ratio is not None else ""
        out.append([f.title, _number(f.value, f.unit),
                    _number(f.baseline, f.unit) if f.baseline is not None else "",
                    ratio, f.target or "", _met(f)])
    return out


HEADER = ["figure", "value", "baseline", "ratio", "target", "met"]


def table(figures: list[Figure]) -> str:
    body = rows(figures)
    widths = [max(len(r[i]) for r in [HEADER, *body]) for i in range(len(HEADER))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(HEADER, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in body]
    return "\n".join(lines)


def markdown(figures: list[Figure], info: dict) -> str:
    m = info["machine"]
    lines = [
        f"# casereview benchmark, scale {info['scale']:g}",
        "",
        f"Run {info['finished']} on {m['cpu']} ({m['cores']} cores, {m['memory']} RAM), "
        f"{m['os']}; Python {m['python']}, SQLite {m['sqlite']} (CLI {m['sqlite_cli']}), "
        f"Textual {m['textual']}. Load average {info['load_before']} before, "
        f"{info['load_after']} after. Took {info['seconds'] / 60:.1f} minutes.",
        "",
        ("Large database: " + ", ".join(f"{v:,} {k}" for k, v in info["large_rows"].items())
         + f" ({info['large_mb']:.0f} MB). Week-only database: the week "
         f"{info['week'][0]} to {info['week'][1]}: "
         + ", ".join(f"{v:,} {k}" for k, v in info["week_rows"].items()) + ".")
        if info["large_rows"] else "Import figures only: no large database was built.",
    ]
    if info.get("build_timings"):
        lines += ["", "Building it, the other record types went through their import KINDs at: "
                  + "; ".join(f"{k} {v['rows']:,} rows in {v['seconds']:.1f} s "
                              f"({v['seconds'] / max(v['rows'], 1) * 1e6:.0f} us/row)"
                              for k, v in info["build_timings"].items()) + "."]
    lines += [
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "|".join("---" for _ in HEADER) + "|",
    ]
    lines += ["| " + " | ".join(r) + " |" for r in rows(figures)]
    notes = [f"- **{f.title.strip()}**: {f.note}" for f in figures if f.note]
    if notes:
        lines += ["", "Notes:", "", *notes]
    if info.get("skipped"):
        lines += ["", "Sections not measured (their module is not in this code yet): "
                  + ", ".join(info["skipped"]) + "."]
    return "\n".join(lines) + "\n"


def write(results: Path, figures: list[Figure], info: dict) -> tuple[Path, Path]:
    results.mkdir(parents=True, exist_ok=True)
    stem = f"scale-{info['scale']:g}"
    if info.get("only"):
        # A run of some figures (--only) keeps the last full run's results beside it:
        # import-scale-1, coldstart-screens-keys-scale-1...
        stem = f"{'-'.join(info['figures_run'])}-{stem}"
    json_path = results / f"{stem}.json"
    md_path = results / f"{stem}.md"
    json_path.write_text(json.dumps({"info": info, "figures": [f.as_dict() for f in figures]},
                                    indent=2, default=str) + "\n")
    md_path.write_text(markdown(figures, info))
    return json_path, md_path


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
