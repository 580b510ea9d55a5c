"""Numbers people see ("1.2", "IV", "3"), derived from positions and the roadmap's style.

Numbers are never stored: moving a row renumbers everything at once. Styles seen in real roadmaps:

- ``hierarchical``: a child's number is its parent's plus its place among the parent's children
  (measures and subsections share one count): 1, 1.1, 1.1.1.
- ``restart``: sections as in hierarchical, measures count from 1 in each section.
- ``flat``: measures count 1…N through the whole document; sections as in hierarchical.

Subsections are labelled ``nested`` (1.1) or ``roman`` (I, II… among sibling sections); with
roman subsections, measures in ``hierarchical`` style count on through their top-level section
(2.1 … 2.9 across subsections I–III), as district documents do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

NUMBERING_STYLES: Final = ("hierarchical", "restart", "flat")
SUBSECTION_STYLES: Final = ("nested", "roman")
NodeKind = Literal["section", "measure"]


@dataclass(frozen=True)
class Node:
    """A section or a measure in document order, with its children if a section."""

    kind: NodeKind
    id: int
    children: Sequence[Node] = field(default_factory=tuple)


_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)


def roman(value: int) -> str:
    """1 -> "I", 14 -> "XIV"."""
    out = []
    for amount, letters in _ROMAN:
        count, value = divmod(value, amount)
        out.append(letters * count)
    return "".join(out)


def number_tree(
    top: Iterable[Node], style: str = "hierarchical", subsections: str = "nested"
) -> dict[tuple[NodeKind, int], str]:
    """The display number of every node, keyed by (kind, id)."""
    numbers: dict[tuple[NodeKind, int], str] = {}
    flat_counter = [0]

    def walk(children: Sequence[Node], prefix: str, depth: int, run: list[int] | None) -> None:
        shared = 0  # hierarchical: measures and sections share one count per parent
        sections_seen = 0
        measures_seen = 0
        for node in children:
            if node.kind == "section":
                shared += 1
                sections_seen += 1
                if depth >= 1 and subsections == "roman":
                    label = roman(sections_seen)
                    child_prefix = prefix  # measures keep counting by the top-level section
                    child_run = run
                else:
                    ordinal = shared if style == "hierarchical" else sections_seen
                    label = f"{prefix}.{ordinal}" if prefix else str(ordinal)
                    child_prefix = label
                    child_run = [0] if subsections == "roman" and depth == 0 else None
                numbers[("section", node.id)] = label
                walk(node.children, child_prefix, depth + 1, child_run)
                continue
            shared += 1
            measures_seen += 1
            if style == "flat":
                flat_counter[0] += 1
                label = str(flat_counter[0])
            elif style == "restart":
                label = str(measures_seen)
            elif run is not None:
                run[0] += 1
                label = f"{prefix}.{run[0]}" if prefix else str(run[0])
            else:
                label = f"{prefix}.{shared}" if prefix else str(shared)
            numbers[("measure", node.id)] = label

    walk(list(top), "", 0, None)
    return numbers


def infer_style(top: Iterable[Node], written: dict[tuple[NodeKind, int], str]) -> tuple[str, str]:
    """The (style, subsections) pair that reproduces most of a document's own numbers.

    Ties go to the simplest reading (hierarchical, nested). Numbers are compared without a
    trailing period ("1." is "1").
    """
    nodes = list(top)
    wanted = {key: value.strip().rstrip(".") for key, value in written.items() if value.strip()}
    best, best_score = ("hierarchical", "nested"), -1
    for style in NUMBERING_STYLES:
        for subsections in SUBSECTION_STYLES:
            got = number_tree(nodes, style, subsections)
            score = sum(got.get(key) == value for key, value in wanted.items())
            if score > best_score:
                best, best_score = (style, subsections), score
    return best
