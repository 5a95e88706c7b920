"""Text signatures of boilerplate: the sentences that give away a consent banner, an
ad-block plea, an affiliate disclosure, a newsletter or paywall box, a syndication
line, a medical disclaimer or a coach's promotion, and the labels of call-to-action
links, share bars and related-content lists. ``pipelines.boilerplate`` removes the
boxes around them from the DOM; ``pipelines.tidy`` drops such lines from the body.

Every pattern is written in lower case: text is lower-cased once and matched without
IGNORECASE (``for_lower_case``).
"""

from __future__ import annotations

import re

DISCLOSURE = re.compile(
    r"as an amazon associate|from qualifying purchases|"
    r"(?:we|i|may) (?:may )?(?:earn|receive|get) (?:a )?(?:small |tiny )?(?:commission|compensation|fee)|"
    r"(?:contains|includes|uses|use) affiliate links|affiliate (?:links?|commissions?)|"
    r"at no (?:extra|additional) cost to you|paid (?:a )?commission|"
    r"enlaces? de afiliados?|liens? affili[ée]s?|affiliate-links?|provisions?-links?|"
    r"(?:recib|gan|obten|cobr)\w* una comisi[oó]n|(?:touch|per[cç]ev|re[cç]\w*|gagn)\w* une commission|"
    r"(?:erhalten|bekommen|verdienen) (?:wir )?(?:eine )?provision|als amazon-partner|"
    r"en tant que partenaire d'amazon|como afiliad[oa] de amazon",
    re.IGNORECASE,
)
ADBLOCK = re.compile(
    r"ad ?-?block(?:er|ing)?\b|disabl\w* (?:your |the )?ad|whitelist\w* (?:us|our)|"
    r"turn off (?:your )?ad|bloqueador de anuncios|bloqueur de publicit",
    re.IGNORECASE,
)
CONSENT = re.compile(
    r"we use cookies|(?:this|our) (?:web)?site uses cookies|uses cookies to|cookie (?:preferences|settings|policy|consent)|"
    r"accept (?:all )?cookies|(?:analytics|marketing|personali[sz]ation|functional|necessary|performance|advertising) cookies|"
    r"manage (?:your )?(?:cookie )?preferences|do not sell my|"
    r"utilizamos cookies|usamos cookies|nous utilisons des cookies|wir verwenden cookies",
    re.IGNORECASE,
)
NEWSLETTER = re.compile(
    r"(?:sign up|subscribe|register) (?:for|to) (?:our|the|my) (?:free |weekly |daily )?(?:newsletter|mailing list|emails?)|"
    r"join (?:our|the) (?:newsletter|mailing list|community)|get (?:our|the) (?:free )?newsletter|"
    r"enter your email|delivered to your inbox|suscr[ií]bete|abonnez-vous|inscrivez-vous",
    re.IGNORECASE,
)
SHARE = re.compile(r"^(?:share|share this(?: article| post)?|share on \w+|tweet|pin it|email)$", re.IGNORECASE)
CTA = re.compile(
    r"^(?:check (?:the )?(?:latest )?price|buy (?:it )?(?:now|on \w+|here)|shop now|see (?:the )?(?:latest )?price|"
    r"view (?:it )?on amazon|view (?:deal|product|price)|get (?:it|yours|the deal) (?:on|at|now|here)|"
    r"see (?:it )?on amazon|check (?:it out )?on amazon|available on amazon|add to cart|"
    r"ver (?:en|precio en) amazon|comprar (?:en amazon|ahora)|voir (?:sur amazon|le prix)|"
    r"acheter (?:sur amazon|maintenant)|bei amazon (?:ansehen|kaufen)|jetzt kaufen)\b",
    re.IGNORECASE,
)
RELATED_HEADING = re.compile(
    r"^(?:related(?: posts| articles| stories| reading)?|you may also like|you might also like|"
    r"read (?:more|next)|more (?:from|on|stories|articles)|recommended (?:articles|reading|for you)|"
    r"popular (?:posts|articles)|trending|further reading|keep reading|latest (?:posts|articles)|"
    r"shop the (?:story|post|look|products?)|products? (?:mentioned|in this (?:article|post))|"
    r"art[ií]culos relacionados|[àa] lire aussi|sur le m[êe]me sujet)\b",
    re.IGNORECASE,
)
SYNDICATION = re.compile(
    r"originally (?:appeared|published|ran) (?:in|on|at)|(?:re)?published (?:here )?with (?:the )?permission|"
    r"reprinted with (?:the )?permission|this (?:article|story|post) (?:was )?first (?:appeared|published)|"
    r"publicado originalmente en|publi[ée] initialement (?:dans|sur)",
    re.IGNORECASE,
)
PAYWALL = re.compile(
    r"free articles? (?:left )?(?:this|per|a) month|you(?:'ve| have) read \d+ of|"
    r"create a (?:free )?account to (?:keep|continue) reading|"
    r"(?:subscribe|register|sign in|log in) (?:now )?to (?:keep|continue) reading|register for free|"
    r"already (?:a subscriber|have an account)\??\s*(?:sign|log) in|unlock (?:this|unlimited) (?:article|access)",
    re.IGNORECASE,
)
DISCLAIMER = re.compile(
    r"(?:is|are) not (?:intended (?:to be |as )?)?(?:a )?substitute for (?:an? )?(?:professional |in-person |"
    r"personal |qualified )?(?:medical|health|consultation|advice|care|diagnosis|doctor)|"
    r"for (?:general )?(?:informational|information|educational) purposes only|"
    r"does not (?:constitute|provide|replace) (?:professional )?medical advice|"
    r"(?:always )?(?:consult|seek the advice of) (?:your|a) (?:doctor|physician|qualified health)[^.]{0,60}"
    r"before (?:starting|making|beginning)|no sustituye (?:el )?consejo m[ée]dico|"
    r"every effort has been made to ensure (?:that )?the information|"
    r"non sostitui\w* (?:il )?parere del medico|ersetz\w* (?:keine|nicht die) (?:ärztliche|arzt)|"
    r"ne remplace pas (?:un|l')avis m[ée]dical",
    re.IGNORECASE,
)
# Self-promotion boxes of coaches and clinics: "Work with me", "Book a free call".
PROMOTION = re.compile(
    r"^work with me\b|\bbook (?:a|your) (?:free |discovery )?(?:call|consult\w*|session)\b|"
    r"\bmy \d+-week (?:coaching )?program|\bjoin my (?:program|course|membership|community)\b|"
    r"\bapply (?:now )?for (?:coaching|my program)\b",
    re.IGNORECASE,
)
TEXT_SIGNATURES = (DISCLOSURE, ADBLOCK, CONSENT, NEWSLETTER, SYNDICATION, PAYWALL, DISCLAIMER, PROMOTION)


