"""Russian words inflected by a morphology dictionary (pymorphy3 with OpenCorpora's dictionary):
«Дорожная карта по …» → «дорожной карты по …» after «Об утверждении», «Управление образования …»
→ «приказом Управления образования …», «в Мокшанском районе» → «Мокшанский район».

Only the leading noun phrase is changed — adjectives in the nominative and the noun they go with;
the words after it already depend on it («плана мероприятий», «управления образования
администрации …») and stay as written. The dictionary is read on first use (60 ms, 20 MB): a
window that never inflects a word never loads it.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from typing import Any

_WORD = re.compile(r"[А-Яа-яЁёA-Za-z]+(?:-[А-Яа-яЁё]+)*")
_OPENING = '(«"“„ '
# A name hidden behind a letter («Н-ский район», «N-ская школа») is read as the adjective it
# stands for: its ending analysed after a neutral stem (the dictionary does not know «Н-ском»).
_LETTER_NAME = re.compile(r"^([А-ЯЁA-Z]{1,2})-([а-яё]+)$")
_STAND_IN = "эн"
_PROPER = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})  # keep their capitals


@cache
def _morph() -> Any:
    import pymorphy3
    import pymorphy3_dicts_ru

    return pymorphy3.MorphAnalyzer(path=pymorphy3_dicts_ru.get_path(), lang="ru")


@dataclass(frozen=True, slots=True)
class _Word:
    start: int
    end: int
    text: str
    parse: Any  # the pymorphy3 parse chosen for the phrase


def _parses(word: str) -> list[Any]:
    named = _LETTER_NAME.match(word)
    return list(_morph().parse(_STAND_IN + named.group(2) if named else word))


def _written(word: str, parse: Any, form: set[str]) -> str | None:
    """``word`` put in ``form``, keeping how it was written: a letter-name's letter, capitals."""
    inflected = parse.inflect(form)
    if inflected is None:
        return None
    new = str(inflected.word)
    named = _LETTER_NAME.match(word)
    if named:
        return f"{named.group(1)}-{new[len(_STAND_IN) :]}"
    if word.isupper() and len(word) > 1:
        return new.upper()
    return new[:1].upper() + new[1:] if word[:1].isupper() else new


def _nominative_phrase(text: str, start: int, heads: Collection[str] | None) -> list[_Word] | None:
    """The adjectives in the nominative and their noun at ``start`` of ``text`` (the noun one of
    ``heads`` when given), agreeing in gender and number; None when the text does not begin so."""
    adjectives: list[tuple[re.Match[str], list[Any]]] = []
    position = start
    while len(adjectives) <= 6:
        found = _WORD.match(text, position)
        if found is None:
            return None
        parses = [p for p in _parses(found.group()) if "nomn" in p.tag]
        for noun in (p for p in parses if p.tag.POS == "NOUN"):
            if heads is not None and noun.normal_form not in heads:
                continue
            chosen = [next((p for p in options if _agrees(p, noun)), None) for _m, options in adjectives]
            if all(p is not None for p in chosen):
                words = [
                    _Word(m.start(), m.end(), m.group(), p)
                    for (m, _o), p in zip(adjectives, chosen, strict=True)
                ]
                return [*words, _Word(found.start(), found.end(), found.group(), noun)]
        options = [p for p in parses if p.tag.POS in ("ADJF", "PRTF")]
        if not options:
            return None
        adjectives.append((found, options))
        position = found.end()
        while position < len(text) and text[position] == " ":
            position += 1
    return None


def _agrees(adjective: Any, noun: Any) -> bool:
    """Same number, and the same gender in the singular (a noun of either gender takes any)."""
    number, gender = noun.tag.number, noun.tag.gender
    if number is not None and number not in adjective.tag:
        return False
    return not (number == "sing" and gender in ("masc", "femn", "neut") and gender not in adjective.tag)


def _inflect_phrase(text: str, words: list[_Word], case: str, lower_first: bool) -> str | None:
    out, last = [], 0
    noun = words[-1].parse
    for number, word in enumerate(words):
        form = {case}
        if word is not words[-1]:  # adjectives take the noun's number, and its gender in the singular
            form.add(str(noun.tag.number))
            if noun.tag.number == "sing" and noun.tag.gender in ("masc", "femn", "neut"):
                form.add(str(noun.tag.gender))
        new = _written(word.text, word.parse, form)
        if new is None:
            return None
        if lower_first and (number == 0 or word.text.isupper()) and not _PROPER & word.parse.tag.grammemes:
            new = new.lower()
        out += [text[last : word.start], new]
        last = word.end
    return "".join(out) + text[last:]


def leading_phrase_in_genitive(text: str, heads: Collection[str] | None = None) -> str | None:
    """``text`` with its leading noun phrase in the genitive — and a phrase repeating it in
    brackets or quotes right after («План мероприятий (дорожная карта) по …» → «плана мероприятий
    (дорожной карты) по …»), in lower case to follow a preposition; None when the text does not
    begin with such a phrase (or its noun is not one of ``heads``)."""
    opening = len(text) - len(text.lstrip(_OPENING))  # «Дорожная карта» по …
    words = _nominative_phrase(text, opening, heads)
    if words is None:
        return None
    head_end = words[-1].end
    position = _after_dependents(text, head_end)
    result = _inflect_phrase(text, words, "gent", lower_first=True)
    if result is None:
        return None
    inner = position
    while inner < len(text) and text[inner] in _OPENING:
        inner += 1
    if inner > position:
        repeated = _nominative_phrase(text, inner, heads)
        if repeated is not None:
            shift = len(result) - len(text)
            tail = _inflect_phrase(text[inner:], _shifted(repeated, -inner), "gent", lower_first=True)
            if tail is not None:
                result = result[: inner + shift] + tail
    return result


def _shifted(words: list[_Word], by: int) -> list[_Word]:
    return [_Word(w.start + by, w.end + by, w.text, w.parse) for w in words]


def _after_dependents(text: str, position: int) -> int:
    """Past the words in the genitive that follow a noun («план мероприятий», «комплекс мер»)."""
    while True:
        found = _WORD.match(text, position + (1 if text[position : position + 1] == " " else 0))
        if found is None:
            return position
        parses = _parses(found.group())
        if not any("gent" in p.tag for p in parses) or any("nomn" in p.tag for p in parses):
            return position
        position = found.end()


def first_noun_phrase_in_genitive(text: str) -> str | None:
    """«Управление образования администрации …» → «Управления образования администрации …»
    (capitals kept): the leading noun phrase of a name in the genitive; None when the name does
    not begin with one (an abbreviation, a number)."""
    words = _nominative_phrase(text, 0, None)
    if words is None:
        return None
    return _inflect_phrase(text, words, "gent", lower_first=False)


def adjective_in_nominative(word: str) -> str | None:
    """«Мокшанском», «Н-ского» → «Мокшанский», «Н-ский»: a place's adjective in any case back in
    the masculine nominative singular (it names a район or an округ); None when it is not one."""
    for parse in _parses(word):
        if parse.tag.POS == "ADJF" and parse.tag.number == "sing" and parse.tag.gender in ("masc", "neut"):
            return _written(word, parse, {"nomn", "masc", "sing"})
    return None


def noun_in_nominative(word: str) -> str | None:
    """«Управления», «министерством» → «управление», «министерство»: a noun back in the nominative
    singular, as the dictionary writes it; None when the word is not a noun it knows."""
    for parse in _parses(word):
        if parse.tag.POS == "NOUN" and "Abbr" not in parse.tag:
            return str(parse.normal_form)
    return None
