"""Tests that need a program from the system (LibreOffice, pdftoppm, Chromium).

On a person's machine without the program such a test is skipped, and the skip says what to
install. CI sets CASEREVIEW_REQUIRE_TOOLS=1 (.ci/run installs them all), which turns the skip
into a failure, so CI always runs these tests.
"""

from __future__ import annotations

import os
import shutil

import pytest

# program -> the Debian package that provides it
PACKAGES = {
    "soffice": "libreoffice-calc",
    "libreoffice": "libreoffice-calc",
    "pdftoppm": "poppler-utils",
    "chromium": "chromium",
    "chromedriver": "chromium-driver",
}


def require_tool(program: str) -> str:
    """The program's path; skip (or, in CI, fail) when it is not installed."""
    path = shutil.which(program)
    if path:
        return path
    package = PACKAGES.get(program, program)
    message = f"{program} is not installed (apt-get install {package})"
    if os.environ.get("CASEREVIEW_REQUIRE_TOOLS") == "1":
        pytest.fail(message + "; CASEREVIEW_REQUIRE_TOOLS=1 needs it", pytrace=False)
    pytest.skip(message)
    raise AssertionError("unreachable")
