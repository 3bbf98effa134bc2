"""File imports of platform back-end exports (S2.3.3 (2)): CSV or XLSX, read as a stream.

A file follows a *layout*: the generic one has one row per date × platform ×
account (× optional content) and one column per metric, named by its code or
its Chinese name (``platforms.metrics.METRIC_NAMES_ZH``). A layout finds the
header, maps columns and parses values; the presets of the analytics tools
(百度统计, 生意参谋, GA4 — ``presets``) are further ``Layout`` subclasses
registered in ``LAYOUTS``. ``layout_detect`` names the layout a file follows
from its first rows, for uploads that ask for ``AUTO``.

Rules, whichever door the file came through (page, API, command):

- the file is judged by its content (XLSX, or text that reads as UTF-8 or
  GB18030) and refused when larger than ``ANALYTICS_IMPORT_MAX_MB`` before it
  is read whole;
- every invalid row is reported as "row N: reason" (N is the row as a
  spreadsheet shows it: the header is row 1 unless title lines come first), in
  the uploader's language; a header the layout cannot use rejects the whole
  file; what a layout could not import as given (a rate without its parts)
  follows the row errors as notes;
- without ``skip_invalid`` nothing is written when any row is invalid; with it
  the valid rows are written and the invalid ones listed;
- the points go through the store (``PointStage``): a later row for the same
  date, account, content and metric replaces an earlier one, and re-importing
  a file changes nothing;
- the file is never held whole: rows are read one by one (``csv`` over the
  stream, openpyxl in read-only mode) and sent to the staging table in chunks.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import functools
import hashlib
import io
import itertools
import logging
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO

import filetype
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from platforms.metrics import METRIC_NAMES_ZH, METRICS, Metric, is_derived
from teams.jobs import enqueue_on_commit
from teams.selectors import user_can
from teams.services import audit_record

from ..models import ImportBatch, ImportStatus, MetricSource
from .store import MAX_VALUE, QUANTUM, PointStage

logger = logging.getLogger("campaignops.analytics")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
EXTENSIONS = {CSV: "csv", XLSX: "xlsx"}
# Bytes read to judge a file's type and a CSV's encoding.
SNIFF_BYTES = 64 * 1024
# Rows between two progress updates of a running import.
PROGRESS_EVERY = 5_000
# Error lines kept on the batch; the count of invalid rows is always exact.
ERRORS_KEPT = 1_000
# A cell with one of these means "no data" for that metric and row.
BLANKS = frozenset({"", "-", "--", "—", "n/a", "N/A"})
NON_NUMERIC, NEGATIVE, TOO_LARGE = "non_numeric", "negative", "too_large"
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日")
# Rows past this are accepted as data; a CSV field past it is refused.
csv.field_size_limit(1024 * 1024)
# The upload's choice "detect the layout from the file".
AUTO = "auto"
# Rows read to find a file's header and layout (tool exports put title lines first).
HEAD_ROWS = 60


def import_max_bytes() -> int:
    """The largest file an import accepts (``ANALYTICS_IMPORT_MAX_MB``, default 200 MB)."""
    return int(getattr(settings, "ANALYTICS_IMPORT_MAX_MB", 200)) * 1024 * 1024


def import_refuse_oversized(size: int | None, *, field_name: str = "file") -> None:
    """``ValidationError`` when ``size`` bytes exceed the import limit (checked before reading)."""
    limit = import_max_bytes()
    if size is not None and size > limit:
        raise ValidationError({field_name: _(
            "The file is %(size)s; imports may be at most %(limit)s."
        ) % {"size": filesizeformat(size), "limit": filesizeformat(limit)}})


def _text_encoding(head: bytes) -> str | None:
    """``utf-8-sig`` or ``gb18030`` when ``head`` reads as text in it, else None."""
    if b"\x00" in head:
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            # The sniffed bytes may end inside a character: decode as a stream.
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    return None


def import_file_kind(handle: IO[bytes], *, field_name: str = "file") -> str:
    """The file's type judged by its first bytes (``CSV`` or ``XLSX``), or ``ValidationError``."""
    handle.seek(0)
    head = handle.read(SNIFF_BYTES)
    handle.seek(0)
    if not head:
        raise ValidationError({field_name: _("The file is empty.")})
    kind = filetype.guess(head)
    if kind is not None and kind.mime == XLSX:
        return XLSX
    if kind is None and _text_encoding(head) is not None:
        return CSV
    raise ValidationError({field_name: _(
        "This file is neither CSV nor XLSX, whatever its name says."
    )})


# -- reading rows -------------------------------------------------------------------------------


class UnreadableFileError(Exception):
    """The file passed the type check but cannot be read to the end (damaged, mixed encodings)."""


