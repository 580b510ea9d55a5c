"""The neutral shape every reader produces: paragraphs and tables of cells, in reading order.

Readers know containers (Word, Excel, text); ``recognise`` knows roadmaps. A new format is
one new reader that fills these classes.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Cell:
    text: str
    span: int = 1  # columns covered (a horizontally merged cell)
    bold: bool = False
    merged_up: bool = False  # continues the cell above (a vertically merged cell)


@dataclass(slots=True)
class Table:
    rows: list[list[Cell]] = field(default_factory=list)


@dataclass(slots=True)
class Paragraph:
    text: str
    bold: bool = False


Block = Paragraph | Table


@dataclass(slots=True)
class Document:
    blocks: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]
