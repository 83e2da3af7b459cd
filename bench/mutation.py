"""Mutation score of each critical module, one module at a time, into bench/MUTATION.md.

    python bench/mutation.py                       # every critical module (long: an hour or more)
    python bench/mutation.py cityux/consent.py     # only these, the others' rows kept
    python bench/mutation.py --table               # only rewrite MUTATION.md from saved results

Each module is scored by `scripts/mutants.py --operators MODULE` (its relevant tests only; see
that script for the operators and scripts/mutants_equivalent.txt for the equivalents); the
result is saved in bench/mutation/MODULE.json and the table in bench/MUTATION.md lists every
saved module: killed / total, score, equivalents and the surviving mutants. Not part of
`make test`: `make mutation` runs it.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "mutation"
TABLE = ROOT / "bench" / "MUTATION.md"
sys.path.insert(0, str(ROOT / "scripts"))

from mutants import CRITICAL_TESTS  # noqa: E402


def result_file(module):
    return RESULTS / (module.replace("/", ".") + ".json")


def write_table():
    rows = [json.loads(path.read_text()) for path in sorted(RESULTS.glob("*.json"))]
    lines = [
        "# Mutation score of the critical modules",
        "",
        "Written by `python bench/mutation.py` (operators: scripts/mutation_operators.py;",
        "equivalent mutants, each with its reason: scripts/mutants_equivalent.txt). SQLite, the",
        "module's relevant tests only (scripts/mutants.py, CRITICAL_TESTS).",
        "",
        "| Module | Killed / total | Score | Equivalent | Survivors |",
        "|---|---|---|---|---|",
    ]
    for row in rows:
        score = 100 * row["killed"] / max(row["total"], 1)
        survivors = "<br>".join(s.split(": ", 1)[1].replace("|", "\\|") for s in row["survivors"])
        lines.append(
            f"| `{row['module']}` | {row['killed']} / {row['total']} | {score:.1f} % "
            f"| {row['equivalent']} | {survivors or 'none'} |"
        )
    notes = RESULTS / "NOTES.md"  # what changed since a module's last run, by hand
    if notes.exists():
        lines += ["", notes.read_text().rstrip()]
    TABLE.write_text("\n".join(lines) + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help="critical modules (default: all)")
    parser.add_argument("--table", action="store_true", help="only rewrite the table")
    args = parser.parse_args(argv)
    unknown = set(args.modules) - set(CRITICAL_TESTS)
    if unknown:
        parser.error(f"not critical modules: {', '.join(sorted(unknown))}")
    RESULTS.mkdir(exist_ok=True)
    status = 0
    for module in [] if args.table else args.modules or sorted(CRITICAL_TESTS):
        print(f"== {module}", flush=True)
        command = [sys.executable, "scripts/mutants.py", "--operators", module]
        command += ["--report", str(result_file(module))]
        status |= subprocess.run(command, cwd=ROOT).returncode
    write_table()
    print(TABLE.read_text())
    return status


if __name__ == "__main__":
    sys.exit(main())