def _csv_rows(handle: IO[bytes]) -> Iterator[list]:
    head = handle.read(SNIFF_BYTES)
    handle.seek(0)
    encoding = _text_encoding(head) or "utf-8-sig"
    text = io.TextIOWrapper(handle, encoding=encoding, newline="")
    lines = head.decode(encoding, errors="ignore").splitlines()[:HEAD_ROWS] if head else []
    try:
        yield from csv.reader(text, delimiter=_delimiter(lines))
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(_("The file mixes text encodings.")) from exc
    except csv.Error as exc:
        raise UnreadableFileError(_("The file is not valid CSV.")) from exc
    finally:
        # Hand the stream back unclosed: its owner closes it.
        with contextlib.suppress(ValueError):
            text.detach()


def _delimiter(lines: list[str]) -> str:
    """The separator of the file's data lines: comma, tab or semicolon.

    Judged on the line that holds the most of one of them — the header or a
    data row — so a title line or a ``#`` comment above the header misleads
    nothing; comma when the lines hold none.
    """
    best, most = ",", 0
    for line in lines:
        if line.lstrip().startswith("#"):
            continue
        for delimiter in (",", "\t", ";"):
            count = _unquoted(line).count(delimiter)
            if count > most:
                best, most = delimiter, count
    return best


def _unquoted(line: str) -> str:
    """The line without its quoted parts (a quoted "12,345" holds no separator)."""
    return re.sub(r'"[^"]*"', "", line)


def _xlsx_rows(handle: IO[bytes]) -> Iterator[list]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFileError(_("The XLSX file is damaged.")) from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def read_rows(handle: IO[bytes], kind: str) -> Generator[tuple[int, list], None, None]:
    """``(row number, cells)`` of the file's first sheet, row 1 first, one at a time."""
    rows = _xlsx_rows(handle) if kind == XLSX else _csv_rows(handle)
    yield from enumerate(rows, start=1)


def count_rows(handle: IO[bytes], kind: str) -> int | None:
    """A cheap estimate of the rows in the file (for the progress bar), or None."""
    handle.seek(0)
    try:
        if kind == XLSX:
            import openpyxl

            workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
            try:
                return workbook.worksheets[0].max_row
            finally:
                workbook.close()
        lines, last = 0, b""
        while chunk := handle.read(1024 * 1024):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
        return lines + (1 if last not in (b"", b"\n") else 0)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return None
    finally:
        handle.seek(0)


# -- layouts ------------------------------------------------------------------------------------


class HeaderError(Exception):
    """The header row cannot be used; ``reasons`` say why (translated)."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


class RowError(Exception):
    """One row is invalid; ``reasons`` say why (translated)."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


class TableEnd(Exception):  # noqa: N818 - a signal, not an error
    """The row ends the file's table: the rows after it (a footer, another table) are not data."""


@dataclass
class ParsedRow:
    date: datetime.date
    account_id: int
    values: list[tuple[str, Decimal]]
    content_item_id: int | None = None
    publication_id: int | None = None


@dataclass
class ImportContext:
    """What a layout may match a file's cells against: the campaign's team's accounts,
    the platform catalogue and the campaign's content."""

    campaign_id: int
    platforms: dict[str, tuple[int, str]]  # code / Chinese / English name (casefold) -> (id, name)
    accounts: dict[tuple[int, str], int]  # (platform id, handle casefold) -> account id
    items: dict[int, int]  # content item id -> itself (the campaign's items)
    titles: dict[str, list[int]]  # title (casefold) -> content item ids
    publications: dict[tuple[int, str], tuple[int, int]]  # (account, external id / url) -> (item, pub)
    fixed_account_id: int | None = None

    @classmethod
    def empty(cls) -> ImportContext:
        """A context that matches nothing: enough to judge a header."""
        return cls(campaign_id=0, platforms={}, accounts={}, items={}, titles={}, publications={})

    @classmethod
    def for_campaign(cls, campaign, *, account=None) -> ImportContext:
        from campaigns.content.models import ContentItem
        from campaigns.publishing.models import Publication
        from platforms.models import Platform, PlatformAccount

        platforms: dict[str, tuple[int, str]] = {}
        for platform in Platform.objects.all():
            for name in (platform.code, platform.name_zh, platform.name_en):
                platforms[name.strip().casefold()] = (platform.pk, platform.name)
        accounts = {
            (platform_id, handle.strip().casefold()): pk
            for pk, platform_id, handle in PlatformAccount.objects.filter(
                team_id=campaign.team_id
            ).values_list("pk", "platform_id", "handle")
        }
        items: dict[int, int] = {}
        titles: dict[str, list[int]] = {}
        for pk, title in ContentItem.objects.filter(campaign_id=campaign.pk).values_list(
            "pk", "title"
        ):
            items[pk] = pk
            titles.setdefault(title.strip().casefold(), []).append(pk)
        publications: dict[tuple[int, str], tuple[int, int]] = {}
        for pk, item_id, account_id, external_id, url in Publication.objects.filter(
            item__campaign_id=campaign.pk
        ).values_list("pk", "item_id", "account_id", "external_id", "url"):
            for key in (external_id, url):
                if key:
                    publications[(account_id, key.strip())] = (item_id, pk)
        return cls(
            campaign_id=campaign.pk, platforms=platforms, accounts=accounts, items=items,
            titles=titles, publications=publications,
            fixed_account_id=getattr(account, "pk", None),
        )


