"""What element names cost the collect endpoint's validation: a batch of 20 clicks with and
without the tracker's `role`, `name`, `ctx` and `ctxr` fields, parsed by `parse_batch` (the
work the endpoint does on the request thread), in one process. Prints µs per batch and the ratio.

    python bench/collect_names.py [--batches 20000]

bench/collect.py measures the whole endpoint (its sample batch carries names) against a bare
Django view; this isolates the fields' own share.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cityux_analytics.schema import parse_batch  # noqa: E402

NAMES = {"role": "button", "name": "Submit report", "ctx": "Report a pothole", "ctxr": "form"}


def batch(named):
    t0 = 1_790_000_000_000
    events = [{"t": "view", "ts": t0, "vid": 0, "url": "/public-works/", "ref": ""}]
    for i in range(20):
        click = {"t": "click", "ts": t0 + 400 * i, "vid": 0, "x": 100 + i, "y": 300,
                 "sel": "#submit", "tag": "button", "int": True, "kind": "", "re": "mutation",
                 "rms": 35}  # fmt: skip
        events.append({**click, **NAMES} if named else click)
    return json.dumps({"v": 1, "sid": "b" * 20, "seq": 0, "events": events}).encode()


def microseconds_per_batch(body, batches):
    start = time.perf_counter()
    for _ in range(batches):
        parse_batch(body).events  # noqa: B018 (the dicts ingest gets are built too)
    return (time.perf_counter() - start) / batches * 1e6


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    plain, named = batch(False), batch(True)
    times = {"plain": [], "named": []}
    for _ in range(args.rounds):  # alternated, so machine load hits both alike
        times["plain"].append(microseconds_per_batch(plain, args.batches))
        times["named"].append(microseconds_per_batch(named, args.batches))
    plain_us, named_us = (statistics.median(times[key]) for key in ("plain", "named"))
    print(f"batch of 20 clicks, {len(plain):,} bytes without names, {len(named):,} with")
    print(f"parse without names   {plain_us:>8.1f} µs per batch")
    print(f"parse with names      {named_us:>8.1f} µs per batch")
    print(f"ratio with / without  {named_us / plain_us:>8.2f}")


if __name__ == "__main__":
    main()
