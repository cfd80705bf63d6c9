"""Read a delimited text file into a table of strings: encoding, delimiter, header, ragged rows.

Row numbers in messages are the file's line numbers as a text editor shows them (the header is
row 1); column numbers count from 1, and the column's name follows when the file has a header.
"""
from __future__ import annotations

import csv
import gzip
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
import numpy as np

WHITESPACE = "whitespace"
# Tried in this order; on a tie the earlier wins, since a consistent tab or semicolon is deliberate
# while commas also appear as decimal separators.
DELIMITERS = ("\t", ";", ",", WHITESPACE)
DELIMITER_NAMES = {"\t": "tab", ";": "';'", ",": "','", WHITESPACE: "whitespace"}
MISSING = frozenset({"", "na", "n/a", "nan", "null", "none", "?"})
SAMPLE_LINES = 50


class CSVError(ValueError):
    """A file that cannot be read as a dataset; the message names the file, row and column."""

    def __init__(self, message: str, path: str | Path | None = None, row: int | None = None,
                 column: int | None = None, column_name: str | None = None):
        super().__init__(message)
        self.path = None if path is None else Path(path)
        self.row = row                  # line number in the file (1-based)
        self.column = column            # 1-based
        self.column_name = column_name


def is_missing(cell: str) -> bool:
    return cell.strip().lower() in MISSING


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@dataclass
class Table:
    """The cells of a file as stripped strings; ``lines[i]`` is the file line of ``rows[i]``."""

    path: Path
    delimiter: str
    names: list[str] | None
    rows: list[list[str]]
    lines: list[int]

    @property
    def width(self) -> int:
        return len(self.names) if self.names is not None else len(self.rows[0])

    def column_name(self, j: int) -> str | None:
        return None if self.names is None else self.names[j]

    def error(self, message: str, row: int | None = None, column: int | None = None) -> CSVError:
        """A CSVError located at table row index ``row`` and 0-based ``column``."""
        line = None if row is None else self.lines[row]
        return located_error(self.path, message, line, column, None if column is None else self.column_name(column))

    def find_column(self, key: str | int) -> int:
        """0-based index of a column given by name or by 0-based index (negative counts from the end)."""
        if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
            if not -self.width <= key < self.width:
                raise located_error(self.path, f"there is no column index {key}: the file has {self.width} "
                                               f"columns (0 to {self.width - 1})")
            return int(key) % self.width
        if not isinstance(key, str):
            raise TypeError(f"target must be a column name or index, received {key!r}")
        if self.names is None:
            raise located_error(self.path, f"has no header row, so the column {key!r} cannot be found by name; "
                                           f"give its index instead (0 is the first column)")
        matches = [j for j, n in enumerate(self.names) if n == key] or \
                  [j for j, n in enumerate(self.names) if n.lower() == key.strip().lower()]
        if not matches:
            raise located_error(self.path, f"has no column named {key!r}; its columns are "
                                           f"{', '.join(repr(n) for n in self.names)}")
        return matches[0]


def located_error(path: Path, message: str, line: int | None = None, column: int | None = None,
                  name: str | None = None) -> CSVError:
    where = [path.name]
    if line is not None:
        where.append(f"row {line}")
    if column is not None:
        where.append(f"column {column + 1}" + (f" {name!r}" if name else ""))
    return CSVError(f"{', '.join(where)}: {message}", path, line, None if column is None else column + 1, name)


