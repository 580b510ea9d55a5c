"""PDF -> Document: the measures table from each page's ruling lines and the words inside its
cells, the text around it as paragraphs — the same neutral shape the Word reader gives, so one
recogniser reads both.

pdfplumber (on pdfminer.six) gives every character with its position and font, and every ruling
line; its table finder builds the cells from those lines, which is how Word, LibreOffice, this
program's own export and printer drivers draw a roadmap's table. A table continued on the next
page is a table of its own there, as a Word table split by a page break is: the recogniser joins
tables of the same width and drops the header repeated on each page. A page that has pictures
but no text is a scan: said, nothing read.
"""

from __future__ import annotations

import bisect
import ctypes
import itertools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from desktop.importers.document import Block, Cell, Document, Paragraph, Table
from desktop.importers.guard import ImportError_

MAX_PAGES: Final = 1_000
CHILD_SECONDS: Final = 120  # the 1,000-measure roadmap's 270 pages take 4 s
CHILD_MEMORY: Final = 1024 * 2**20  # address space of the reading process (its libraries ~600 MB)
MAX_CHARS_PER_PAGE: Final = 60_000  # a page of 6-pt text holds ~15,000; more is not a roadmap
_BULLET = re.compile(r"^\s*(?:[-–—•●▪·*]|\d{1,2}[.)]\s)")
_PAGE_NUMBER = re.compile(r"^\s*(?:[-–—]\s*)?\d{1,4}(?:\s*[-–—])?\s*$|^\s*(?:стр\.?|страница)\s*\d+", re.I)
_INDENT: Final = 60.0  # points: more space before a line than a paragraph's first-line indent
_NUMBER = re.compile(r"[\d.]+")
_THIN: Final = 2.0  # points: a path this thin is a ruling line
_HEAVY = re.compile(r"bold|black|heavy|semibold|demi", re.I)
_TABLE_SETTINGS: Final = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


def joined_lines(text: str) -> str:
    """A cell's or paragraph's visual lines joined back into its text: a line wrapped by the width
    continues with a space (or, after a hyphen, directly); a bullet starts a line of its own."""
    out = ""
    text = text.replace("\x02", "-")  # PDFium's mark of a hyphen that ends a line
    for line in (part.strip() for part in text.split("\n")):
        if not line:
            continue
        if not out:
            out = line
        elif out[-1:].isdigit() and _NUMBER.fullmatch(line) and _NUMBER.fullmatch(out.split()[-1]):
            out += line  # a number broken by a narrow column: «10.1» + «0»
        elif _BULLET.match(line):
            out += "\n" + line
        elif out.endswith("-") and len(out) > 1 and out[-2].isalpha() and line[:1].isalpha():
            out += line  # «учебно-\nметодический», «Семинар-\nпрактикум»: the hyphen is the word's own
        else:
            out += " " + line
    return out


def _first_word(line: dict[str, Any]) -> float:
    """The width of a line's first word and the space before it."""
    chars: list[_Char] = line["chars"]
    words = [c for c in chars if c.text.strip()]
    if not words:
        return 0.0
    end = words[0].x1
    for char in chars[chars.index(words[0]) :]:
        if not char.text.strip():
            break
        end = char.x1
    return end - words[0].x0 + 0.3 * words[0].size


def _inside(box: tuple[float, float, float, float], top: float, bottom: float) -> bool:
    middle = (top + bottom) / 2
    return box[1] - 1 <= middle <= box[3] + 1


@dataclass(slots=True)
class _Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    index: int  # PDFium's number of the character: its font is asked only when it matters
    fonts: _Fonts

    @property
    def bold(self) -> bool:
        return self.fonts.heavy(self.index)


class _Fonts:
    """Whether a character's font is a bold one, asked of PDFium only for the characters whose
    weight decides something (a few of each cell and paragraph), names cached."""

    def __init__(self, textpage: Any) -> None:
        self.textpage = textpage
        self.name = ctypes.create_string_buffer(96)
        self.flags = ctypes.c_int()
        self.by_name: dict[bytes, bool] = {}
        self.by_index: dict[int, bool] = {}

    def heavy(self, index: int) -> bool:
        found = self.by_index.get(index)
        if found is None:
            import pypdfium2.raw as raw

            raw.FPDFText_GetFontInfo(self.textpage.raw, index, self.name, 96, ctypes.byref(self.flags))
            font = self.name.value
            found = self.by_name.get(font)
            if found is None:
                found = self.by_name[font] = bool(_HEAVY.search(font.decode("latin-1")))
            self.by_index[index] = found
        return found