@functools.lru_cache(maxsize=4096)
def _date_from_text(text: str) -> datetime.date | None:
    """A date written as 2024-01-05, 2024/1/5, 20240105, 2024.1.5 or 2024年1月5日
    (a midnight time after it is allowed, as spreadsheets write dates)."""
    head, _sep, tail = text.partition(" ")
    if tail and tail.strip() in {"00:00", "00:00:00", "0:00", "0:00:00"}:
        text = head
    for pattern in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    return None


def _cell_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


class Layout:
    """How one kind of export file is read: where its header is, what its columns mean,
    how its cells are parsed. Subclasses override the parts their tool does differently."""

    code = "generic"
    label = gettext_lazy("Generic: one row per date, platform and account")
    # Files without platform and account columns (one site or shop per file) need
    # the user to name the account, on one of these platforms (codes).
    needs_account = False
    platforms: tuple[str, ...] = ()
    # The tool whose files the layout reads, for messages ("a %(tool)s export").
    tool: str | Promise = label

    def problems(self, header: list, *, account_id: int | None = None) -> list[str]:
        """Why this layout cannot read the header (translated); empty when it can
        (``account_id``: the account the user names for the whole file)."""
        context = ImportContext.empty()
        context.fixed_account_id = account_id
        try:
            self.bind(header, context)
        except HeaderError as exc:
            return exc.reasons
        return []

    def hinted(self, preamble: list[list]) -> bool:
        """Whether the lines above the header name this layout's tool."""
        return False

    def score(self, header: list) -> int:
        """How many of the header's columns this layout understands (detection ranks by it)."""
        return 0

    def header(self, rows: Iterator[tuple[int, list]]) -> tuple[int, list] | None:
        """The header row (number, cells): the first row with any text, by default."""
        for number, cells in rows:
            if any(_cell_text(c) for c in cells):
                return number, cells
        return None

    def bind(self, header: list, context: ImportContext) -> BoundLayout:
        """Match the header's columns; ``HeaderError`` when the file cannot be read with it."""
        raise NotImplementedError

    def describe(self, header: list) -> list[str]:
        """What each header cell becomes, for the preview ("" for a column left unread)."""
        return ["" for _cell in header]

    # -- value parsers, shared by presets -----------------------------------------------------
    def parse_date(self, cell: object) -> datetime.date | None:
        if type(cell) is str:
            return _date_from_text(cell.strip())
        if isinstance(cell, datetime.datetime):
            return cell.date()
        if isinstance(cell, datetime.date):
            return cell
        return _date_from_text(_cell_text(cell))

    def parse_number(self, cell: object) -> Decimal | None | str:
        """The cell's value; None for "no data"; ``NON_NUMERIC``, ``NEGATIVE`` or
        ``TOO_LARGE`` when it is unusable."""
        if type(cell) is str:
            text = cell.strip()
            if text in BLANKS:
                return None
            if "," in text and _THOUSANDS.match(text):
                text = text.replace(",", "")
            try:
                value = Decimal(text)
            except InvalidOperation:
                return NON_NUMERIC
        elif cell is None:
            return None
        elif isinstance(cell, bool):
            return NON_NUMERIC
        elif isinstance(cell, int):
            value = Decimal(cell)
        elif isinstance(cell, float):
            value = Decimal(repr(cell))
        else:
            return self.parse_number(str(cell))
        if not value.is_finite():
            return NON_NUMERIC
        if value < 0:
            return NEGATIVE
        value = value.quantize(QUANTUM, rounding=ROUND_HALF_UP)
        if value > MAX_VALUE:
            return TOO_LARGE
        return value


def value_problem(problem: str, value: str, column: str) -> str:
    """The translated reason a cell's value is unusable."""
    if problem == NEGATIVE:
        return _("negative value “%(value)s” in column %(column)s") % {
            "value": value, "column": column}
    if problem == TOO_LARGE:
        return _("value “%(value)s” in column %(column)s is too large") % {
            "value": value, "column": column}
    return _("non-numeric value “%(value)s” in column %(column)s") % {
        "value": value, "column": column}


class BoundLayout:
    """A layout matched to one file's header: parses that file's rows."""

    def parse(self, cells: list, number: int) -> ParsedRow | None:
        """Row ``number``'s points, None for a row to pass over (blank), ``RowError``,
        or ``TableEnd`` when the row ends the table."""
        raise NotImplementedError

    def notes(self) -> list[str]:
        """What the import kept as given or left out, for after the row errors (translated)."""
        return []


def _normalise(name: object) -> str:
    """A column name as layouts compare it: full-width forms folded (（PV） is (PV)),
    case and spaces ignored."""
    text = unicodedata.normalize("NFKC", _cell_text(name))
    return "".join(text.split()).casefold()


