"""Layout profiles: which edition of ГОСТ Р 7.0.97 a roadmap's papers follow.

The 2025 edition replaced the 2016 one on 18.08.2025, but a ministry may still ask for the old
layout, so the choice is the roadmap's (kept in its settings, ``layout_profile``; none stored means
the current edition). A profile holds only what the exports draw differently and what a source
confirms (docs/exports.md names them): the longest line of a requisite placed «углом» — the
approval mark and the appendix mark in the top right corner — is 7.5 cm in 2016 and 8 cm in 2025.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LayoutProfile:
    key: str
    label: str  # as the «Документ» tab lists it
    corner_width_mm: float  # the approval or appendix mark's block, top right


CURRENT = LayoutProfile("2025", "ГОСТ Р 7.0.97-2025 (действующий)", 80)
PREVIOUS = LayoutProfile("2016", "ГОСТ Р 7.0.97-2016 (прежний)", 75)
PROFILES = {profile.key: profile for profile in (CURRENT, PREVIOUS)}
LAYOUT_KEY = "layout_profile"  # in the roadmap's settings


def layout_of(settings: object) -> LayoutProfile:
    """The roadmap's profile from its settings; none, or anything unknown there, is the current one."""
    stored = settings.get(LAYOUT_KEY) if isinstance(settings, dict) else None
    return PROFILES.get(str(stored), CURRENT) if stored is not None else CURRENT
