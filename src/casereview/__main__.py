import sys

from casereview.cli import main

if __name__ == "__main__":  # not when a validating process imports it (io/pipeline.py)
    sys.exit(main())
