"""Organisation names: bylines credit bodies ('Northfield Health Staff', 'Counseling and
Psychological Services') as well as people; the schema's authors are people."""

from __future__ import annotations

import re

_ORGANISATION_NAME = re.compile(
    r"\b(?:staff|team|editors|editorial|newsroom|desk|contributors|health system|hospital|clinic|"
    r"services|service|office|university|college|program|programme|unit|division|"
    r"institute|foundation|association|society|journal|magazine|media|inc|llc|ltd|gmbh|"
    r"department|center|centre|council|board|network|redacci[oó]n|r[ée]daction|equipo|[ée]quipe)\b",
    re.IGNORECASE,
)



def is_organisation_name(name: str) -> bool:
    """'Northfield Health Staff', 'VitalWell Editorial Team', 'Mayo Clinic': a body, not a person."""
    return bool(_ORGANISATION_NAME.search(name))


def is_one_organisation(body: str) -> bool:
    """An organisation's name containing 'and', with no person among its parts."""
    if "," in body or not body[:1].isupper() or len(body.split()) > 8 or not is_organisation_name(body):
        return False
    parts = re.split(r"\s+(?:and|&|y|et|und)\s+", body)
    return len(parts) > 1 and not any(
        2 <= len(p.split()) <= 4 and all(w[:1].isupper() for w in p.split()) and not is_organisation_name(p)
        for p in parts)
