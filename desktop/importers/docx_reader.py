"""Word (.docx) -> Document, reading WordprocessingML directly with a hardened lxml parser.

python-docx repeats a horizontally merged cell in every grid column it covers and has no notion
of vertical merges, and its cell access is slow on big tables; the XML says both plainly
(``w:gridSpan``, ``w:vMerge``), so the body is walked once here. Nested tables are flattened into
their cell's text, one row per line.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from desktop.importers.document import Cell, Document, Paragraph, Table
from desktop.importers.guard import (
    CheckedMemberStream,
    ImportError_,
    check_xml,
    check_zip_directory,
    read_member,
)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)


def read_docx(path: Path) -> Document:
    try:
        with zipfile.ZipFile(path) as archive:
            check_zip_directory(path, archive.infolist())
            names = archive.namelist()
            styles = read_member(archive, "word/styles.xml", path) if "word/styles.xml" in names else b""
            check_xml("word/styles.xml", styles)
            stream = CheckedMemberStream(archive, "word/document.xml", path)
            try:
                return _read_body(stream, _bold_styles(styles))
            except etree.XMLSyntaxError as exc:
                raise ImportError_(
                    f"Документ «{path.name}» повреждён (ошибка в XML: {exc.msg}). Сохраните его заново."
                ) from exc
            finally:
                stream.close()
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise ImportError_(
            f"Документ «{path.name}» повреждён: не найдено его содержимое. Сохраните его заново."
        ) from exc


def _read_body(stream: CheckedMemberStream, bold_styles: set[str]) -> Document:
    """Walk the body as it is parsed: each paragraph and each row of a body-level table is
    turned into the Document's shape and then dropped from the tree, so memory follows the
    Document, not the XML (a 100,000-measure roadmap is a 150 MB part)."""
    document = Document()
    table: Table | None = None
    depth = 0  # w:document is 1, w:body 2, its paragraphs and tables 3, their rows 4
    events = etree.iterparse(
        stream,
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
    )
    for event, element in events:
        if event == "start":
            depth += 1
            if depth == BODY_CHILD and element.tag == f"{W}tbl" and _in_body(element):
                table = Table()
            continue
        if depth == TABLE_ROW and table is not None and element.tag == f"{W}tr":
            table.rows.append(_row(element, bold_styles))
            _forget(element)
        elif depth == BODY_CHILD and _in_body(element):
            if element.tag == f"{W}p":
                text, bold = _paragraph(element, bold_styles)
                document.blocks.append(Paragraph(text, bold))
            elif element.tag == f"{W}tbl" and table is not None:
                document.blocks.append(table)
                table = None
            elif element.tag == f"{W}sdt":  # content controls wrap ordinary paragraphs and tables
                for inner in element.iter(f"{W}p"):
                    text, bold = _paragraph(inner, bold_styles)
                    document.blocks.append(Paragraph(text, bold))
            _forget(element)
        depth -= 1
    return document


BODY_CHILD, TABLE_ROW = 3, 4


def _in_body(element: etree._Element) -> bool:
    parent = element.getparent()
    return parent is not None and parent.tag == f"{W}body"


def _forget(element: etree._Element) -> None:
    """Free a handled element and the siblings before it (already handled too)."""
    element.clear()
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _bold_styles(styles: bytes) -> set[str]:
    """Paragraph and character styles that make text bold (headings, "Strong"…)."""
    if not styles:
        return set()
    try:
        root = etree.fromstring(styles, PARSER)
    except etree.XMLSyntaxError:
        return set()
    out = set()
    for style in root.iter(f"{W}style"):
        bold = style.find(f"{W}rPr/{W}b")
        if bold is not None and bold.get(f"{W}val") not in ("0", "false"):
            out.add(style.get(f"{W}styleId") or "")
    return out


def _is_bold(run: etree._Element, paragraph_bold: bool, bold_styles: set[str]) -> bool:
    rpr = run.find(f"{W}rPr")
    if rpr is not None:
        b = rpr.find(f"{W}b")
        if b is not None:
            return b.get(f"{W}val") not in ("0", "false")
        style = rpr.find(f"{W}rStyle")
        if style is not None and style.get(f"{W}val") in bold_styles:
            return True
    return paragraph_bold


def _paragraph(p: etree._Element, bold_styles: set[str]) -> tuple[str, bool]:
    """Text of a paragraph (tabs and line breaks kept) and whether all its text is bold."""
    style = p.find(f"{W}pPr/{W}pStyle")
    paragraph_bold = style is not None and style.get(f"{W}val") in bold_styles
    ppr_bold = p.find(f"{W}pPr/{W}rPr/{W}b")
    parts: list[str] = []
    bold_all, any_text = True, False
    for run in p.iter(f"{W}r"):
        run_text = []
        for node in run:
            tag = node.tag
            if tag == f"{W}t":
                run_text.append(node.text or "")
            elif tag == f"{W}tab":
                run_text.append("\t")
            elif tag in (f"{W}br", f"{W}cr"):
                run_text.append("\n")
        text = "".join(run_text)
        if text.strip():
            any_text = True
            bold_all &= _is_bold(run, paragraph_bold or ppr_bold is not None, bold_styles)
        parts.append(text)
    numbering = p.find(f"{W}pPr/{W}numPr")
    text = "".join(parts)
    if numbering is not None and text.strip():
        text = "- " + text  # an automatic list item: keep it recognisable as one
    return text, any_text and bold_all


def _cell_text(tc: etree._Element, bold_styles: set[str]) -> tuple[str, bool]:
    lines: list[str] = []
    bold_all, any_text = True, False
    for child in tc:
        if child.tag == f"{W}p":
            text, bold = _paragraph(child, bold_styles)
            lines.append(text)
            if text.strip():
                any_text = True
                bold_all &= bold
        elif child.tag == f"{W}tbl":  # nested table: its rows as lines
            for row in _table(child, bold_styles).rows:
                lines.append("\t".join(c.text for c in row if c.text))
    text = "\n".join(line.rstrip() for line in lines).strip("\n")
    return text, any_text and bold_all


def _table(tbl: etree._Element, bold_styles: set[str]) -> Table:
    """A nested table (inside a cell), read whole: it is small."""
    return Table([_row(tr, bold_styles) for tr in tbl.iterfind(f"{W}tr")])


def _row(tr: etree._Element, bold_styles: set[str]) -> list[Cell]:
    row: list[Cell] = []
    for tc in tr.iterfind(f"{W}tc"):
        props = tc.find(f"{W}tcPr")
        span = 1
        merged_up = False
        if props is not None:
            grid_span = props.find(f"{W}gridSpan")
            if grid_span is not None:
                try:
                    span = max(1, min(64, int(grid_span.get(f"{W}val") or 1)))
                except ValueError:
                    span = 1
            vmerge = props.find(f"{W}vMerge")
            merged_up = vmerge is not None and vmerge.get(f"{W}val") in (None, "continue")
        text, bold = _cell_text(tc, bold_styles)
        row.append(Cell("" if merged_up else text, span, bold, merged_up))
    return row
