"""The one safe expression language of lifecase: CEL (Common Expression Language), used by
template conditions and routing rules. Expressions are compiled, never ``eval``-ed; they can
read the variables they are given and call CEL's standard functions, nothing else.

Dates are ISO strings (``start_date >= "2027-01-01"`` compares correctly); numbers do not
coerce (``hours > 30.0`` for a number field holding 37.5).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import cel


class ExpressionError(ValueError):
    """An expression that does not compile, names unknown variables, or fails to evaluate."""


@dataclass(frozen=True)
class Expression:
    source: str
    variables: frozenset[str]
    _program: Any

    def evaluate(self, context: Mapping[str, Any]) -> Any:
        # Variables the context lacks are null, so a condition on an optional field that was
        # left out reads as `field == null` rather than failing.
        values = {name: context.get(name) for name in self.variables}
        try:
            return self._program.execute(values)
        except (RuntimeError, TypeError, ValueError, LookupError) as error:
            # LookupError: a map key the data lacks, such as `fields.x` when x was left out.
            raise ExpressionError(f"{self.source!r}: {_first_line(error)}") from error

    def holds(self, context: Mapping[str, Any]) -> bool:
        """Evaluate a condition; anything but ``true`` is false."""
        return self.evaluate(context) is True


def compile_expression(source: str, known: Iterable[str] | None = None) -> Expression:
    """Compile ``source``; with ``known``, refuse variables outside it."""
    try:
        program = cel.compile(source)
    except (ValueError, RuntimeError) as error:
        raise ExpressionError(str(error)) from error
    variables = frozenset(program.variables())
    if known is not None:
        unknown = sorted(variables - set(known))
        if unknown:
            raise ExpressionError(f"{source!r} uses unknown names: {', '.join(unknown)}")
    return Expression(source=source, variables=variables, _program=program)


def _first_line(error: Exception) -> str:
    return str(error).split(". ")[0]