class _Page:
    """What the table finder asks of a page: its ruling lines (as pdfplumber's edges) and box."""

    def __init__(self, edges: list[dict[str, Any]], width: float, height: float) -> None:
        self.edges = edges
        self.bbox = (0.0, 0.0, width, height)


def _chars(textpage: Any, height: float) -> list[_Char]:
    """Every character of the page with its line box (top from the page's top); its font is
    asked later, and only when it matters."""
    import pypdfium2.raw as raw

    out: list[_Char] = []
    handle = textpage.raw
    box = raw.FS_RECTF()
    fonts = _Fonts(textpage)
    unicode, loose_box, font_size = (
        raw.FPDFText_GetUnicode,
        raw.FPDFText_GetLooseCharBox,
        raw.FPDFText_GetFontSize,
    )
    for index in range(raw.FPDFText_CountChars(handle)):
        text = chr(unicode(handle, index))
        if text in "\r\n\x00\ufffe\uffff":
            continue  # the line ends PDFium adds; lines are found from positions
        loose_box(handle, index, ctypes.byref(box))
        left, right, top, bottom = box.left, box.right, box.top, box.bottom
        if not text.strip() and out:
            last = out[-1]
            if top - bottom < 0.5:  # a space between justified words has no height
                top, bottom = height - last.top, height - last.bottom
            out.append(_Char(text, left, right, height - top, height - bottom, last.size, last.index, fonts))
            continue
        size = float(font_size(handle, index)) or (top - bottom)
        out.append(_Char(text, left, right, height - top, height - bottom, size, index, fonts))
    return out


def _edges(page: Any, height: float) -> list[dict[str, Any]]:
    """The page's ruling lines as pdfplumber's edges: thin paths, and the straight segments of
    paths that draw many lines at once (a whole grid in one path, as reportlab draws it)."""
    import pypdfium2.raw as raw

    out: list[dict[str, Any]] = []
    for path in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=3):
        outer = _outer_matrix(path)  # a path inside a form (a repeated header) is in the form's space
        left, bottom, right, top = path.get_bounds()
        (left, bottom), (right, top) = _apply(outer, (left, bottom)), _apply(outer, (right, top))
        left, right = sorted((left, right))
        bottom, top = sorted((bottom, top))
        if right - left <= _THIN or top - bottom <= _THIN:
            out += _segment(left, height - top, right, height - bottom)
            continue
        out += _path_segments(path, outer, height)
    return out


_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Final = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _outer_matrix(obj: Any) -> _Matrix:
    """The forms' matrices around an object, composed: its container's space -> the page's."""
    matrix: _Matrix = _IDENTITY
    container = getattr(obj, "container", None)
    while container is not None and hasattr(container, "get_matrix"):
        matrix = _compose(matrix, tuple(container.get_matrix().get()))
        container = getattr(container, "container", None)
    return matrix


def _compose(inner: _Matrix, outer: _Matrix) -> _Matrix:
    a, b, c, d, e, f = inner
    a2, b2, c2, d2, e2, f2 = outer
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )


def _apply(matrix: _Matrix, point: tuple[float, float]) -> tuple[float, float]:
    a, b, c, d, e, f = matrix
    x, y = point
    return a * x + c * y + e, b * x + d * y + f


def _path_segments(path: Any, outer: _Matrix, height: float) -> list[dict[str, Any]]:
    """The straight, level or upright segments of a path, in the page's coordinates."""
    import pypdfium2.raw as raw

    own = raw.FS_MATRIX()
    if not raw.FPDFPageObj_GetMatrix(path.raw, ctypes.byref(own)):
        return []
    matrix = _compose((own.a, own.b, own.c, own.d, own.e, own.f), outer)
    count = raw.FPDFPath_CountSegments(path.raw)
    if count > 20_000:
        return []  # a drawing, not a table's lines
    out: list[dict[str, Any]] = []
    start = previous = None
    x, y = ctypes.c_float(), ctypes.c_float()
    for index in range(count):
        segment = raw.FPDFPath_GetPathSegment(path.raw, index)
        if not raw.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y)):
            continue
        point = _apply(matrix, (x.value, y.value))
        kind = raw.FPDFPathSegment_GetType(segment)
        if kind == raw.FPDF_SEGMENT_MOVETO or previous is None:
            start = point
        elif kind == raw.FPDF_SEGMENT_LINETO:
            out += _line_edges(previous, point, height)
        if raw.FPDFPathSegment_GetClose(segment) and start is not None:
            out += _line_edges(point, start, height)
        previous = point
    return out


