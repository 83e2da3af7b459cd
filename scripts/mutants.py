"""Named mutants: break the critical code in known, plausible ways and check a test notices.

Each `Mutant` is one small edit of one file (an exact text replaced by another) and the tests
that must fail with it. The script applies the mutants one at a time, runs their tests, puts
the file back byte for byte (also on Ctrl-C), and prints which were killed and which survived.
A survivor is a gap in the tests; a mutant whose text is gone from the code is "stale" (the
code changed: update the mutant).

This is a catalogue of the mutants issue 19 found surviving, kept so they stay killed. With
`--operators MODULE` it also generates the simplest mutants of a critical module (each
comparison, `and` / `or` and `True` / `False` swapped, one at a time), runs the module's tests
listed in `CRITICAL_TESTS` against each, and prints the module's score and its survivors; the
mutants listed in mutants_equivalent.txt (with the reason they change nothing) are not counted.
A rough, dependency-free stand-in for mutmut or cosmic-ray, which mutate far more.

    python scripts/mutants.py                  # every mutant but the browser ones
    python scripts/mutants.py --browser        # with the browser ones (slow: about 40 s each)
    python scripts/mutants.py consent-version  # only the named ones
    python scripts/mutants.py --list
    python scripts/mutants.py --operators cityux/consent.py   # generated mutants, scored

Run it from the repository root, with the test environment of `make test` (PYTHONPATH,
CELERY_BROKER_URL for the Redis tests, DATABASE_URL for PostgreSQL). Exit status 1 if any
mutant survived or is stale. Not part of `make test`: run `make mutants` after changing one of
the modules below.
"""

import argparse
import io
import subprocess
import sys
import time
import tokenize
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GAPS = "tests/cityux_analytics/test_mutation_gaps.py"
REPLAY_JS = "cityux_analytics/static/cityux_analytics/replay.js"
MASKING = "tests/e2e/test_replay_masking.py"


@dataclass(frozen=True)
class Mutant:
    name: str
    path: str
    original: str
    mutated: str
    tests: tuple[str, ...]
    browser: bool = False