def column_key(name: object) -> str:
    """The form in which layouts compare column names (see ``_normalise``)."""
    return _normalise(name)


# The generic layout's fixed columns, by every name they may have.
FIXED_COLUMNS = {
    "date": ("date", "日期"),
    "platform": ("platform", "平台"),
    "account": ("account", "账号", "帐号"),
    "content": ("content", "内容"),
}
REQUIRED_COLUMNS = ("date", "platform", "account")


def metric_for_column(name: str) -> str | None:
    """The catalogue code a column name stands for (code, Chinese or English name), or None."""
    key = _normalise(name)
    if key in METRICS:
        return key
    return _metric_names().get(key)


@functools.cache
def _metric_names() -> dict[str, str]:
    names = {_normalise(chinese): str(code) for chinese, code in METRIC_NAMES_ZH.items()}
    with translation.override("en"):
        for code, label in Metric.choices:
            names.setdefault(_normalise(label), code)
    return names


_FIXED_NAMES = {_normalise(alias): role for role, aliases in FIXED_COLUMNS.items() for alias in aliases}


class GenericLayout(Layout):
    """One row per date × platform × account (× optional content), a column per metric."""

    def score(self, header: list) -> int:
        return sum(
            1 for cell in header if _normalise(cell) and (
                _normalise(cell) in _FIXED_NAMES or metric_for_column(_cell_text(cell))
            )
        )

    def describe(self, header: list) -> list[str]:
        """What each header cell becomes, in the reader's language ("" when unknown)."""
        roles = {
            "date": _("Date"), "platform": _("Platform"), "account": _("Account"),
            "content": _("Content"),
        }
        described = []
        for cell in header:
            role = _FIXED_NAMES.get(_normalise(cell))
            code = None if role else metric_for_column(_cell_text(cell))
            if role:
                described.append(str(roles[role]))
            elif code:
                described.append(str(Metric(code).label))
            else:
                described.append("")
        return described

    def bind(self, header: list, context: ImportContext) -> GenericBound:
        fixed: dict[str, int] = {}
        metrics: list[tuple[int, str, str]] = []
        seen: dict[str, str] = {}
        reasons: list[str] = []
        names = _FIXED_NAMES
        for index, cell in enumerate(header):
            name = _cell_text(cell)
            key = _normalise(cell)
            if not key:
                continue
            role = names.get(key)
            if role is not None:
                if role in fixed:
                    reasons.append(_("column “%(name)s” appears twice") % {"name": name})
                fixed[role] = index
                continue
            code = metric_for_column(name)
            if code is None:
                reasons.append(_("unknown column “%(name)s”") % {"name": name})
            elif is_derived(code):
                info = METRICS[code]
                reasons.append(_(
                    "column “%(name)s” is a rate, computed from %(numerator)s and "
                    "%(denominator)s: import those instead"
                ) % {"name": name, "numerator": info.numerator, "denominator": info.denominator})
            elif code in seen:
                reasons.append(_("columns “%(first)s” and “%(second)s” are both %(metric)s") % {
                    "first": seen[code], "second": name, "metric": code,
                })
            else:
                seen[code] = name
                metrics.append((index, code, name))
        for role in REQUIRED_COLUMNS:
            if role not in fixed and not (role in ("platform", "account")
                                          and context.fixed_account_id):
                reasons.append(_("missing column %(names)s") % {
                    "names": "/".join(FIXED_COLUMNS[role])
                })
        if not metrics:
            reasons.append(_("no metric column"))
        if reasons:
            raise HeaderError(reasons)
        return GenericBound(self, context, fixed, metrics)