def _line_edges(a: tuple[float, float], b: tuple[float, float], height: float) -> list[dict[str, Any]]:
    left, right = sorted((a[0], b[0]))
    low, high = sorted((a[1], b[1]))
    return _segment(left, height - high, right, height - low)


def _segment(x0: float, top: float, x1: float, bottom: float) -> list[dict[str, Any]]:
    """One edge of a level or upright box this thin; none for anything else."""
    if x1 - x0 <= _THIN and bottom - top > _THIN:
        return [_edge("v", (x0 + x1) / 2, (x0 + x1) / 2, top, bottom)]
    if bottom - top <= _THIN and x1 - x0 > _THIN:
        return [_edge("h", x0, x1, (top + bottom) / 2, (top + bottom) / 2)]
    return []


def _edge(orientation: str, x0: float, x1: float, top: float, bottom: float) -> dict[str, Any]:
    return {
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "width": x1 - x0,
        "height": bottom - top,
        "orientation": orientation,
        "object_type": "line",
    }


def _lines(chars: list[_Char]) -> list[dict[str, Any]]:
    """Characters cut into visual lines by where they stand, not by the order the PDF lists them
    (a generator may write a line's words in any order): bands of overlapping height, each read
    left to right; a wide gap inside a line (a tab stop) becomes a tab."""
    bands: list[list[_Char]] = []
    top = bottom = 0.0
    for char in sorted(chars, key=lambda c: (c.top + c.bottom) / 2):
        middle = (char.top + char.bottom) / 2
        if bands and top <= middle <= bottom:
            band = bands[-1]
            if len(band) < 8:  # the band's height: that of its first characters
                top, bottom = min(top, char.top), max(bottom, char.bottom)
            band.append(char)
            continue
        bands.append([char])
        top, bottom = char.top, char.bottom
    lines = []
    for band in bands:
        ordered = sorted(band, key=lambda c: c.x0)
        spaced: list[_Char] = []
        for char in ordered:
            if spaced and char.text.strip() and spaced[-1].text.strip():
                gap = char.x0 - spaced[-1].x1
                if gap > 2.0 * max(char.size, 1.0):
                    at = spaced[-1].x1
                    spaced.append(
                        _Char("\t", at, char.x0, char.top, char.bottom, char.size, char.index, char.fonts)
                    )
            if not (char.text.isspace() and spaced and spaced[-1].text.isspace()):
                spaced.append(char)
        lines.append(_line(spaced))
    return [line for line in lines if line["text"].strip()]


def _line(chars: list[_Char]) -> dict[str, Any]:
    text = "".join(c.text for c in chars)
    return {
        "text": text.strip(),
        "x0": min(c.x0 for c in chars if c.text.strip()) if text.strip() else chars[0].x0,
        "x1": max(c.x1 for c in chars if c.text.strip()) if text.strip() else chars[-1].x1,
        "top": min(c.top for c in chars),
        "bottom": max(c.bottom for c in chars),
        "chars": chars,
    }