def for_lower_case(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` (written in lower case) without IGNORECASE, for text lower-cased once:
    Python's re folds case at every position for every alternative, which makes a
    signature search over a page's text 3-5x slower."""
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


_DISCLOSURE_LOWER = for_lower_case(DISCLOSURE)
_SIGNATURES_LOWER = tuple(for_lower_case(sig) for sig in TEXT_SIGNATURES)


def is_disclosure(text: str) -> bool:
    """The text contains an affiliate disclosure."""
    return _DISCLOSURE_LOWER.search(text.lower()) is not None


def has_text_signature(text: str) -> bool:
    """The text matches one of the boilerplate text signatures."""
    low = text.lower()
    return any(sig.search(low) for sig in _SIGNATURES_LOWER)


# Words at least one of which every text signature contains: a cheap substring test
# that lets almost all text skip the signature regexes.
SIGNATURE_KEYWORDS = (
    "associate", "qualifying", "commission", "comisi", "provision", "affiliat", "afiliad",
    "affili", "cost to you", "adblock", "ad block", "ad-block", "ad blocker", "bloque",
    "whitelist", "turn off", "disabl", "cookie", "consent", "preferences", "do not sell",
    "newsletter", "subscribe", "sign up", "register", "mailing", "inbox", "email", "suscr",
    "abonn", "inscri", "originally", "permission", "republish", "reprint", "first appeared",
    "first published", "publicado", "publié", "publie", "partenaire", "amazon",
    "free article", "you have read", "you've read", "keep reading", "continue reading",
    "register for free", "already a subscriber", "already have an account", "unlock",
    "substitute for", "purposes only", "medical advice", "consult", "seek the advice",
    "sustituye", "remplace", "every effort", "sostitui", "ersetz", "work with me", "book a", "book your", "-week", "join my", "apply",
)


def has_signature_keyword(text: str) -> bool:
    low = text.lower()
    return any(k in low for k in SIGNATURE_KEYWORDS)