MUTANTS = (
    Mutant(
        "thrash-direction-changes-bound",
        "cityux_analytics/detectors.py",
        '"direction_changes", moves) >= thresholds',
        '"direction_changes", moves) > thresholds',
        (f"{GAPS}::test_two_windows_of_exactly_six_direction_changes_are_mouse_thrash",),
    ),
    Mutant(
        "thrash-distance-bound",
        "cityux_analytics/detectors.py",
        '"distance", moves) >= thresholds',
        '"distance", moves) > thresholds',
        (f"{GAPS}::test_two_windows_of_exactly_400_px_of_travel_are_mouse_thrash",),
    ),
    Mutant(
        "replay-any-page-view-grants",
        "cityux_analytics/replay/sessions.py",
        "PageView.objects.filter(session=session, department_id__in=ids).exists()",
        "PageView.objects.filter(session=session).exists()",
        (f"{GAPS}::test_a_lead_gets_403_on_a_replay_that_only_viewed_another_departments_pages",),
    ),
    Mutant(
        "post-without-department-for-everyone",
        "cityux_social/decisions.py",
        "    if post.department_id is None:\n        return sees_every_department(user)",
        "    if post.department_id is None:\n        return True",
        ("tests/cityux_social/test_department_less_posts.py",),
    ),
    Mutant(
        "consent-version-ignored",
        "cityux/consent.py",
        "return current is not None and accepted >= current",
        "return current is not None",
        ("tests/cityux/test_consent_versions.py",),
    ),
    Mutant(
        "declined-cookie-deleted-without-its-domain",
        "cityux/consent.py",
        "cookie.domain or None",
        "cookie.domain and None",
        ("tests/cityux/test_consent_cookie_deletion.py",),
    ),
    Mutant(
        "no-origin-no-referer-accepted",
        "cityux_analytics/views/collect.py",
        "    if not claimed:\n        return False",
        "    if not claimed:\n        return True",
        (GAPS + "::test_collect_needs_an_origin_or_a_referer_of_this_site",),
    ),
    Mutant(
        "referer-fallback-dropped",
        "cityux_analytics/views/collect.py",
        'request.META.get("HTTP_ORIGIN") or request.META.get("HTTP_REFERER")',
        'request.META.get("HTTP_ORIGIN")',
        (GAPS + "::test_collect_needs_an_origin_or_a_referer_of_this_site",),
    ),
    Mutant(
        "collect-ip-limit-dropped",
        "cityux_analytics/views/collect.py",
        '        ("ip", request.META.get("REMOTE_ADDR", ""), limits["ip"]),\n',
        "",
        (GAPS + "::test_one_address_sending_new_session_ids_gets_429_at_the_address_limit",),
    ),
    Mutant(
        "classifier-held-out-rows-learnt",
        "cityux_social/classifier/selection.py",
        "                train_rows = np.concatenate([rows[train], always])",
        "                train_rows = np.concatenate([rows, always])",
        ("tests/cityux_social/test_classifier_holdout.py",),
    ),
    Mutant(
        "classifier-selection-ignores-the-scores",
        "cityux_social/classifier/selection.py",
        "    kind = max(candidates, key=lambda name: "
        '(candidates[name]["macro_f1"], name == "baseline"))',
        '    kind = "seeded"',
        ("tests/cityux_social/test_classifier_selection.py",),
    ),
    Mutant(
        "replay-phone-numbers-kept",
        REPLAY_JS,
        '      .replace(PHONE_LIKE, (run) =>\n        run.replace(/\\D/g, "").length >= 7'
        " && !ISO_DATE.test(run) ? maskAll(run) : run,\n      );",
        "      ;",
        (f"{MASKING}::test_phone_numbers_and_the_query_string_never_reach_the_recording",),
        browser=True,
    ),
    Mutant(
        "replay-address-with-query",
        REPLAY_JS,
        "data.href = scrub(location.origin + location.pathname);",
        "data.href = scrub(location.href);",
        (f"{MASKING}::test_phone_numbers_and_the_query_string_never_reach_the_recording",),
        browser=True,
    ),
    Mutant(
        "replay-links-with-query",
        REPLAY_JS,
        'scrub(name === "href" ? withoutQuery(value) : value)',
        "scrub(value)",
        (f"{MASKING}::test_phone_numbers_and_the_query_string_never_reach_the_recording",),
        browser=True,
    ),
    Mutant(
        "replay-hidden-input-values-kept",
        REPLAY_JS,
        "aria-valuetext|href|value)$/",
        "aria-valuetext|href)$/",
        (f"{MASKING}::test_hidden_inputs_are_recorded_without_their_values",),
        browser=True,
    ),
)


# The tests that guard each critical module, for --operators.
CRITICAL_TESTS = {
    "cityux/consent.py": (
        "tests/cityux/test_consent.py",
        "tests/cityux/test_consent_versions.py",
        "tests/cityux/test_consent_cookie_deletion.py",
    ),
    "cityux/access.py": ("tests/cityux/test_access.py", "tests/cityux/test_access_edges.py"),
    "cityux_analytics/privacy.py": (
        "tests/cityux_analytics/test_schema_and_privacy.py",
        "tests/cityux_analytics/test_privacy_edges.py",
    ),
    "cityux_analytics/views/collect.py": ("tests/cityux_analytics/test_collect.py", GAPS),
    "cityux_analytics/detectors.py": ("tests/cityux_analytics/test_detectors.py", GAPS),
    "cityux_analytics/replay/sessions.py": ("tests/cityux_analytics/test_replay.py", GAPS),
    "cityux_social/decisions.py": (
        "tests/cityux_social/test_decisions.py",
        "tests/cityux_social/test_department_less_posts.py",
        "tests/cityux_social/test_decisions_edges.py",
    ),
    "cityux_social/classifier/selection.py": (
        "tests/cityux_social/test_classifier.py",
        "tests/cityux_social/test_classifier_holdout.py",
        "tests/cityux_social/test_classifier_selection.py",
    ),
}

EQUIVALENT = ROOT / "scripts" / "mutants_equivalent.txt"
SWAPS = {
    ">=": ">", ">": ">=", "<=": "<", "<": "<=", "==": "!=", "!=": "==",
    "and": "or", "or": "and", "True": "False", "False": "True",
}  # fmt: skip


def operator_mutants(path):
    """(line, column, token, replacement) for each swappable token of the module at `path`."""
    source = (ROOT / path).read_text()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type in (tokenize.OP, tokenize.NAME) and token.string in SWAPS:
            yield (*token.start, token.string, SWAPS[token.string])


