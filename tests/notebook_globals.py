"""Static check that a notebook's functions and methods read no notebook globals (issue 28).

A name a function loads is fine when it is a parameter or local of the function (or of an enclosing
function), a builtin, an imported module or name, a function or class the notebook defines, or an
ALL_CAPS constant (``DEVICE``, ``MEAN``...). Anything else (``cfg``, ``train_feats``, ``alphabet``...) is a
hidden input: the function must take it as an argument instead. Defaults count too: ``def f(x=cfg.lr)``
binds a global at definition time.
"""
from __future__ import annotations

import ast
import builtins
from pathlib import Path

import nbformat

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _code_trees(path: Path) -> list[ast.Module]:
    """The parsed code cells of a notebook (IPython magics and shell lines blanked)."""
    trees = []
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in cell.source.splitlines()]
        trees.append(ast.parse("\n".join(lines)))
    return trees


def _bound_names(node: ast.AST) -> set[str]:
    """Every name bound anywhere inside ``node``: assignments, loop and comprehension targets, defs, args, handlers."""
    names: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, (ast.Store, ast.Del)):
            names.add(sub.id)
        elif isinstance(sub, (*_FUNCTIONS, ast.ClassDef)):
            names.add(sub.name)
        elif isinstance(sub, ast.arg):
            names.add(sub.arg)
        elif isinstance(sub, ast.ExceptHandler) and sub.name:
            names.add(sub.name)
        elif isinstance(sub, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in sub.names}
    return names


def _loaded_names(nodes: list[ast.AST]) -> set[str]:
    """Every name loaded anywhere inside ``nodes``."""
    return {sub.id for node in nodes for sub in ast.walk(node) if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Load)}


def global_reads(path: Path) -> dict[str, list[str]]:
    """``{function or Class.method: [notebook globals it reads]}`` for every top-level definition that reads one."""
    trees = _code_trees(path)
    allowed = set(dir(builtins)) | {"__name__", "__file__", "display", "get_ipython"}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                allowed |= {(a.asname or a.name).split(".")[0] for a in node.names}
        allowed |= {node.name for node in tree.body if isinstance(node, (*_FUNCTIONS, ast.ClassDef))}

    def reads(fn: ast.FunctionDef) -> set[str]:
        defaults = [d for d in fn.args.defaults + fn.args.kw_defaults if d is not None]
        local = _bound_names(fn)
        return {name for name in _loaded_names(fn.body + defaults)
                if name not in local and name not in allowed and not name.isupper() and not name.startswith("_")}

    found: dict[str, list[str]] = {}
    for tree in trees:
        for node in tree.body:
            members = [(node.name, node)] if isinstance(node, _FUNCTIONS) else []
            if isinstance(node, ast.ClassDef):
                members = [(f"{node.name}.{m.name}", m) for m in node.body if isinstance(m, _FUNCTIONS)]
            for name, fn in members:
                if bad := reads(fn):
                    found[name] = sorted(bad)
    return found
