"""The tracker's size against its 4 KB budget (minified + gzip), as ARCHITECTURE.md sets it.

Run `bash scripts/build_tracker.sh` first, then `python bench/tracker_size.py`.
"""

import gzip
import sys
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "cityux_analytics/static/cityux_analytics"
SOURCE = STATIC / "tracker.js"
MINIFIED = STATIC / "tracker.min.js"
BUDGET_BYTES = 4096


def main():
    if not MINIFIED.exists():
        sys.exit(f"{MINIFIED} is missing: run `bash scripts/build_tracker.sh`.")
    minified = MINIFIED.read_bytes()
    gzipped = len(gzip.compress(minified, compresslevel=9))
    print(f"tracker.js (source)   {len(SOURCE.read_bytes()):>7,} bytes")
    print(f"tracker.min.js        {len(minified):>7,} bytes")
    print(f"minified + gzip -9    {gzipped:>7,} bytes")
    print(f"ratio to budget       {gzipped / BUDGET_BYTES:>7.2f} (budget {BUDGET_BYTES:,} bytes)")
    if gzipped > BUDGET_BYTES:
        sys.exit("over budget")


if __name__ == "__main__":
    main()
