"""Reading an uploaded file into rows: an XLSX workbook (one sheet per record type), one CSV file
(named after its sheet) or a zip of CSV files. Nothing here touches the database.

Real-world files: UTF-8 with or without BOM, or Windows-1252; comma, semicolon or tab separators;
empty lines skipped; cells stripped; merged header cells refused. Every problem becomes a
``RowError`` with a French message (through gettext), never an exception escaping to the caller.
"""

import csv
import datetime
import io
import logging
import re
import zipfile
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from casework.normalise import normalise_text
from imports.format import EXAMPLE_ID, SHEETS, Sheet, sheet_for_name

logger = logging.getLogger(__name__)

# Limits, checked before anything is unpacked or parsed (docs/import.md § Limits). The largest accepted
# file is a 20 MB upload (imports.forms.MAX_UPLOAD_BYTES); a 50,000-line workbook unpacks to ~10 MB.
MAX_LINES_PER_SHEET = 60_000  # data lines of one sheet or CSV file; reading stops at the next one
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # all the entries of a zip or XLSX, once unpacked
MAX_COMPRESSION_RATIO = 100  # unpacked size / packed size of one entry (a zip bomb: thousands)
RATIO_CHECKED_FROM = 1024 * 1024  # entries smaller than this unpacked are never a threat
MAX_KEPT_ERRORS = 500  # the first errors are kept (and shown); the others are only counted
IGNORED_SHEETS = {"aide", "listes", "lisez moi", "readme", "notice"}
XLS_MAGIC = b"\xd0\xcf\x11\xe0"
ZIP_MAGIC = b"PK\x03\x04"

Value = str | int | float | datetime.date | datetime.datetime | datetime.time | None


class FileRefused(Exception):
    """The file breaks a limit or is hostile: reading stops at once; the message is for the user."""


class ErrorList:
    """The first ``MAX_KEPT_ERRORS`` errors, in order, and how many there are in all: a file with a
    million faulty lines costs neither memory nor a huge batch row. ``len()`` is the total;
    iterating gives the kept ones."""

    def __init__(self, errors=()):
        self.kept: list[RowError] = []
        self.total = 0
        for error in errors:
            self.append(error)

    def append(self, error: "RowError") -> None:
        self.total += 1
        if len(self.kept) < MAX_KEPT_ERRORS:
            self.kept.append(error)

    def copy(self) -> "ErrorList":
        copied = ErrorList()
        copied.kept, copied.total = list(self.kept), self.total
        return copied

    def __len__(self) -> int:
        return self.total

    def __iter__(self):
        return iter(self.kept)

    def __getitem__(self, index):
        return self.kept[index]

    def __eq__(self, other):
        if isinstance(other, ErrorList):
            return (self.total, self.kept) == (other.total, other.kept)
        if isinstance(other, list):
            return self.total == len(other) and self.kept == other
        return NotImplemented

    __hash__ = None

    def __repr__(self):
        return f"ErrorList(total={self.total}, kept={self.kept!r})"


@dataclass(frozen=True)
class RowError:
    """One problem of the file, where it is: sheet, line (1-based, as a spreadsheet shows it), column."""

    sheet: str
    line: int | None
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"sheet": self.sheet, "line": self.line, "column": self.column, "message": self.message}


