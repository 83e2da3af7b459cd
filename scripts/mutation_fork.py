"""Run a mutant's tests in a forked child with the mutant patched in memory (mutation_runner.py).

Starting pytest, Django and Wagtail costs seconds; a module's tests often take less. So the
runner imports all of that once, then for each mutant forks: the child patches the mutated
definition into the already imported module and runs pytest in-process; the parent waits, with
a time limit. The file on disk never changes, so a score can run beside other work.

Patching in place keeps every reference valid, `from module import name` included:

- a function (a method, a property, a decorated function, a Celery task) keeps its object and
  gets the mutant's code object and default values;
- a module-level assignment rebinds the names in the module and in every module that imported
  the same object under the same name;
- a class-level assignment is set on the existing class.

Anything else (a mutated decorator line, an `if` at module level, a name defined twice) is not
patched: `patch` returns False and the runner falls back to writing the file and starting a
fresh pytest.
"""

import ast
import os
import signal
import sys
import time

_MISSING = object()


def _raw_function(obj):
    """The plain function behind `obj` (decorators unwrapped), or None."""
    for _ in range(10):
        if isinstance(obj, staticmethod | classmethod):
            obj = obj.__func__
        elif isinstance(obj, property):
            return None  # handled by the caller, accessor by accessor
        elif hasattr(obj, "__code__"):
            return obj
        elif hasattr(obj, "__wrapped__"):
            obj = obj.__wrapped__
        else:
            return None
    return None


def _patch_function(old, new):
    old, new = _raw_function(old), _raw_function(new)
    if old is None or new is None:
        return False
    if len(old.__code__.co_freevars) != len(new.__code__.co_freevars):
        return False
    old.__code__ = new.__code__
    old.__defaults__ = new.__defaults__
    old.__kwdefaults__ = new.__kwdefaults__
    return True


def _patch_member(old, new):
    """Patch an attribute of a class (function, property) in place; False if it cannot be."""
    if isinstance(old, property) and isinstance(new, property):
        return all(
            _patch_function(a, b) if a is not None else b is None
            for a, b in ((old.fget, new.fget), (old.fset, new.fset), (old.fdel, new.fdel))
        )
    return _patch_function(old, new)


def _undecorated(node):
    node = ast.fix_missing_locations(node)
    if hasattr(node, "decorator_list"):
        node.decorator_list = []
    return node


def _span(node):
    start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return start, node.end_lineno


def _statement_at(body, line):
    for node in body:
        start, end = _span(node)
        if start <= line <= end:
            return node
    return None


def _defined_once(body, name):
    return sum(getattr(node, "name", None) == name for node in body) == 1


def _rebind(module, name, new):
    old = module.__dict__.get(name, _MISSING)
    setattr(module, name, new)
    if old is _MISSING:
        return
    for other in list(sys.modules.values()):
        if other is not module and getattr(other, name, _MISSING) is old:
            setattr(other, name, new)


def _compile(node, module):
    """Execute one statement in a scratch copy of the module's globals; that namespace."""
    scratch = dict(module.__dict__)
    code = compile(ast.Module(body=[node], type_ignores=[]), module.__file__, "exec")
    exec(code, scratch)  # noqa: S102 - the mutant under test, in a throw-away child process
    return scratch


def _patch_class(old_class, node, line, module):
    """Patch the member of class `old_class` (defined by `node`) that holds `line`."""
    member = _statement_at(node.body, line)
    if member is None:
        return False
    if isinstance(member, ast.ClassDef):  # a nested class: patch inside it
        inner = old_class.__dict__.get(member.name)
        return isinstance(inner, type) and _patch_class(inner, member, line, module)
    if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef):
        if line < member.lineno or not _defined_once(node.body, member.name):
            return False  # a decorator line, or a name defined twice (property setters)
    # Re-create the whole class in a scratch namespace, so `super()` and the other members
    # resolve as they do in the real one; then move the changed member across.
    new_class = _compile(_undecorated(node), module)[node.name]
    if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef):
        old = old_class.__dict__.get(member.name, _MISSING)
        new = new_class.__dict__.get(member.name, _MISSING)
        return old is not _MISSING and new is not _MISSING and _patch_member(old, new)
    if isinstance(member, ast.Assign | ast.AnnAssign | ast.AugAssign):
        targets = member.targets if isinstance(member, ast.Assign) else [member.target]
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if len(names) != len(targets):
            return False
        for name in names:
            setattr(old_class, name, new_class.__dict__[name])
        return True
    return False


