"""Numbers people see follow positions and the document's numbering style."""

from __future__ import annotations

import pytest

from models.domain.numbering import Node, infer_style, number_tree, roman


def tree() -> list[Node]:
    return [
        Node("section", 1, [Node("measure", 1), Node("measure", 2)]),
        Node(
            "section",
            2,
            [
                Node("section", 3, [Node("measure", 3), Node("measure", 4)]),
                Node("section", 4, [Node("measure", 5)]),
            ],
        ),
    ]


@pytest.mark.parametrize(
    ("style", "subsections", "expected"),
    [
        ("hierarchical", "nested", ["1", "1.1", "1.2", "2", "2.1", "2.1.1", "2.1.2", "2.2", "2.2.1"]),
        ("hierarchical", "roman", ["1", "1.1", "1.2", "2", "I", "2.1", "2.2", "II", "2.3"]),
        ("restart", "nested", ["1", "1", "2", "2", "2.1", "1", "2", "2.2", "1"]),
        ("flat", "nested", ["1", "1", "2", "2", "2.1", "3", "4", "2.2", "5"]),
    ],
)
def test_styles(style: str, subsections: str, expected: list[str]) -> None:
    numbers = number_tree(tree(), style, subsections)
    order = [
        ("section", 1),
        ("measure", 1),
        ("measure", 2),
        ("section", 2),
        ("section", 3),
        ("measure", 3),
        ("measure", 4),
        ("section", 4),
        ("measure", 5),
    ]
    assert [numbers[key] for key in order] == expected


def test_moving_a_row_renumbers_the_rest() -> None:
    moved = [Node("section", 1, [Node("measure", 2), Node("measure", 1)])]
    numbers = number_tree(moved)
    assert numbers[("measure", 2)] == "1.1"
    assert numbers[("measure", 1)] == "1.2"


def test_flat_list_without_sections() -> None:
    numbers = number_tree([Node("measure", 7), Node("measure", 8)])
    assert numbers == {("measure", 7): "1", ("measure", 8): "2"}


def test_roman() -> None:
    assert [roman(n) for n in (1, 4, 9, 14, 40, 1999)] == ["I", "IV", "IX", "XIV", "XL", "MCMXCIX"]


@pytest.mark.parametrize(
    ("style", "subsections"),
    [("hierarchical", "nested"), ("hierarchical", "roman"), ("restart", "nested"), ("flat", "nested")],
)
def test_infer_style_recovers_the_documents_style(style: str, subsections: str) -> None:
    written = {key: value + "." for key, value in number_tree(tree(), style, subsections).items()}
    assert infer_style(tree(), written) == (style, subsections)