@dataclass
class SheetRows:
    sheet: Sheet
    source_name: str  # the tab or file name as written in the upload
    rows: list[tuple[int, dict[str, Value]]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


@dataclass
class ReadResult:
    sheets: dict[str, SheetRows] = field(default_factory=dict)  # record type → rows
    errors: ErrorList = field(default_factory=ErrorList)


def _expected_sheets() -> str:
    return ", ".join(sheet.name for sheet in SHEETS)


def read_upload(content: bytes, file_name: str) -> ReadResult:
    """Dispatch on the content (magic bytes), not on the name the browser sent."""
    result = ReadResult()
    if not content.strip():
        result.errors.append(RowError(file_name, None, "", _("The file is empty.")))
        return result
    if content.startswith(XLS_MAGIC):
        result.errors.append(
            RowError(file_name, None, "", _("Old Excel files (.xls) are not accepted: save the workbook as .xlsx."))
        )
        return result
    try:
        if content.startswith(ZIP_MAGIC):
            archive = zipfile.ZipFile(io.BytesIO(content))
            _check_archive(archive)
            if "xl/workbook.xml" in archive.namelist():
                _check_xml_parts(archive)
                _read_xlsx(content, archive, result)
            else:
                _read_zip_of_csv(archive, result)
        else:
            _read_csv_file(content, file_name, result, guess_sheet=True)
    except FileRefused as refusal:
        result.sheets.clear()
        result.errors.append(RowError(file_name, None, "", str(refusal)))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, OSError, TypeError, SyntaxError) as error:
        # A corrupted workbook or archive: zipfile and openpyxl raise these on broken parts (an XML
        # ParseError is a SyntaxError; defusedxml's refusals of entities are ValueErrors).
        result.sheets.clear()
        result.errors.append(_unreadable(file_name, error))
    except Exception as error:  # openpyxl on a hostile workbook: never a 500
        logger.warning("Unreadable upload refused: %s", type(error).__name__)
        result.sheets.clear()
        result.errors.append(_unreadable(file_name, error))
    if not result.sheets and not result.errors:
        result.errors.append(
            RowError(
                file_name,
                None,
                "",
                _("No sheet of the import format was found: expected sheets are %(sheets)s.")
                % {"sheets": _expected_sheets()},
            )
        )
    return result


def _unreadable(file_name: str, error: Exception) -> RowError:
    return RowError(
        file_name,
        None,
        "",
        _("The file cannot be read (%(reason)s): export it again as XLSX or CSV.") % {"reason": type(error).__name__},
    )


def _check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse a zip bomb from the entries' declared sizes, before unpacking anything. zipfile never
    returns more bytes than an entry declares (and checks its CRC), so the declared sizes bound memory."""
    total = 0
    for info in archive.infolist():
        total += info.file_size
        if total > MAX_UNCOMPRESSED_BYTES:
            raise FileRefused(
                _("The file is too large once unpacked (more than %(limit)s MB).")
                % {"limit": MAX_UNCOMPRESSED_BYTES // 1024 // 1024}
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_CHECKED_FROM and ratio > MAX_COMPRESSION_RATIO:
            raise FileRefused(
                _(
                    "The file is refused: “%(entry)s” is compressed more than %(ratio)s times, as a “zip bomb” is. "
                    "Export the data again from your spreadsheet."
                )
                % {"entry": info.filename[-80:], "ratio": MAX_COMPRESSION_RATIO}
            )


_FORBIDDEN_XML = (b"<!DOCTYPE", b"<!ENTITY")


def _check_xml_parts(archive: zipfile.ZipFile) -> None:
    """A workbook written by a spreadsheet never declares a DOCTYPE or entities: refuse those (XXE,
    « billion laughs ») before openpyxl parses anything. defusedxml, which openpyxl uses when it is
    installed, refuses them too, whatever the part's encoding."""
    for info in archive.infolist():
        if not info.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        with archive.open(info) as part:
            head = part.read(64 * 1024).upper()  # a DOCTYPE can only come before the root element
        if any(marker in head for marker in _FORBIDDEN_XML):
            raise FileRefused(
                _(
                    "The file is refused: “%(entry)s” declares a DOCTYPE or XML entities, which a spreadsheet "
                    "never writes. Save the workbook again from your spreadsheet."
                )
                % {"entry": info.filename[-80:]}
            )


def _sheet_too_long(source_name: str) -> FileRefused:
    return FileRefused(
        _("Sheet “%(sheet)s” has more than %(limit)s lines: split the file into several imports.")
        % {"sheet": source_name, "limit": f"{MAX_LINES_PER_SHEET:,}".replace(",", "\u202f")}
    )


# ---- Headers ------------------------------------------------------------------------------------