class GenericBound(BoundLayout):
    def __init__(self, layout: Layout, context: ImportContext, fixed: dict[str, int],
                 metrics: list[tuple[int, str, str]]) -> None:
        self.layout = layout
        self.context = context
        self.metrics = metrics
        self.width = max([*fixed.values(), *(index for index, _c, _n in metrics)]) + 1
        # A column the file lacks reads as the blank cell past the row's end.
        missing = self.width
        self.date_index = fixed.get("date", missing)
        self.platform_index = fixed.get("platform", missing)
        self.account_index = fixed.get("account", missing)
        self.content_index = fixed.get("content", missing)
        # (platform cell, account cell) -> account id or a reason: files repeat them.
        self._accounts: dict[tuple, int | str | list[str]] = {}

    def parse(self, cells: list, number: int = 0) -> ParsedRow | None:
        if len(cells) <= self.width:
            cells = [*cells, *([None] * (self.width + 1 - len(cells)))]
        context = self.context
        reasons: list[str] = []
        raw_date = cells[self.date_index]
        day = self.layout.parse_date(raw_date)
        if day is None:
            if not any(_cell_text(c) for c in cells):
                return None
            reasons.append(_("bad date “%(value)s”") % {"value": _cell_text(raw_date)})
        account_id = context.fixed_account_id
        if account_id is None:
            key = (cells[self.platform_index], cells[self.account_index])
            found = self._accounts.get(key)
            if found is None:
                found = self._accounts[key] = self._account(*key)
            if isinstance(found, int):
                account_id = found
            else:
                reasons.extend(found)
        item_id = publication_id = None
        raw_content = _cell_text(cells[self.content_index])
        if raw_content and account_id is not None:
            content = self._content(raw_content, account_id)
            if isinstance(content, str):
                reasons.append(content)
            else:
                item_id, publication_id = content
        values: list[tuple[str, Decimal]] = []
        parse_number = self.layout.parse_number
        for index, code, column in self.metrics:
            value = parse_number(cells[index])
            if value is None:
                continue
            if isinstance(value, str):
                reasons.append(value_problem(value, _cell_text(cells[index]), column))
                continue
            values.append((code, value))
        if reasons:
            raise RowError(reasons)
        # A missing date or account added its reason above.
        assert day is not None
        assert account_id is not None
        return ParsedRow(
            date=day, account_id=account_id, values=values, content_item_id=item_id,
            publication_id=publication_id,
        )

    def _account(self, platform_cell: object, account_cell: object) -> int | list[str]:
        """The account the cells name, or the translated reasons they name none."""
        context = self.context
        raw_platform = _cell_text(platform_cell)
        platform = context.platforms.get(raw_platform.casefold())
        if platform is None:
            return [_("unknown platform “%(value)s”") % {"value": raw_platform}]
        raw_account = _cell_text(account_cell)
        account_id = context.accounts.get((platform[0], raw_account.casefold()))
        if account_id is None:
            return [_("unknown account “%(value)s” on %(platform)s") % {
                "value": raw_account, "platform": platform[1],
            }]
        return account_id

    def _content(self, raw: str, account_id: int) -> tuple[int, int | None] | str:
        """(item id, publication id) the cell names, or a translated reason."""
        context = self.context
        found = context.publications.get((account_id, raw))
        if found is not None:
            return found
        key = raw.lstrip("#")
        if key.isdigit() and int(key) in context.items:
            return int(key), None
        ids = context.titles.get(raw.casefold(), [])
        if len(ids) == 1:
            return ids[0], None
        if len(ids) > 1:
            return _("several content items are titled “%(value)s”") % {"value": raw}
        return _("unknown content “%(value)s”") % {"value": raw}


LAYOUTS: dict[str, Layout] = {"generic": GenericLayout()}


def layout_register(layout: Layout) -> Layout:
    """Add ``layout`` to the layouts uploads may name (its ``code``)."""
    LAYOUTS[layout.code] = layout
    return layout


def layout_for(code: str) -> Layout:
    """The layout registered under ``code``; ``KeyError`` for an unknown one."""
    return LAYOUTS[code]


def layout_choices() -> list[tuple[str, str]]:
    """(code, label) of every layout, "detect from the file" first, for forms and docs."""
    return [(AUTO, _("Detect from the file")), *((c, str(lay.label)) for c, lay in LAYOUTS.items())]


@dataclass
class Detection:
    """What the first rows of a file say about its layout.

    ``readers`` are the layouts that read its header, best first; ``code`` is
    the best one, None when several read it equally well (``candidates``) or
    none reads it — then ``problems`` say why the nearest layout (the one
    understanding most columns) cannot.
    """

    code: str | None
    candidates: list[str]
    problems: list[str]
    readers: list[str] = field(default_factory=list)


def layout_detect(handle: IO[bytes], kind: str, *, account_id: int | None = None) -> Detection:
    """The layout the file follows, judged by its first ``HEAD_ROWS`` rows (read as a stream).

    Layouts are ranked by the columns they understand, then by the lines above
    the header naming their tool; a tool's preset goes before the generic
    layout, which reads a tool's file only in part (no title lines, no total row).
    """
    handle.seek(0)
    reader = read_rows(handle, kind)
    try:
        head = list(itertools.islice(reader, HEAD_ROWS))
    finally:
        reader.close()
        handle.seek(0)
    readers: list[tuple[tuple[int, bool, bool], str]] = []
    # The layout understanding most columns, with the fewest problems on a tie.
    nearest: tuple[tuple[int, int], list[str]] | None = None
    for code, layout in LAYOUTS.items():
        found = layout.header(iter(head))
        if found is None:
            continue
        number, header = found
        problems = layout.problems(header, account_id=account_id)
        score = layout.score(header)
        if not problems:
            preamble = [cells for row, cells in head if row < number]
            readers.append(((score, layout.hinted(preamble), layout.needs_account), code))
        elif nearest is None or (score, -len(problems)) > nearest[0]:
            nearest = ((score, -len(problems)), problems)
    if readers:
        readers.sort(key=lambda pair: pair[0], reverse=True)
        best = readers[0][0]
        codes = [code for rank, code in readers if rank == best]
        return Detection(
            codes[0] if len(codes) == 1 else None, codes, [], [code for _rank, code in readers]
        )
    return Detection(None, [], nearest[1] if nearest else [])


