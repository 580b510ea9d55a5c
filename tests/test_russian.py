"""Russian inflection by the morphology dictionary (models/domain/russian.py): the words the
papers print around the user's own text."""

from __future__ import annotations

import pytest

from desktop.exports.order_text import PLAN_KINDS, title_in_genitive
from models.domain.russian import adjective_in_nominative, first_noun_phrase_in_genitive


@pytest.mark.parametrize(
    ("title", "genitive"),
    [
        ("ДОРОЖНАЯ КАРТА по оказанию помощи", "дорожной карты по оказанию помощи"),
        (
            'План мероприятий ("дорожная карта" 1.2.) по развитию',
            'плана мероприятий ("дорожной карты" 1.2.) по развитию',
        ),
        ("«Дорожная карта» по сопровождению", "«дорожной карты» по сопровождению"),
        ("Комплекс мер по поддержке", "комплекса мер по поддержке"),
        ("Мероприятия по повышению качества", "мероприятий по повышению качества"),
        ("Дорожные карты школ", "дорожных карт школ"),
        ("Перечень мероприятий", "перечня мероприятий"),
        ("Повышение качества образования", "дорожной карты «Повышение качества образования»"),
        ("2025 год: план", "дорожной карты «2025 год: план»"),
        ("", "дорожной карты"),
    ],
)
def test_a_roadmap_title_in_the_genitive(title: str, genitive: str) -> None:
    assert title_in_genitive(title) == genitive


def test_hostile_and_odd_text_never_fails() -> None:
    for text in ("\x00\x01", "—", "«»", "A" * 10_000, "красивая " * 500 + "карта", "Ё-ё-ё", "Карта\nплан"):
        title_in_genitive(text)
        first_noun_phrase_in_genitive(text)
        adjective_in_nominative(text)
    assert "карта" in PLAN_KINDS


def test_a_district_back_in_the_nominative() -> None:
    assert adjective_in_nominative("Мокшанском") == "Мокшанский"
    assert adjective_in_nominative("Н-ского") == "Н-ский"
    assert adjective_in_nominative("N-ском") == "N-ский"
    assert adjective_in_nominative("Городском") == "Городской"
    assert adjective_in_nominative("районе") is None  # not an adjective: kept as written by the caller