def _bold(chars: list[_Char]) -> bool:
    """Set in bold: most of the letters' fonts say so (seven of them, evenly taken, are asked)."""
    letters = [c for c in chars if c.text.strip()]
    if len(letters) > 7:
        letters = [letters[i * (len(letters) - 1) // 6] for i in range(7)]
    return bool(letters) and sum(1 for c in letters if c.bold) * 2 > len(letters)


class _PageReader:
    """One page: its tables, then the lines of text outside them grouped into paragraphs."""

    def __init__(self, page: Any, textpage: Any) -> None:
        from pdfplumber.table import TableFinder

        width, height = page.get_size()
        self.chars = _chars(textpage, height)
        finder = TableFinder(_Page(_edges(page, height), width, height), _TABLE_SETTINGS)  # type: ignore[arg-type]
        self.tables = [t for t in finder.tables if len(t.rows) >= 1 and len(t.columns) >= 2]

    def blocks(self) -> list[tuple[float, Block]]:
        boxes = [t.bbox for t in self.tables]
        found: list[tuple[float, Block]] = [(t.bbox[1], self._table(t)) for t in self.tables]
        outside = [c for c in self.chars if not any(_inside(box, c.top, c.bottom) for box in boxes)]
        found.extend(self._paragraphs(_lines(outside)))
        found.sort(key=lambda item: item[0])
        return found

    def _table(self, table: Any) -> Table:
        columns = sorted({round(x, 1) for cell in table.cells for x in (cell[0], cell[2])})
        out = Table()
        x0s, x1s = table.bbox[0], table.bbox[2]
        inside = sorted(
            (c for c in self.chars if x0s - 1 <= (c.x0 + c.x1) / 2 <= x1s + 1), key=lambda c: c.top + c.bottom
        )
        middles = [(c.top + c.bottom) / 2 for c in inside]
        for row in table.rows:
            cells: list[Cell] = []
            covered_until = -1.0
            row_top, row_bottom = row.bbox[1], row.bbox[3]
            in_row = inside[bisect.bisect_left(middles, row_top) : bisect.bisect_right(middles, row_bottom)]
            for position, box in enumerate(row.cells):
                if box is None:
                    left = columns[position] if position < len(columns) else 0.0
                    if left < covered_until - 0.5:
                        continue  # inside the span of the cell on its left
                    cells.append(Cell("", merged_up=True))
                    continue
                x0, top, x1, bottom = box
                covered_until = x1
                span = max(1, sum(1 for x in columns if x0 + 0.5 < x < x1 - 0.5) + 1)
                mine = [
                    c
                    for c in in_row
                    if x0 <= (c.x0 + c.x1) / 2 <= x1 and top <= (c.top + c.bottom) / 2 <= bottom
                ]
                text = "\n".join(line["text"] for line in _lines(mine))
                cells.append(Cell(joined_lines(text), span, _bold(mine)))
            out.rows.append(cells)
        return out

    def _paragraphs(self, lines: list[dict[str, Any]]) -> list[tuple[float, Block]]:
        """Lines wrapped by the width join into one paragraph: the next line follows closely and
        its first word would not have fitted on the line before; a short line ends its paragraph."""
        if not lines:
            return []
        right = max(line["x1"] for line in lines)
        left = min(line["x0"] for line in lines)
        out: list[tuple[float, Paragraph]] = []
        current: list[dict[str, Any]] = []
        for line in lines:
            if current:
                last = current[-1]
                height = max(1.0, last["bottom"] - last["top"])
                close = line["top"] - last["bottom"] < 0.6 * height
                # wrapped by the width: the next line's first word would not have fitted on it — at
                # its end, or before it in a block set to the right (not a first line's indent)
                indent = last["x0"] - left
                free = right - last["x1"] + (indent if indent > _INDENT else 0.0)
                if not (close and free < _first_word(line) and not _BULLET.match(line["text"])):
                    out.append(self._paragraph(current))
                    current = []
            current.append(line)
        out.append(self._paragraph(current))
        return [item for item in out if not _PAGE_NUMBER.match(item[1].text)]

    @staticmethod
    def _paragraph(lines: list[dict[str, Any]]) -> tuple[float, Paragraph]:
        text = joined_lines("\n".join(line["text"] for line in lines))
        chars = [c for line in lines for c in line["chars"]]
        return lines[0]["top"], Paragraph(text, _bold(chars))


def read_pdf(path: Path) -> Document:
    """The paragraphs and tables of a text PDF, read in a process of its own with a memory limit
    and a time limit: a PDF's streams can inflate to gigabytes (a flate bomb took 2.6 GB and 23 s
    in the program's own process), and PDFium's C code cannot be stopped from Python."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(str(path), sender), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(CHILD_SECONDS):
            raise ImportError_(
                f"PDF «{path.name}» не прочитан за {CHILD_SECONDS} секунд: он слишком сложен или "
                "повреждён. Импортируйте исходный документ Word или Excel. Ничего не записано."
            )
        kind, payload = receiver.recv()
    except (EOFError, OSError):
        raise ImportError_(
            f"PDF «{path.name}» не удалось прочитать: он требует больше памяти, чем допускается "
            f"({CHILD_MEMORY // 2**20} МБ), или повреждён. Импортируйте исходный документ Word или "
            "Excel. Ничего не записано."
        ) from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if kind != "ok":
        raise ImportError_(str(payload))
    assert isinstance(payload, Document)
    return payload


def _child(path: str, sender: Any) -> None:
    """The reading process: memory capped where the system allows it (not on Windows, where the
    time limit alone bounds it), the Document or the message sent back."""
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))
    except (ImportError, ValueError, OSError):
        pass
    try:
        sender.send(("ok", read_pdf_here(Path(path))))
    except ImportError_ as error:
        sender.send(("error", error.message))
    except MemoryError:
        pass  # nothing sent: the program says the PDF needs more memory than it may take
    finally:
        sender.close()


def read_pdf_here(path: Path) -> Document:
    """The paragraphs and tables of a text PDF, page by page; ImportError_ (Russian) for a scan,
    an encrypted or damaged file."""
    import pypdfium2 as pdfium

    document = Document()
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        if "password" in str(error).lower():
            raise ImportError_(
                f"PDF «{path.name}» защищён паролем: откройте его, снимите защиту (или напечатайте в "
                "PDF заново) и импортируйте снова. Ничего не записано."
            ) from None
        raise ImportError_(
            f"PDF «{path.name}» повреждён и не читается. Откройте исходный документ или сохраните PDF "
            "заново. Ничего не записано."
        ) from None
    try:
        if len(pdf) > MAX_PAGES:
            raise ImportError_(
                f"В PDF «{path.name}» {len(pdf)} страниц (допускается до {MAX_PAGES}): это не одна "
                "дорожная карта. Сохраните нужные страницы отдельным файлом."
            )
        text = pictures = 0
        for number in range(len(pdf)):
            page = pdf[number]
            try:
                textpage = page.get_textpage()
                reader = _PageReader(page, textpage)
                if len(reader.chars) > MAX_CHARS_PER_PAGE:
                    raise ImportError_(
                        f"Страница {number + 1} PDF «{path.name}» содержит слишком много текста для "
                        "дорожной карты: файл не читается."
                    )
                text += sum(1 for c in reader.chars if c.text.strip())
                if not reader.chars:
                    pictures += _pictures(page)
                document.blocks.extend(block for _top, block in reader.blocks())
                textpage.close()
            finally:
                page.close()
    except pdfium.PdfiumError:
        raise ImportError_(
            f"PDF «{path.name}» повреждён и не читается. Откройте исходный документ или сохраните PDF "
            "заново. Ничего не записано."
        ) from None
    finally:
        pdf.close()
    _join_page_splits(document.blocks)
    if text == 0:
        if pictures:
            raise ImportError_(
                f"PDF «{path.name}» — это отсканированные страницы (картинки без текста): программа не "
                "распознаёт текст на картинках. Импортируйте исходный документ Word или Excel, либо "
                "распознайте PDF программой распознавания текста (например, откройте его в Word) и "
                "импортируйте получившийся документ. Ничего не записано."
            )
        raise ImportError_(f"В PDF «{path.name}» нет текста: дорожную карту в нём найти нельзя.")
    return document


def _join_page_splits(blocks: list[Block]) -> None:
    """A row broken by a page continues in the next page's table: when its number was cut too
    («10.1» on one page, «9» on the next — 10.19 after 10.18), the two parts are one row again.
    (A continuation with no number at all is the recogniser's to join.)"""
    tables = [b for b in blocks if isinstance(b, Table) and b.rows]
    for before, after in itertools.pairwise(tables):
        width = sum(c.span for c in before.rows[0])
        if sum(c.span for c in after.rows[0]) != width:
            continue
        heads = 0
        while heads < len(after.rows) and [c.text for c in after.rows[heads]] == [
            c.text for c in before.rows[heads] if heads < len(before.rows)
        ]:
            heads += 1  # the header repeated on the page
        numbered = [r for r in before.rows if r and re.fullmatch(r"\d+(?:\.\d+)*\.?", r[0].text.strip())]
        if heads >= len(after.rows) or len(numbered) < 2:
            continue
        first, last, previous = after.rows[heads], numbered[-1], numbered[-2]
        fragment = first[0].text.strip()
        if last is not before.rows[-1] or not re.fullmatch(r"\d{1,2}", fragment) or len(first) != len(last):
            continue
        cut, prior = last[0].text.strip().rstrip("."), previous[0].text.strip().rstrip(".")
        if cut.rsplit(".", 1)[0] != prior.rsplit(".", 1)[0] or _last(cut + fragment) != _last(prior) + 1:
            continue
        for mine, more in zip(last, first, strict=True):
            mine.text = joined_lines(f"{mine.text}\n{more.text}") if more.text else mine.text
        del after.rows[heads]


def _last(number: str) -> int:
    tail = number.rsplit(".", 1)[-1]
    return int(tail) if tail.isdigit() else -1


def _pictures(page: Any) -> int:
    import pypdfium2.raw as raw

    return sum(1 for _image in page.get_objects(filter=[raw.FPDF_PAGEOBJ_IMAGE], max_depth=3))
