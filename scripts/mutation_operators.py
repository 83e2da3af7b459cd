"""Operator mutants of a Python module, found in its syntax tree (for scripts/mutants.py).

Each mutant replaces the source span of one node by another expression or statement:

- comparisons, boundaries included: `<` <-> `<=`, `>` <-> `>=`, `==` <-> `!=`, `in` <-> `not in`,
  `is` <-> `is not`;
- arithmetic: `+` <-> `-`, `*` <-> `/`, `//` -> `*`, `%` -> `//` (not on string literals), and
  the same on augmented assignments (`+=` <-> `-=`, ...);
- `and` <-> `or`, `not x` -> `x`;
- constants: `True` <-> `False`, each number n -> n + 1, string keys (a subscript, a dict-literal
  key, the first argument of `.get`, `.pop`, `.setdefault`) -> "XX" + key + "XX";
- `return value` -> `return None` (unless the value is a constant, mutated as above);
- a call as a statement removed (`None` instead), logging calls excepted.

Annotations, f-strings and docstrings are never mutated. Replacements are parenthesised so the
precedence around them never changes.
"""

import ast
import copy
from dataclasses import dataclass

COMPARE = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}  # fmt: skip
ARITHMETIC = {
    ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
    ast.FloorDiv: ast.Mult, ast.Mod: ast.FloorDiv,
}  # fmt: skip
SYMBOL = {
    ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
    ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.Add: "+",
    ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
    ast.And: "and", ast.Or: "or",
}  # fmt: skip
KEY_METHODS = {"get", "pop", "setdefault"}
LOGGERS = {"logger", "log", "logging", "warnings"}


@dataclass(frozen=True)
class Operator:
    """Replace the text from (line, column) to (end_line, end_column) by `replacement`."""

    line: int
    column: int
    end_line: int
    end_column: int
    replacement: str
    change: str  # e.g. ">= -> >", the key of mutants_equivalent.txt with the stripped line


def operators(source):
    """Every operator mutant of `source` (text), in source order."""
    tree = ast.parse(source)
    found = []
    _visit(tree, found, parent=None)
    return sorted(found, key=lambda op: (op.line, op.column, op.change))


def apply(source, operator):
    """`source` with `operator` applied (the tree's columns are UTF-8 byte offsets)."""
    lines = source.encode().splitlines(keepends=True)
    start = sum(len(line) for line in lines[: operator.line - 1]) + operator.column
    end = sum(len(line) for line in lines[: operator.end_line - 1]) + operator.end_column
    data = source.encode()
    return (data[:start] + operator.replacement.encode() + data[end:]).decode()


def _at(node, replacement, change):
    return Operator(
        node.lineno, node.col_offset, node.end_lineno, node.end_col_offset, replacement, change
    )


def _expression(node, new, change):
    return _at(node, f"({ast.unparse(new)})", change)


def _is_docstring(node, parent):
    return (
        isinstance(parent, ast.Expr)
        and isinstance(node, ast.Constant)
        and isinstance(node.value, str)
    )


def _is_string(node):
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str | bytes)
    )


def _string_keys(node):
    """The string constants used as keys under `node` (itself, not its children)."""
    if isinstance(node, ast.Subscript):
        return [node.slice]
    if isinstance(node, ast.Dict):
        return [key for key in node.keys if key is not None]
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in KEY_METHODS
        and node.args
    ):
        return [node.args[0]]
    return []


def _is_logging(call):
    func = call.func
    while isinstance(func, ast.Attribute):
        func = func.value
    return isinstance(func, ast.Name) and func.id in LOGGERS


def _mutants_of(node, parent):
    if isinstance(node, ast.Compare):
        for index, op in enumerate(node.ops):
            new = copy.deepcopy(node)
            new.ops[index] = COMPARE[type(op)]()
            yield _expression(node, new, f"{SYMBOL[type(op)]} -> {SYMBOL[COMPARE[type(op)]]}")
    elif isinstance(node, ast.BinOp) and type(node.op) in ARITHMETIC:
        if not (_is_string(node.left) or _is_string(node.right)):
            new = copy.deepcopy(node)
            new.op = ARITHMETIC[type(node.op)]()
            yield _expression(node, new, f"{SYMBOL[type(node.op)]} -> {SYMBOL[type(new.op)]}")
    elif isinstance(node, ast.AugAssign) and type(node.op) in ARITHMETIC:
        new = copy.deepcopy(node)
        new.op = ARITHMETIC[type(node.op)]()
        change = f"{SYMBOL[type(node.op)]}= -> {SYMBOL[type(new.op)]}="
        yield _at(node, ast.unparse(new), change)
    elif isinstance(node, ast.BoolOp):
        new = copy.deepcopy(node)
        new.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        yield _expression(node, new, f"{SYMBOL[type(node.op)]} -> {SYMBOL[type(new.op)]}")
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield _expression(node, node.operand, "not -> (removed)")
    elif isinstance(node, ast.Constant) and not _is_docstring(node, parent):
        value = node.value
        if isinstance(value, bool):
            yield _at(node, str(not value), f"{value} -> {not value}")
        elif isinstance(value, int | float):
            yield _at(node, repr(value + 1), f"{value!r} -> {value + 1!r}")
    elif isinstance(node, ast.Return) and node.value is not None:
        if not isinstance(node.value, ast.Constant):  # constants are mutated as constants
            yield _at(node, "return None", "return -> return None")
    elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        if not _is_logging(node.value):
            yield _at(node, "None", "call removed")
    for key in _string_keys(node):
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            yield _at(key, repr(f"XX{key.value}XX"), f"{key.value!r} -> {f'XX{key.value}XX'!r}")


def _visit(node, found, parent):
    if isinstance(node, ast.JoinedStr):
        return
    found.extend(_mutants_of(node, parent))
    for field, value in ast.iter_fields(node):
        if field in ("annotation", "returns", "type_comment", "type_params"):
            continue
        children = value if isinstance(value, list) else [value]
        for child in children:
            if isinstance(child, ast.AST):
                _visit(child, found, node)