def patch(module, mutated_source, line):
    """Patch `module` (imported) to behave as `mutated_source` on `line`; False if unsupported."""
    tree = ast.parse(mutated_source)
    node = _statement_at(tree.body, line)
    if node is None:
        return False
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        if line < node.lineno or not _defined_once(tree.body, node.name):
            return False
        new = _compile(_undecorated(node), module)[node.name]
        return _patch_function(module.__dict__.get(node.name), new)
    if isinstance(node, ast.ClassDef):
        old_class = module.__dict__.get(node.name)
        if not isinstance(old_class, type) or line < node.lineno:
            return False
        return _patch_class(old_class, node, line, module)
    if isinstance(node, ast.Assign | ast.AnnAssign):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if not all(isinstance(target, ast.Name) for target in targets):
            return False
        scratch = _compile(node, module)
        for target in targets:
            _rebind(module, target.id, scratch[target.id])
        return True
    return False


def _reuse_test_database():
    """In a child: use the fresh copy of the migrated template as it is. pytest-django would
    otherwise run `migrate` over it (keepdb), seconds of migration graph and post-migrate
    signals for each mutant."""
    from django.conf import settings
    from django.db.backends.base.creation import BaseDatabaseCreation

    def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        name = self._get_test_db_name()
        self.connection.close()
        settings.DATABASES[self.connection.alias]["NAME"] = name
        self.connection.settings_dict["NAME"] = name
        return name

    BaseDatabaseCreation.create_test_db = create_test_db
    BaseDatabaseCreation.destroy_test_db = lambda self, *args, **kwargs: None


class Forker:
    """Imports Django, pytest and the module once; runs each mutant's tests in a fork."""

    UNPATCHABLE = 97

    def __init__(self, module_path, root, env, pytest_args, timeout, settings):
        self.root = root
        self.pytest_args = list(pytest_args)
        self.timeout = timeout
        os.environ.update(env)
        os.environ["DJANGO_SETTINGS_MODULE"] = settings
        for entry in reversed(env.get("PYTHONPATH", "").split(os.pathsep)):
            if entry and entry not in sys.path:
                sys.path.insert(0, entry)
        if str(root) not in sys.path:
            sys.path.insert(0, str(root))
        os.chdir(root)
        import django
        import pytest  # noqa: F401 - imported once here, used by each child

        django.setup()
        import importlib

        name = str(module_path).removesuffix(".py").replace("/", ".")
        self.module = importlib.import_module(name)

    def run(self, tests, mutated_source=None, line=None, before=None):
        """pytest's exit status for `tests` in a fork, the mutant patched in; UNPATCHABLE if
        it cannot be patched; -1 on the time limit."""
        pid = os.fork()
        if pid == 0:  # the child
            status = 3
            try:
                os.setpgrp()
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 1)
                os.dup2(devnull, 2)
                if mutated_source is not None:
                    try:
                        patched = patch(self.module, mutated_source, line)
                    except Exception:  # the fresh-pytest path will judge this mutant
                        patched = False
                    if not patched:
                        os._exit(self.UNPATCHABLE)
                if before:
                    before()
                _reuse_test_database()
                import pytest

                status = int(pytest.main([*self.pytest_args, *tests]))
            except BaseException:  # noqa: B036 - any failure of the child is its exit status
                status = 3
            finally:
                os._exit(status)
        deadline = time.monotonic() + self.timeout
        while True:
            done, wait_status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(wait_status)
            if time.monotonic() > deadline:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                os.waitpid(pid, 0)
                return -1
            time.sleep(0.02)
