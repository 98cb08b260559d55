"""Helpers of a spec's check: errors by row and column, duplicates inside the file, values
parsed once per distinct text. A check works column by column (a file of 100,000 rows is
checked in seconds) and puts the rows together at the end."""

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence

from liangze.imports.specs import Action, CheckOutcome  # noqa: F401 (the check's vocabulary)


def add_error(errors: dict[str, str], column: str, message: str) -> None:
    """A reason for a column of a row; a second reason for the same column is appended."""
    if column in errors:
        errors[column] = f"{errors[column]} {message}"
    else:
        errors[column] = str(message)


class RowErrors:
    """Errors of the rows by row index, only for rows that have some."""

    def __init__(self):
        self.by_row: dict[int, dict[str, str]] = {}

    def add(self, index: int, column: str, message: str) -> None:
        add_error(self.by_row.setdefault(index, {}), column, message)

    def has(self, index: int, column: str) -> bool:
        return column in self.by_row.get(index, ())


def by_distinct(column: Sequence[str], parse: Callable[[str], object]) -> list:
    """parse() of each text, called once per distinct text (most columns repeat a few)."""
    known = {text: parse(text) for text in set(column)}
    return list(map(known.__getitem__, column))


def mark_duplicates(
    keys: Sequence,
    lines: Sequence[int],
    errors: RowErrors,
    column: str,
    message: str,
    *,
    skip: Callable[[int], bool] = lambda index: False,
) -> None:
    """Mark every row whose key (a non-blank identity) another row shares: the check cannot
    tell which one is right. `message` names the other lines as %(lines)s."""
    counts = Counter(key for index, key in enumerate(keys) if key and not skip(index))
    repeated = {key for key, count in counts.items() if count > 1}
    if not repeated:
        return
    where: dict[object, list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        if key in repeated and not skip(index):
            where[key].append(index)
    for indexes in where.values():
        for index in indexes:
            others = [lines[other] for other in indexes if other != index][:5]
            errors.add(index, column, message % {"lines": ", ".join(map(str, others))})