def _layout_names(codes: list[str]) -> str:
    return _(" or ").join(str(LAYOUTS[code].label) for code in codes)


def _detected_preset(file: IO[bytes], kind: str, preset: str, account_id: int | None) -> str:
    """The preset to read the file with: the detected one for ``AUTO``, else ``preset``.

    ``ValidationError`` when ``AUTO`` finds no layout or several, and when a
    named layout cannot read the file but another one can.
    """
    detection = layout_detect(file, kind, account_id=account_id)
    if preset == AUTO:
        if detection.code is not None:
            return detection.code
        if detection.candidates:
            raise ValidationError({"preset": _(
                "This file could be read as %(layouts)s: choose its layout."
            ) % {"layouts": _layout_names(detection.candidates)}})
        if detection.problems:
            raise ValidationError({"file": _("No layout reads this file: %(problems)s.") % {
                "problems": "; ".join(detection.problems)
            }})
        raise ValidationError({"file": _("No layout reads this file: it has no header row.")})
    if preset not in detection.readers and detection.code is not None:
        raise ValidationError({"preset": _(
            "This file looks like %(detected)s, not %(chosen)s: choose that layout, "
            "or let the layout be detected from the file."
        ) % {"detected": LAYOUTS[detection.code].label, "chosen": LAYOUTS[preset].label}})
    return preset


def _check_account(layout: Layout, account) -> None:
    if not layout.needs_account:
        return
    from platforms.models import Platform

    names = _(" or ").join(
        p.name for p in Platform.objects.filter(code__in=layout.platforms).order_by("sort_order")
    )
    if account is None:
        raise ValidationError({"account": _(
            "An export of %(tool)s names no account: choose the account on %(platforms)s "
            "it belongs to."
        ) % {"tool": layout.tool, "platforms": names}})
    if account.platform.code not in layout.platforms:
        raise ValidationError({"account": _(
            "An export of %(tool)s belongs to an account on %(platforms)s, not on %(platform)s."
        ) % {"tool": layout.tool, "platforms": names, "platform": account.platform.name}})


# -- services ------------------------------------------------------------------------------------


