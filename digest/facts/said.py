"""Said: one sentence as one source said it, the unit every part of the consensus box compares.

The floor under ``claims``, ``names`` and ``statements``: each of them reads Said values, none
needs another to know what one is.
"""

from __future__ import annotations

from dataclasses import dataclass

from digest.models import Evidence


@dataclass(frozen=True, slots=True)
class Said:
    """A sentence or table row as one source said it, with the origin and article it was read from."""

    source: str  # the origin id standing for every origin of one outlet
    origin_id: str
    article_id: str
    kind: str
    text: str

    @property
    def evidence(self) -> Evidence:
        return Evidence(self.article_id, self.origin_id, self.text)
