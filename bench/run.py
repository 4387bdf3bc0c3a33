"""The benchmark: `make bench` (or `python bench/run.py --scale 0.01` for a quick run).

Builds a large database (by default 1,000,000 moves with their night returns, 200,000
experience samples, 20,000 reviews, 40,000 Transfer of Care audits; each record type only
once its module is in the code) and measures each figure beside its baseline. See
bench/README.md.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# This checkout's code, whatever is installed, and the benchmark's own package.
sys.path[:0] = [str(HERE.parent / "src"), str(HERE)]

from casebench.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