def read_table(path: str | Path, delimiter: str | None = None, header: bool | None = None) -> Table:
    """Parse ``path`` (UTF-8, optional BOM, optionally .gz) into a rectangular table of strings."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise located_error(path, "no such file") from None
    except IsADirectoryError:
        raise located_error(path, "is a folder, not a CSV file") from None
    except OSError as exc:
        raise located_error(path, f"cannot be read ({exc.strerror or exc})") from None
    text = _decode(path, raw)
    if not text.strip():
        raise located_error(path, "the file is empty")
    if delimiter is None:
        delimiter = _detect_delimiter(path, text)
    elif delimiter.strip() == "" and delimiter != "\t":
        delimiter = WHITESPACE
    lines, rows = _split_rows(path, text, delimiter)
    if not rows:
        raise located_error(path, "the file has no values, only delimiters")
    _drop_trailing_empty_column(rows)
    if header is None:
        header = _looks_like_header(rows[0], rows[1:SAMPLE_LINES + 1])
    names = _header_names(path, rows[0], lines[0]) if header else None
    start = 1 if header else 0
    table = Table(path, delimiter, names, rows[start:], lines[start:])
    if not table.rows:
        raise located_error(path, "the file has a header row but no data rows")
    _check_ragged(table, len(rows[0]), lines[0])
    return table


def _decode(path: Path, raw: bytes) -> str:
    if path.suffix.lower() == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise located_error(path, f"is not a readable gzip file ({exc})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise located_error(path, f"is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8", line) from None


def _split_rows(path: Path, text: str, delimiter: str) -> tuple[list[int], list[list[str]]]:
    """Non-blank rows with their first line numbers; cells stripped of surrounding blanks."""
    lines: list[int] = []
    rows: list[list[str]] = []
    if delimiter == WHITESPACE:
        for number, line in enumerate(io.StringIO(text, newline=None), start=1):
            if line.strip():
                lines.append(number)
                rows.append(line.split())
        return lines, rows
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    previous = 0
    try:
        for fields in reader:
            cells = [f.strip() for f in fields]
            if any(cells):
                lines.append(previous + 1)
                rows.append(cells)
            previous = reader.line_num
    except csv.Error as exc:
        raise located_error(path, f"cannot be parsed ({exc}); check the quotes", previous + 1) from None
    return lines, rows


def _detect_delimiter(path: Path, text: str) -> str:
    sample = [line for line in text.splitlines() if line.strip()][:SAMPLE_LINES]
    best: tuple[float, str] | None = None
    for candidate in DELIMITERS:
        if candidate == WHITESPACE:
            widths = [len(line.split()) for line in sample]
        else:
            widths = [len(fields) for fields in csv.reader(sample, delimiter=candidate)]
        width, count = Counter(widths).most_common(1)[0]
        if width >= 2 and (best is None or count / len(widths) > best[0]):
            best = (count / len(widths), candidate)
    if best is None:
        raise located_error(path, "has a single column (no ',', ';', tab or whitespace delimiter found); a dataset "
                                  "needs feature columns and a target column")
    return best[1]


def _looks_like_header(first: list[str], rest: list[list[str]]) -> bool:
    """A header has a non-numeric name above a column of mostly numbers."""
    for j, cell in enumerate(first):
        if is_missing(cell) or is_number(cell):
            continue
        below = [row[j] for row in rest if j < len(row) and not is_missing(row[j])]
        if not rest or (below and 2 * sum(map(is_number, below)) > len(below)):
            return True
    return False


def _header_names(path: Path, cells: list[str], line: int) -> list[str]:
    names = [cell or f"column{j + 1}" for j, cell in enumerate(cells)]
    seen: dict[str, int] = {}
    for j, name in enumerate(names):
        if name in seen:
            raise located_error(path, f"the column name {name!r} appears twice (columns {seen[name] + 1} and "
                                      f"{j + 1}); column names must be unique", line)
        seen[name] = j
    return names


def _drop_trailing_empty_column(rows: list[list[str]]) -> None:
    # Spreadsheets often end every row with a delimiter; that empty last column is no data.
    while all(len(r) > 1 and r[-1] == "" for r in rows):
        for r in rows:
            r.pop()


def _check_ragged(table: Table, width: int, first_line: int) -> None:
    for i, row in enumerate(table.rows):
        if len(row) == width:
            continue
        shown = DELIMITER_NAMES.get(table.delimiter, repr(table.delimiter))
        if len(row) < width:
            raise table.error(f"this row has {len(row)} values but row {first_line} has {width}: the value of this "
                              f"column is missing (delimiter {shown})", i, len(row))
        raise located_error(table.path, f"this row has {len(row)} values but row {first_line} has {width}: an extra "
                                        f"value (delimiter {shown})", table.lines[i], width)


def parse_numbers(table: Table, columns: list[int], what: str = "feature") -> tuple[np.ndarray, np.ndarray]:
    """(values, missing) for ``columns``: float64 (rows, len(columns)) with NaN where ``missing``.

    Raises CSVError at the first cell, in file order, that is neither a number nor a missing marker,
    or that is infinite.
    """
    cells = [[row[j] for j in columns] for row in table.rows]
    try:
        values = np.array(cells, dtype=np.float64).reshape(len(cells), len(columns))
        if np.isfinite(values).all():
            return values, np.zeros(values.shape, dtype=bool)
    except ValueError:
        pass
    values = np.full((len(cells), len(columns)), np.nan)
    missing = np.zeros(values.shape, dtype=bool)
    for i, row in enumerate(cells):
        for k, cell in enumerate(row):
            if is_missing(cell):
                missing[i, k] = True
                continue
            values[i, k] = _number(table, cell, i, columns[k], what)
    return values, missing


def _number(table: Table, cell: str, row: int, column: int, what: str) -> float:
    try:
        value = float(cell)
    except ValueError:
        hint = "; decimal commas are not supported, use a point" if _is_decimal_comma(cell) else ""
        raise table.error(f"{cell!r} is not a number; {what} columns must hold numbers{hint}", row, column) from None
    if not np.isfinite(value):
        raise table.error(f"{cell!r} is not a finite number", row, column)
    return value


def _is_decimal_comma(cell: str) -> bool:
    return cell.count(",") == 1 and is_number(cell.replace(",", "."))


def first_missing(table: Table, missing: np.ndarray, columns: list[int], advice: str) -> CSVError:
    """The error for the first missing cell, in file order, of a (rows, len(columns)) mask."""
    i, k = map(int, np.argwhere(missing)[0])
    return table.error(f"missing value; {advice}", i, columns[k])


def number_label(value: float) -> str:
    """A class name for a numeric label: '3' for 3.0, '0.5' for 0.5."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))
