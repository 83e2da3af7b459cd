"""Named mutants: break the critical code in known, plausible ways and check a test notices.

Each `Mutant` is one small edit of one file (an exact text replaced by another) and the tests
that must fail with it. The script applies the mutants one at a time, runs their tests, puts
the file back byte for byte (also on Ctrl-C), and prints which were killed and which survived.
A survivor is a gap in the tests; a mutant whose text is gone from the code is "stale" (the
code changed: update the mutant).

This is a catalogue of the mutants issue 19 found surviving, kept so they stay killed. With
`--operators MODULE` it also generates the operator mutants of a critical module
(scripts/mutation_operators.py: comparisons and their boundaries, arithmetic, `and` / `or`,
`not` removed, booleans, numbers + 1, string keys, return values, calls removed), runs the
module's tests listed in `CRITICAL_TESTS` against each (scripts/mutation_runner.py: a migrated
template database and only the tests that executed the mutated line), and prints the module's
score and its survivors; the mutants listed in mutants_equivalent.txt (with the reason they
change nothing) are not counted. `python bench/mutation.py` scores every critical module into
bench/MUTATION.md.

Why not mutmut: mutmut 3.8 (installed) does run here, but on cityux/consent.py alone (102
mutants, its three test files, one worker) it had done 30 in 8 minutes and called 13 of them
"timeout": its forked test runs wait on pytest-django's test database set-up (about 60 s of
migrations on this shared machine), so the scores would have been neither quick nor true. The
operators here are mutmut's main ones; what they lack is mutmut's string-literal and
argument-dropping mutants.

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
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from mutation_operators import apply, operators
from mutation_runner import TestRunner, run_tests

ROOT = Path(__file__).resolve().parent.parent
GAPS = "tests/cityux_analytics/test_mutation_gaps.py"
FRAME = "tests/cityux_analytics/test_event_frame.py"
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
        "consent-versions-kept-longer",
        "cityux/consent.py",
        "_VERSIONS_SECONDS = 10\n",
        "_VERSIONS_SECONDS = 11\n",
        ("tests/cityux/test_consent_versions.py",),
    ),
    Mutant(
        "consent-versions-refreshed-late",
        "cityux/consent.py",
        'if now >= _versions["until"]:',
        'if now > _versions["until"]:',
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
        '        ("ip", client_ip(request), limits["ip"]),\n',
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
        "attributes.value = maskAll(attributes.value);",
        "",
        (f"{MASKING}::test_hidden_inputs_are_recorded_without_their_values",),
        browser=True,
    ),
)


# The tests that guard each critical module, for --operators (Python modules only: the replay
# recorder's JavaScript masking is the browser mutants' job above).
CRITICAL_TESTS = {
    "cityux/consent.py": (
        "tests/cityux/test_consent.py",
        "tests/cityux/test_consent_versions.py",
        "tests/cityux/test_consent_cookie_deletion.py",
    ),
    "cityux/access.py": ("tests/cityux/test_access.py", "tests/cityux/test_access_edges.py"),
    "cityux/admin.py": (
        "tests/cityux/test_department_admin.py",
        "tests/cityux/test_permission_matrix.py",
        "tests/cityux/test_admin_search.py",
    ),
    "cityux/mydata.py": (
        "tests/cityux/test_mydata_registry.py",
        "tests/cityux_analytics/test_mydata.py",
    ),
    "cityux_analytics/mydata.py": (
        "tests/cityux_analytics/test_mydata.py",
        "tests/cityux_analytics/test_mydata_exact.py",
    ),
    "cityux_analytics/retention.py": (
        "tests/cityux_analytics/test_retention.py",
        "tests/cityux_analytics/test_retention_edges.py",
    ),
    "cityux_analytics/privacy.py": (
        "tests/cityux_analytics/test_schema_and_privacy.py",
        "tests/cityux_analytics/test_privacy_edges.py",
    ),
    "cityux_analytics/schema.py": (
        "tests/cityux_analytics/test_schema_bounds.py",
        "tests/cityux_analytics/test_schema_and_privacy.py",
        "tests/cityux_analytics/test_collect.py",
    ),
    "cityux_analytics/views/collect.py": (
        "tests/cityux_analytics/test_collect.py",
        "tests/cityux_analytics/test_collect_edges.py",
        GAPS,
    ),
    "cityux_analytics/ingest.py": (
        "tests/cityux_analytics/test_ingest_exact.py",
        "tests/cityux_analytics/test_ingest_isolation.py",
        "tests/cityux_analytics/test_pipeline.py",
    ),
    "cityux_analytics/detectors.py": ("tests/cityux_analytics/test_detectors.py", GAPS),
    "cityux_analytics/event_frame.py": ("tests/cityux_analytics/test_detectors.py", GAPS, FRAME),
    "cityux_analytics/replay/privacy.py": (
        "tests/cityux_analytics/test_replay_masking_edges.py",
        "tests/cityux_analytics/test_replay_masking.py",
    ),
    "cityux_analytics/replay/sessions.py": ("tests/cityux_analytics/test_replay.py", GAPS),
    "cityux_social/decisions.py": (
        "tests/cityux_social/test_decisions.py",
        "tests/cityux_social/test_department_less_posts.py",
        "tests/cityux_social/test_decisions_edges.py",
    ),
    "cityux_social/tickets/open311.py": (
        "tests/cityux_social/test_open311.py",
        "tests/cityux_social/test_open311_spec.py",
        "tests/cityux_social/test_open311_lookup.py",
        "tests/cityux_social/test_open311_edges.py",
    ),
    "cityux_social/classifier/selection.py": (
        "tests/cityux_social/test_classifier.py",
        "tests/cityux_social/test_classifier_holdout.py",
        "tests/cityux_social/test_classifier_selection.py",
    ),
}

EQUIVALENT = ROOT / "scripts" / "mutants_equivalent.txt"


def equivalent_mutants():
    """{(module, stripped line, "change")} read from mutants_equivalent.txt.

    Where one line has two mutants with the same change, "change @column" names one of them
    (the column a survivor is printed with).
    """
    known = set()
    for row in EQUIVALENT.read_text().splitlines():
        if row.strip() and not row.startswith("#"):
            module, rest = row.split(" | ", 1)  # a source line may hold " | " itself
            line, change, _why = rest.rsplit(" | ", 2)
            module, line, change = module.strip(), line.strip(), change.strip()
            known.add((module, line, change))
    return known


def equivalent_keys(path, text, op):
    """The keys a row of mutants_equivalent.txt may give `op`: with or without its column."""
    return {(path, text, op.change), (path, text, f"{op.change} @{op.column}")}


def score_module(path, report=None):
    """Run every operator mutant of `path` against its tests; print the score and survivors."""
    runner = TestRunner(CRITICAL_TESTS[path], path)
    if not runner.baseline():
        print(f"The tests of {path} fail without any mutant; fix them first.")
        return 1
    original = (ROOT / path).read_bytes()
    source = original.decode()
    lines = source.splitlines()
    equivalent, survivors, outcomes = equivalent_mutants(), [], {}
    for op in operators(source):
        text = lines[op.line - 1].strip()
        if equivalent_keys(path, text, op) & equivalent:
            outcomes["equivalent"] = outcomes.get("equivalent", 0) + 1
            print(f"{'same':9} {path}:{op.line}:{op.column} {op.change} (equivalent)", flush=True)
            continue
        started = time.monotonic()
        outcome = runner.run(range(op.line, op.end_line + 1), apply(source, op))
        if (ROOT / path).read_bytes() != original:  # never leave a mutant behind
            (ROOT / path).write_bytes(original)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        elapsed = time.monotonic() - started
        print(f"{outcome:9} {path}:{op.line}:{op.column} {op.change} ({elapsed:.1f} s)", flush=True)
        if outcome not in ("killed", "timeout", "error"):
            survivors.append(f"{path}:{op.line}:{op.column}: {text}  ({op.change}) [{outcome}]")
    total = sum(n for outcome, n in outcomes.items() if outcome != "equivalent")
    killed = sum(outcomes.get(outcome, 0) for outcome in ("killed", "timeout", "error"))
    print(f"\n{path}: {killed} of {total} mutants killed ({100 * killed / max(total, 1):.1f} %),"
          f" {outcomes.get('equivalent', 0)} equivalent.")  # fmt: skip
    for survivor in survivors:
        print(f"  survived: {survivor}")
    if report:
        result = {"module": path, "killed": killed, "total": total, "survivors": survivors}
        result["equivalent"] = outcomes.get("equivalent", 0)
        Path(report).write_text(json.dumps(result, indent=1))
    return 0 if not survivors else 1


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
    parser.add_argument("--report", metavar="JSON", help="with --operators: save the result")
    args = parser.parse_args(argv)
    if args.operators:
        return score_module(args.operators, args.report)
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