def _map_headers(sheet: Sheet, source_name: str, line: int, headers: list, result: ReadResult):
    """Column index → key; errors for duplicated or missing required columns. None if unusable."""
    by_header = {}
    for column in sheet.columns:
        by_header[normalise_text(column.header)] = column
        by_header[normalise_text(column.key)] = column
    mapping: dict[int, str] = {}
    seen: dict[str, str] = {}
    ignored = []
    ok = True
    for index, raw in enumerate(headers):
        text = _text(raw)
        if not text:
            continue
        column = by_header.get(normalise_text(text))
        if column is None:
            ignored.append(text)
            continue
        if column.key in seen:
            result.errors.append(RowError(source_name, line, text, _("This column appears twice in the header line.")))
            ok = False
            continue
        seen[column.key] = text
        mapping[index] = column.key
    for column in sheet.columns:
        if column.required and column.key not in seen:
            result.errors.append(
                RowError(
                    source_name,
                    line,
                    column.header,
                    _("Required column “%(column)s” is missing.") % {"column": column.header},
                )
            )
            ok = False
    return (mapping, ignored) if ok else (None, ignored)


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _is_blank(values) -> bool:
    return all(_text(value) == "" for value in values)


def _add_rows(sheet: Sheet, source_name: str, rows, result: ReadResult, *, merged_header=None) -> None:
    """rows: iterable of (line number, list of cell values)."""
    if sheet.record_type in result.sheets:
        result.errors.append(
            RowError(source_name, None, "", _("Sheet “%(sheet)s” is given twice.") % {"sheet": sheet.name})
        )
        return
    iterator = iter(rows)
    for line, values in iterator:
        if not _is_blank(values):
            header_line, headers = line, values
            break
    else:
        result.errors.append(RowError(source_name, None, "", _("The sheet has no header line.")))
        return
    if merged_header and merged_header(header_line):
        result.errors.append(
            RowError(
                source_name,
                header_line,
                merged_header(header_line),
                _("Merged cells in the header line: unmerge them so that each column has its own header."),
            )
        )
        return
    mapping, ignored = _map_headers(sheet, source_name, header_line, list(headers), result)
    if mapping is None:
        return
    data = SheetRows(sheet, source_name, ignored_columns=ignored)
    for read, (line, values) in enumerate(iterator, start=1):
        if read > MAX_LINES_PER_SHEET:
            raise _sheet_too_long(source_name)
        if _is_blank(values):
            continue
        row = {}
        for index, key in mapping.items():
            value = values[index] if index < len(values) else None
            row[key] = value.strip() if isinstance(value, str) else value
        if _text(row.get("external_id")).casefold() == EXAMPLE_ID.casefold():
            continue  # the template's example line, left in (docs/import.md)
        data.rows.append((line, row))
    result.sheets[sheet.record_type] = data


# ---- XLSX ---------------------------------------------------------------------------------------

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"')
_SHEET_RID_FIRST = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?r:id="([^"]*)"[^>]*?name="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"')
_REL_TARGET_FIRST = re.compile(rb'<Relationship\b[^>]*?Target="([^"]*)"[^>]*?Id="([^"]*)"')


def _merged_ranges(archive: zipfile.ZipFile) -> dict[str, list[tuple[str, int, int]]]:
    """Sheet name → merged ranges (ref, first row, last row). openpyxl's fast read-only mode does not
    read merges, so they come straight from the sheets' XML."""
    import html

    workbook = archive.read("xl/workbook.xml")
    rels = archive.read("xl/_rels/workbook.xml.rels")
    targets = dict(_REL.findall(rels))
    targets.update({rid: target for target, rid in _REL_TARGET_FIRST.findall(rels)})
    sheets = list(_SHEET.findall(workbook)) + [(name, rid) for rid, name in _SHEET_RID_FIRST.findall(workbook)]
    merged = {}
    for name, rid in sheets:
        target = targets.get(rid, b"").decode()
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if path not in archive.namelist():
            continue
        ranges = []
        for col1, row1, col2, row2 in _MERGE.findall(archive.read(path)):
            ref = f"{col1.decode()}{row1.decode()}" + (f":{col2.decode()}{row2.decode()}" if col2 else "")
            ranges.append((ref, int(row1), int(row2 or row1)))
        merged[html.unescape(name.decode("utf-8"))] = ranges
    return merged


