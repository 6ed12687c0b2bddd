"""Parsing the library's own source in a process that has run Pulumi programs."""

from __future__ import annotations

import ast
import gc


def parse_source(source: str, filename: str) -> ast.Module:
    """``ast.parse`` with the collector held off: CPython 3.11 raises ``SystemError: AST
    constructor recursion depth mismatch`` when a collection runs Python finalizers (an
    asyncio future's "exception was never retrieved" log, left by an earlier Pulumi run in the
    same process) while it builds the tree; with the collector off none can start there."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return ast.parse(source, filename=filename)
    finally:
        if enabled:
            gc.enable()
