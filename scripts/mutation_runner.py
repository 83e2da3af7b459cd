"""Run a module's tests against its mutants quickly (for scripts/mutants.py --operators).

Three things make a mutant cost about two seconds rather than a minute:

- On SQLite (the default), the test database is migrated once into a template file; each run
  starts from a fresh copy of it with pytest-django's `--reuse-db` (scripts/mutation_settings.py
  names the file), instead of migrating every app again (about 60 s on the shared machine).
- The clean run records which test executed which line of the module (coverage's
  `test_function` contexts). A mutant runs only the tests that executed its lines, and a mutant
  whose lines no test executed is a survivor without running anything ("uncovered"). A mutant
  that survives the selected tests is run again against all the module's tests before it is
  called a survivor, so a test that executes the line in a fixture is never missed.

- On SQLite, Django, Wagtail, pytest and the module are imported once; each mutant runs in a
  fork of that process with the mutant patched in memory (scripts/mutation_fork.py), on a fresh
  copy of the template used as it is. A mutant the patcher cannot place, and every survivor, is
  run the slow way: the mutant written into the file, a fresh pytest.

A mutant that runs over its time limit (five times the clean run, plus 30 s) is killed: it
hangs the code it changed.

On PostgreSQL (DATABASE_URL set) every run creates its own test database as `make test` does.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mutation_fork import Forker

ROOT = Path(__file__).resolve().parent.parent
PYTEST = ["-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]


def run_tests(tests, env=None, extra=(), timeout=None):
    """pytest's exit status for `tests`: 0 passed, 1 some failed, -1 over the time limit,
    anything else an error."""
    command = [sys.executable, *PYTEST, *extra, *tests]
    try:
        return subprocess.run(
            command, cwd=ROOT, capture_output=True, env=env, timeout=timeout
        ).returncode
    except subprocess.TimeoutExpired:
        return -1


class TestRunner:
    """The tests of one module, run against its mutants."""

    def __init__(self, tests, module):
        self.tests = tuple(tests)
        self.module = module
        self.tmp = Path(tempfile.mkdtemp(prefix="cityux-mutation-"))
        self.env = dict(os.environ)
        self.extra = ()
        self.sqlite = "postgres" not in os.environ.get("DATABASE_URL", "")
        self.tests_by_line = {}
        self.forker = None
        self.timeout = None
        if self.sqlite:
            self.env["CITYUX_MUTATION_DB"] = str(self.tmp / "test.sqlite3")
            self.extra = ("--reuse-db", "--ds", "mutation_settings")
            self.env["PYTHONPATH"] = os.pathsep.join(
                filter(None, [str(ROOT / "scripts"), str(ROOT), os.environ.get("PYTHONPATH")])
            )

    def baseline(self):
        """Migrate the template, run the tests clean under coverage; True if they pass."""
        if self.sqlite:
            template = self.tmp / "template.sqlite3"
            migrate = [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"]
            env = dict(self.env, DATABASE_URL=f"sqlite:///{template}")
            env["DJANGO_SETTINGS_MODULE"] = "cityux.settings.test"
            subprocess.run(migrate, cwd=ROOT, env=env, check=True)
        rc = self.tmp / "coveragerc"
        data = self.tmp / "coverage"
        rc.write_text(
            f"[run]\ndynamic_context = test_function\ndata_file = {data}\n"
            f"include = {ROOT / self.module}\n"
        )
        self._fresh_database()
        command = [sys.executable, "-m", "coverage", "run", f"--rcfile={rc}", *PYTEST]
        command += [*self.extra, *self.tests]
        passed = subprocess.run(command, cwd=ROOT, capture_output=True, env=self.env)
        if passed.returncode != 0:
            print(passed.stdout.decode()[-3000:])
            return False
        self.tests_by_line = self._contexts(data)
        self._start_forker()
        return True

    def _start_forker(self):
        """Import everything once and run mutants in forks (SQLite only), if a clean fork
        passes the tests; the time limit is five times the clean run, plus 30 s."""
        started = time.monotonic()
        if not self.sqlite or not hasattr(os, "fork"):
            self.timeout = 900
            return
        self._fresh_database()
        forker = Forker(
            self.module,
            ROOT,
            self.env,
            [*PYTEST[2:], *self.extra],
            timeout=900,
            settings="mutation_settings",
        )
        status = forker.run(list(self.tests), before=self._fresh_database)
        self.timeout = 5 * (time.monotonic() - started) + 30
        forker.timeout = self.timeout
        if status == 0:
            self.forker = forker
        else:
            print(f"(a clean forked run exited {status}; each mutant runs in a fresh pytest)")

    def run(self, lines, mutated_source):
        """ "killed", "survived", "uncovered" or "error" for `mutated_source`, the module with
        one mutant on `lines` (a range)."""
        contexts = set().union(*(self.tests_by_line.get(line, set()) for line in lines))
        if not contexts:
            return "uncovered"
        nodes = {self._node(context) for context in contexts}
        selected = None if None in nodes else sorted(nodes)
        for tests in ([selected] if selected else []) + [list(self.tests)]:
            status = self._run_mutant(tests, mutated_source, lines.start)
            if status != 0:
                return self._outcome(status)
        # A survivor in a fork is confirmed the slow way: the file written, a fresh pytest.
        if self.forker is not None:
            status = self._run_written(list(self.tests), mutated_source)
            if status != 0:
                return self._outcome(status)
        return "survived"

    @staticmethod
    def _outcome(status):
        return {0: "survived", 1: "killed", -1: "timeout"}.get(status, "error")

    def _run_mutant(self, tests, mutated_source, line):
        if self.forker is not None:
            status = self.forker.run(tests, mutated_source, line, before=self._fresh_database)
            if status != Forker.UNPATCHABLE:
                return status
        return self._run_written(tests, mutated_source)

    def _run_written(self, tests, mutated_source):
        """Write the mutant into the file, run a fresh pytest, put the file back."""
        path = ROOT / self.module
        original = path.read_bytes()
        try:
            path.write_text(mutated_source)
            return self._run(tests)
        finally:
            path.write_bytes(original)

    def _run(self, tests):
        self._fresh_database()
        return run_tests(tests, env=self.env, extra=self.extra, timeout=self.timeout)

    def _fresh_database(self):
        if self.sqlite:
            shutil.copyfile(self.tmp / "template.sqlite3", self.tmp / "test.sqlite3")

    def _contexts(self, data_file):
        import coverage

        data = coverage.CoverageData(basename=str(data_file))
        data.read()
        by_line = {}
        for measured in data.measured_files():
            for line, contexts in data.contexts_by_lineno(measured).items():
                by_line.setdefault(line, set()).update(contexts)
        return by_line

    def _node(self, context):
        """The pytest node id of a coverage context such as tests.x.test_y.Class.test_z (None
        for code run outside a test function, at import or in a fixture: all tests then)."""
        for test in self.tests:
            dotted = test.split("::")[0].removesuffix(".py").replace("/", ".")
            if context.startswith(dotted + "."):
                return test.split("::")[0] + "::" + context[len(dotted) + 1 :].replace(".", "::")
        return None

    def __del__(self):
        shutil.rmtree(self.tmp, ignore_errors=True)