def _read_xlsx(content: bytes, archive: zipfile.ZipFile, result: ReadResult) -> None:
    from openpyxl import load_workbook

    merged = _merged_ranges(archive)
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        for worksheet in workbook.worksheets:
            title = worksheet.title
            if normalise_text(title) in IGNORED_SHEETS:
                continue
            sheet = sheet_for_name(title)
            if sheet is None:
                result.errors.append(
                    RowError(
                        title,
                        None,
                        "",
                        _("Unknown sheet “%(sheet)s”: expected sheets are %(sheets)s.")
                        % {"sheet": title, "sheets": _expected_sheets()},
                    )
                )
                continue
            ranges = merged.get(title, [])

            def merged_header(line, ranges=ranges):
                return next((ref for ref, first, last in ranges if first <= line <= last), "")

            rows = ((line, list(values)) for line, values in enumerate(worksheet.iter_rows(values_only=True), start=1))
            _add_rows(sheet, title, rows, result, merged_header=merged_header)
    finally:
        workbook.close()


# ---- CSV ----------------------------------------------------------------------------------------


def decode_text(content: bytes) -> str | None:
    """UTF-8 (with or without BOM), else Windows-1252; None when neither decodes (a binary file)."""
    if b"\x00" in content:
        return None
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        return None


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {separator: first.count(separator) for separator in (";", ",", "\t")}
    return max(counts, key=lambda separator: (counts[separator], separator == ";"))


def _csv_rows(text: str):
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    start = 1
    for values in reader:
        yield start, values
        start = reader.line_num + 1


def _guess_sheet(text: str) -> Sheet | None:
    """For a single CSV not named after its sheet: the sheet whose required headers it has."""
    first = next(_csv_rows(text), (0, []))[1]
    headers = {normalise_text(value) for value in first}
    candidates = [
        sheet
        for sheet in SHEETS
        if all(normalise_text(column.header) in headers for column in sheet.columns if column.required)
    ]
    candidates.sort(key=lambda sheet: -sum(normalise_text(column.header) in headers for column in sheet.columns))
    return candidates[0] if candidates else None


def _read_csv_file(content: bytes, file_name: str, result: ReadResult, *, guess_sheet: bool = False) -> None:
    text = decode_text(content)
    if text is None:
        result.errors.append(
            RowError(
                file_name,
                None,
                "",
                _("The file cannot be read: it is neither an XLSX workbook nor a CSV text (UTF-8 or Windows-1252)."),
            )
        )
        return
    sheet = sheet_for_name(file_name.rsplit("/", 1)[-1])
    if sheet is None and guess_sheet:
        sheet = _guess_sheet(text)
    if sheet is None:
        result.errors.append(
            RowError(
                file_name,
                None,
                "",
                _("Unknown sheet “%(sheet)s”: name each CSV file after its sheet (%(sheets)s).")
                % {"sheet": file_name, "sheets": ", ".join(f"{s.name}.csv" for s in SHEETS)},
            )
        )
        return
    try:
        _add_rows(sheet, file_name, _csv_rows(text), result)  # streamed: stops at the line limit
    except csv.Error as error:
        result.errors.append(
            RowError(file_name, None, "", _("The CSV file is malformed: %(reason)s.") % {"reason": str(error)})
        )


def _read_zip_of_csv(archive: zipfile.ZipFile, result: ReadResult) -> None:
    for info in archive.infolist():
        name = info.filename
        base = name.rsplit("/", 1)[-1]
        if info.is_dir() or name.startswith("__MACOSX/") or base.startswith(".") or not base.lower().endswith(".csv"):
            continue
        _read_csv_file(archive.read(info), base, result)
