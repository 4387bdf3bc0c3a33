"""The headless core (domain, storage, metrics, io) never imports textual."""

import ast
from pathlib import Path

import casereview

CORE = ["domain", "storage", "metrics", "io"]


def test_core_does_not_import_textual():
    root = Path(casereview.__file__).parent
    offenders = []
    for package in CORE:
        for path in (root / package).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module]
                if any(n == "textual" or n.startswith("textual.") for n in names):
                    offenders.append(str(path.relative_to(root)))
    assert offenders == []