def import_create(
    *,
    actor: User | None,
    campaign,
    file: IO[bytes],
    original_name: str,
    size: int | None = None,
    skip_invalid: bool = False,
    dry_run: bool = False,
    preset: str = "generic",
    account=None,
    language: str | None = None,
    run: bool = True,
) -> ImportBatch:
    """Store an uploaded export and start its import in the background.

    Checks, before anything is stored: the actor may import for the campaign's
    team (``metrics.import``; None is the system, e.g. the command line), the
    file is within the limit (judged by its size, not by reading it) and is a
    CSV or XLSX by its content, its layout is known (``AUTO``: detected from
    its first rows; a named layout that cannot read the file while another
    can is refused) and a layout whose files name no account has the user's
    account, of the campaign's team, on the layout's platform. The import runs
    in ``metrics_import_task`` once this transaction has committed
    (``run=False`` leaves it to the caller).
    """
    from ..tasks.ingest import metrics_import_task  # tasks call these services

    if actor is not None and not user_can(actor, campaign.team_id, "metrics.import"):
        raise PermissionDenied(_("You may not import metrics for this team."))
    if preset != AUTO and preset not in LAYOUTS:
        raise ValidationError({"preset": _("Unknown layout.")})
    if account is not None and account.team_id != campaign.team_id:
        raise ValidationError({"account": _("Choose one of the campaign team's accounts.")})
    import_refuse_oversized(size if size is not None else getattr(file, "size", None))
    kind = import_file_kind(file)
    try:
        preset = _detected_preset(file, kind, preset, getattr(account, "pk", None))
    except UnreadableFileError as exc:
        raise ValidationError({"file": str(exc)}) from exc
    _check_account(LAYOUTS[preset], account)
    digest = hashlib.sha256()
    file.seek(0)
    while chunk := file.read(1024 * 1024):
        digest.update(chunk)
    file.seek(0)
    language = language or translation.get_language() or ""
    with transaction.atomic():
        batch = ImportBatch(
            team_id=campaign.team_id, campaign=campaign, original_name=original_name[:255],
            sha256=digest.hexdigest(), preset=preset, account=account,
            skip_invalid=skip_invalid, dry_run=dry_run, language=language,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        batch.file.save(f"{uuid.uuid4().hex}.{EXTENSIONS[kind]}", File(file), save=False)
        batch.save()
        audit_record(
            actor=actor, action="metrics.import", target=batch, team=campaign.team,
            summary=gettext_noop("Imported metrics from %(name)s"),
            data={"name": batch.original_name, "campaign": campaign.pk, "layout": preset},
        )
        if run:
            enqueue_on_commit(metrics_import_task, batch.pk, language or None)
    return batch


@dataclass
class Preview:
    """The first rows of an import's file as the page shows them, with its header's reading."""

    header: list[str]
    columns: list[str]
    rows: list[list[str]]
    problems: list[str]
    # The header's row in the file (title lines of a tool's export come first).
    header_row: int = 1


def import_preview(*, batch: ImportBatch, rows: int = 10) -> Preview | None:
    """The header and the first ``rows`` rows of the batch's file (read as a stream),
    with what each column becomes and what is wrong with the header; None when unreadable."""
    layout = layout_for(batch.preset)
    assert batch.file.name is not None  # import_create saves every batch with its file
    kind = XLSX if batch.file.name.endswith(".xlsx") else CSV
    try:
        with batch.file.open("rb") as handle:
            reader = read_rows(handle, kind)
            found = layout.header(reader)
            if found is None:
                return Preview([], [], [], [_row_error(1, [_("no header row")])])
            number, header = found
            problems: list[str] = []
            try:
                layout.bind(header, ImportContext.for_campaign(batch.campaign, account=batch.account))
            except HeaderError as exc:
                problems.append(_row_error(number, exc.reasons))
            width = max((i + 1 for i, c in enumerate(header) if _cell_text(c)), default=0)
            shown: list[list[str]] = []
            for _number, cells in reader:
                if len(shown) >= rows:
                    break
                shown.append([_cell_text(c) for c in cells[:width]])
            reader.close()
    except (UnreadableFileError, FileNotFoundError):
        return None
    header = header[:width]
    return Preview(
        [_cell_text(c) for c in header], layout.describe(header), shown, problems, number
    )


def _set_progress(batch: ImportBatch, **fields) -> None:
    # Every progress write is also a sign of life for ``imports_sweep``.
    fields.setdefault("heartbeat_at", timezone.now())
    ImportBatch.objects.filter(pk=batch.pk).update(**fields)
    for name, value in fields.items():
        setattr(batch, name, value)


def _row_error(number: int, reasons: list[str]) -> str:
    return _("row %(number)s: %(reason)s") % {"number": number, "reason": "; ".join(reasons)}


def import_run(*, batch: ImportBatch) -> ImportBatch:
    """Read the batch's file and write its points; the batch says what came of it.

    Idempotent: a batch that is no longer waiting is returned as it is. Ends
    ``rejected`` (nothing written) when the header is unusable or a row is
    invalid without ``skip_invalid``; ``done`` otherwise — for a dry run with
    the counts the import would have, and nothing written. The layout's notes
    (values kept as given, columns left out) follow the row errors.
    """
    from ..tasks.evaluation import dashboard_archive_task  # tasks call these services

    claimed = ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING, runs=F("runs") + 1, heartbeat_at=timezone.now()
    )
    if not claimed:
        batch.refresh_from_db()
        return batch
    batch.status = ImportStatus.RUNNING
    layout = layout_for(batch.preset)
    if layout.needs_account and batch.account_id is None:
        # The batch keeps its account SET_NULL: deleted between upload and run.
        return _finish(batch, ImportStatus.REJECTED, [str(_(
            "The account this export belongs to was deleted before the import ran; "
            "upload the file again for an existing account."
        ))])
    context = ImportContext.for_campaign(batch.campaign, account=batch.account)
    assert batch.file.name is not None  # import_create saves every batch with its file
    kind = XLSX if batch.file.name.endswith(".xlsx") else CSV
    errors: list[str] = []
    invalid = 0

    def report(number: int, reasons: list[str]) -> None:
        nonlocal invalid
        invalid += 1
        if len(errors) < ERRORS_KEPT:
            errors.append(_row_error(number, reasons))

    try:
        with batch.file.open("rb") as handle, PointStage(
            source=MetricSource.IMPORT, batch_id=batch.pk
        ) as stage:
            total = count_rows(handle, kind)
            rows = read_rows(handle, kind)
            found = layout.header(rows)
            if found is None:
                return _finish(batch, ImportStatus.REJECTED, [_row_error(1, [_("no header row")])])
            header_number, header = found
            _set_progress(batch, rows_total=max((total or 1) - header_number, 0))
            try:
                bound = layout.bind(header, context)
            except HeaderError as exc:
                return _finish(batch, ImportStatus.REJECTED, [_row_error(header_number, exc.reasons)])
            done = 0
            campaign_id = context.campaign_id
            for number, cells in rows:
                done += 1
                try:
                    parsed = bound.parse(cells, number)
                except RowError as exc:
                    report(number, exc.reasons)
                    continue
                except TableEnd:
                    break
                if parsed is not None:
                    for metric, value in parsed.values:
                        stage.add_valid(
                            campaign_id, parsed.account_id, parsed.content_item_id,
                            parsed.publication_id, parsed.date, -1, metric, value,
                        )
                if done % PROGRESS_EVERY == 0:
                    _set_progress(batch, rows_done=done, rows_invalid=invalid)
            rows.close()
            _set_progress(batch, rows_done=done, rows_invalid=invalid, rows_total=done)
            if invalid > ERRORS_KEPT:
                errors.append(_("… and %(count)s more invalid rows") % {
                    "count": invalid - ERRORS_KEPT
                })
            if invalid and not batch.skip_invalid:
                return _finish(batch, ImportStatus.REJECTED, errors)
            errors.extend(bound.notes())
            stage.flush()
            if not batch.dry_run:
                stage.ensure_partitions()
            with transaction.atomic():
                counts = stage.merge()
                if batch.dry_run:
                    transaction.set_rollback(True)
                else:
                    # Managers open the dashboard after an import: have it ready.
                    for campaign_id in sorted(stage.campaign_ids):
                        enqueue_on_commit(dashboard_archive_task, campaign_id)
    except UnreadableFileError as exc:
        return _finish(batch, ImportStatus.FAILED, [*errors, str(exc)])
    return _finish(
        batch, ImportStatus.DONE, errors, points_added=counts.added,
        points_updated=counts.updated, points_unchanged=counts.unchanged,
    )