def equivalent_mutants():
    """{(module, stripped line, "token -> replacement")} read from mutants_equivalent.txt."""
    known = set()
    for row in EQUIVALENT.read_text().splitlines():
        if row.strip() and not row.startswith("#"):
            module, line, swap, _why = (part.strip() for part in row.split(" | ", 3))
            known.add((module, line, swap))
    return known


def score_module(path):
    """Run every operator mutant of `path` against its tests; print the score and survivors."""
    tests = CRITICAL_TESTS[path]
    if run_tests(tests) != 0:
        print(f"The tests of {path} fail without any mutant; fix them first.")
        return 1
    survivors, total, equivalent = [], 0, equivalent_mutants()
    original = (ROOT / path).read_bytes()
    lines = original.decode().splitlines(keepends=True)
    for line, column, token, replacement in operator_mutants(path):
        text = lines[line - 1]
        if (path, text.strip(), f"{token} -> {replacement}") in equivalent:
            print(f"{'same':9} {path}:{line}:{column} {token} -> {replacement} (equivalent)")
            continue
        total += 1
        mutated = list(lines)
        mutated[line - 1] = text[:column] + replacement + text[column + len(token) :]
        try:
            (ROOT / path).write_text("".join(mutated))
            status = run_tests(tests)
        finally:
            (ROOT / path).write_bytes(original)
        outcome = {0: "survived", 1: "killed"}.get(status, "error")
        print(f"{outcome:9} {path}:{line}:{column} {token} -> {replacement}", flush=True)
        if outcome != "killed":
            survivors.append(f"{path}:{line}: {text.strip()}  ({token} -> {replacement})")
    killed = total - len(survivors)
    print(f"\n{path}: {killed} of {total} mutants killed ({100 * killed / max(total, 1):.0f} %).")
    for survivor in survivors:
        print(f"  survived: {survivor}")
    return 0 if not survivors else 1


def run_tests(tests):
    """pytest's exit status for `tests`: 0 passed, 1 some failed, anything else an error."""
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    return subprocess.run(command, cwd=ROOT, capture_output=True).returncode


def try_mutant(mutant):
    """Apply `mutant`, run its tests, restore the file; "killed", "survived", "stale" or "error"."""
    path = ROOT / mutant.path
    source = path.read_bytes()
    text = source.decode()
    if text.count(mutant.original) != 1:
        return "stale"
    try:
        path.write_text(text.replace(mutant.original, mutant.mutated))
        status = run_tests(mutant.tests)
    finally:
        path.write_bytes(source)
    return {0: "survived", 1: "killed"}.get(status, "error")


def wanted(mutant, names, browser):
    """Named mutants if any are named; otherwise all, the browser ones only if asked."""
    if names:
        return mutant.name in names
    return browser or not mutant.browser


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="run only these mutants")
    parser.add_argument("--browser", action="store_true", help="include the browser mutants")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    parser.add_argument(
        "--operators",
        metavar="MODULE",
        choices=sorted(CRITICAL_TESTS),
        help="score a critical module on generated operator mutants instead",
    )
    args = parser.parse_args(argv)
    if args.operators:
        return score_module(args.operators)
    unknown = set(args.names) - {mutant.name for mutant in MUTANTS}
    if unknown:
        parser.error(f"unknown mutants: {', '.join(sorted(unknown))}")
    if args.list:
        for mutant in MUTANTS:
            print(f"{mutant.name:40} {mutant.path}{'  (browser)' if mutant.browser else ''}")
        return 0
    chosen = [mutant for mutant in MUTANTS if wanted(mutant, args.names, args.browser)]
    # A test that fails on the code as it is would "kill" every mutant: check them first.
    baseline = sorted({test for mutant in chosen for test in mutant.tests})
    if run_tests(baseline) != 0:
        print("The tests fail without any mutant; fix them first:\n  " + "\n  ".join(baseline))
        return 1
    results = {}
    for mutant in chosen:
        started = time.monotonic()
        results[mutant.name] = outcome = try_mutant(mutant)
        print(f"{outcome:9} {mutant.name:40} {time.monotonic() - started:6.1f} s", flush=True)
    killed = sum(outcome == "killed" for outcome in results.values())
    print(f"\n{killed} of {len(results)} mutants killed.")
    for name, outcome in results.items():
        if outcome != "killed":
            print(f"  {outcome}: {name}")
    return 0 if killed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
