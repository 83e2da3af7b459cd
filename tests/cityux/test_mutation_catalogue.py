"""The list of equivalent mutants stays true to the code (issue 19).

bench/mutation.py does not run a mutant listed in scripts/mutants_equivalent.txt. A row whose
line or change no longer exists in its module would silently stop matching anything, and a
row matching two mutants would hide one that a test must kill: both are refused here.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

import mutants  # noqa: E402
from mutation_operators import operators  # noqa: E402


def matching(path, line, change):
    source = (ROOT / path).read_text()
    lines = source.splitlines()
    key = (path, line, change)
    return [
        op
        for op in operators(source)
        if key in mutants.equivalent_keys(path, lines[op.line - 1].strip(), op)
    ]


def test_every_equivalent_mutant_names_exactly_one_mutant_of_the_code():
    rows = mutants.equivalent_mutants()
    assert len(rows) > 30
    for path, line, change in sorted(rows):
        assert path in mutants.CRITICAL_TESTS, path
        found = matching(path, line, change)
        assert len(found) == 1, (path, line, change, [(op.line, op.column) for op in found])


def test_a_line_with_two_alike_mutants_needs_the_column():
    path = "cityux_analytics/event_frame.py"
    line = "return pd.factorize(left * (right.max(initial=0) + 1) + right)[0]"

    assert len(matching(path, line, "+ -> -")) == 2
    assert len(matching(path, line, "+ -> - @24")) == 1