def _finish(batch: ImportBatch, status: str, errors: list[str], **counts) -> ImportBatch:
    _set_progress(batch, status=status, errors=errors, finished_at=timezone.now(), **counts)
    logger.info(
        "Import %s of campaign %s: %s, %s invalid row(s), %s", batch.pk, batch.campaign_id,
        status, batch.rows_invalid, counts,
    )
    return batch


def import_fail(*, batch_id: int) -> None:
    """Mark a batch that could not finish (the worker died or timed out) as failed."""
    ImportBatch.objects.filter(
        pk=batch_id, status__in=[ImportStatus.PENDING, ImportStatus.RUNNING]
    ).update(
        status=ImportStatus.FAILED, finished_at=timezone.now(),
        errors=[str(_("The import stopped before it finished; run it again."))],
    )


# Runs of one batch before it is given up: a file that kills its worker every time
# (memory exhausted, a crash in a reader) must not be re-queued for ever.
IMPORT_MAX_RUNS = 3


def import_stale_after() -> datetime.timedelta:
    """How long a waiting or running batch may go without a sign of life
    (``ANALYTICS_IMPORT_STALE_SECONDS``, default 15 minutes)."""
    return datetime.timedelta(seconds=int(getattr(settings, "ANALYTICS_IMPORT_STALE_SECONDS", 900)))


def imports_sweep() -> dict[str, list[int]]:
    """Put batches whose worker or message was lost back in the queue, or fail them.

    A ``running`` batch silent past ``import_stale_after`` lost its worker
    (killed, out of memory, the host gone): it goes back to ``pending`` and is
    sent again, until ``IMPORT_MAX_RUNS`` runs make it ``failed``. A ``pending``
    batch silent as long lost its message (the broker was down or restarted
    empty): it is sent again. Sending twice is harmless: only one run takes a
    pending batch, and a re-run writes the file's points again as an upsert on
    (date, account, content, metric), so it adds nothing twice.

    Why a sweeper and not ``acks_late`` with ``reject_on_worker_lost`` on the
    task: a redelivered message cannot tell a dead first run from a slow one
    (the batch says ``running`` either way), it arrives at once for a killed
    pool process but only after the broker's visibility timeout (an hour) for
    a killed worker, never for a message lost with the broker, and it loops for
    ever on a file that kills its worker. The heartbeat tells all of them apart
    the same way, whichever broker, pool or failure.
    """
    from ..tasks.ingest import metrics_import_task  # tasks call these services

    cutoff = timezone.now() - import_stale_after()
    silent = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    requeued: list[int] = []
    failed: list[int] = []
    for batch_id, status, runs, language in ImportBatch.objects.filter(
        silent, status__in=[ImportStatus.PENDING, ImportStatus.RUNNING]
    ).order_by("pk").values_list("pk", "status", "runs", "language"):
        # Each change is conditional on the row being as read, so a run that
        # finishes meanwhile (or a second sweeper) is never overwritten.
        still = ImportBatch.objects.filter(silent, pk=batch_id, status=status, runs=runs)
        if status == ImportStatus.RUNNING and runs >= IMPORT_MAX_RUNS:
            with translation.override(language or settings.LANGUAGE_CODE):
                reason = _(
                    "The import stopped %(count)s times before it finished; check the file, "
                    "then upload it again."
                ) % {"count": runs}
            if still.update(
                status=ImportStatus.FAILED, finished_at=timezone.now(), errors=[reason],
            ):
                failed.append(batch_id)
            continue
        if still.update(status=ImportStatus.PENDING, heartbeat_at=timezone.now()):
            enqueue_on_commit(metrics_import_task, batch_id, language or None)
            requeued.append(batch_id)
    if requeued or failed:
        logger.warning("Import sweep: re-queued %s, failed %s", requeued, failed)
    return {"requeued": requeued, "failed": failed}


# The analytics tools' presets subclass ``Layout`` above and register themselves.
from . import presets as _presets  # noqa: E402, F401
