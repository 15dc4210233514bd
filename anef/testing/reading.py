"""What a person reads, checked the way they would notice a fault: a date in ISO form, a number
written for a machine ("600.0", "75.00 €" in French), a code instead of words ("deliver_card",
"academic_year_start"), French left in an English page or English in a French one, English-style
spacing in French text.

Used by the walks that render every page, mail, text message and PDF in both languages
(`anef/demo/tests/test_reading_walk.py`, `anef/notifications/tests/test_every_message.py`).
Each check returns short excerpts, so a failure names the words to fix.
"""

import re
from html.parser import HTMLParser

ISO_DATE = re.compile(r"(?<![\w/-])(19|20)\d\d-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?![\d])")
# "600.0" hours: a float printed as is (two digits at least: "WCAG 2.0" is a version).
MACHINE_FLOAT = re.compile(r"(?<![\w.,])\d{2,}\.0(?![\d.,])")
DOT_AMOUNT = re.compile(r"\d\.\d\d\s?(€|EUR)|€\s?\d+\.\d\d")
COMMA_AMOUNT = re.compile(r"\d,\d\d\s?(€|EUR)|€\s?\d+,\d\d")
# A word made of lower-case parts joined by underscores: a code of the program, never a word of a
# language (state codes, event kinds, field names).
RAW_CODE = re.compile(r"(?<![\w./@:-])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w/@-])(?!\.[a-z]{2,4}\b)")  # not a file name
# Addresses are not words: links (their tokens) and email addresses are left out of the checks.
ADDRESS = re.compile(r"https?://\S+|[\w.+-]+@[\w-]+(\.[\w-]+)+")
# French words that English does not use: two different ones in the same piece of text mean French.
FRENCH_WORDS = frozenset(
    {
        *("le", "la", "les", "des", "du", "un", "une", "est", "sont", "vous", "votre", "vos", "nous", "notre"),
        *("pour", "avec", "dans", "sur", "par", "pas", "qui", "que", "être", "été", "cette", "ces", "aux", "au"),
        *("où", "sans", "après", "avant", "demande", "dossier"),
    }
)
# And English words that French does not use, for English left in a French page.
ENGLISH_WORDS = frozenset(
    {"the", "your", "you", "and", "of", "is", "are", "with", "this", "that", "from", "will", "can", "has", "have"}
    | {"been", "was"}
)
WORD = re.compile(r"[a-zà-ÿ]+", re.IGNORECASE)
# Proper nouns and French terms that English pages keep on purpose (names of bodies, documents,
# addresses of the demo). Removed before counting French words.
FRENCH_ALLOWED = re.compile(
    r"République française|Défenseur des droits|Libre réponse|France Services|recours gracieux|"
    r"titre de séjour|carte de séjour|attestation de dépôt|attestation de décision favorable|"
    r"attestation prolongeant l'instruction|récépissé|Ministère de l'Intérieur|"
    r"(rue|cours|place|avenue|boulevard|quai|allée|chemin) (de la |de l'|des |du |de |d')?[\w' -]+|"
    r"Préfecture (de la |de l'|des |du |de |d')?[\w' -]+|Tribunal administratif (de |d')?[\w' -]+",
    re.IGNORECASE,
)
# In French, these signs follow a non-breaking space (U+00A0 or the narrow U+202F), and « is
# followed by one: an ordinary space lets the sign wrap alone to the next line.
FRENCH_SPACING = re.compile(r"\w [:;?!»]|« \w|[^\W\d_][:;?!](?=\s|$)")


class _VisibleText(HTMLParser):
    """The text a person sees, in pieces (one per run of text between tags), leaving out scripts,
    styles and any part marked in another language than the page's (`lang="fr"` in an English
    page is how a French proper noun is meant to be written)."""

    SKIPPED = {"script", "style", "template", "noscript", "head"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self, language: str):
        super().__init__(convert_charrefs=True)
        self.language = language
        self.stack: list[bool] = []  # for each open element: is its text hidden from the check?
        self.pieces: list[str] = []
        self.quoted: list[str] = []  # the prefecture's words quoted in a message shown as text

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attributes = dict(attrs)
        lang = (attributes.get("lang") or "").split("-")[0]
        hidden = (
            tag in self.SKIPPED
            or (bool(lang) and tag != "html" and lang != self.language)
            or "hidden" in attributes
            or (self.stack and self.stack[-1])
        )
        self.stack.append(bool(hidden))

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]) and data.strip():
            own, quoted = _own_and_quoted(data)
            self.pieces += own
            self.quoted += quoted


def visible_text(html: str, language: str) -> list[str]:
    parser = _VisibleText(language)
    parser.feed(html)
    return parser.pieces


def _quoted_problems(quoted: list[str]) -> list[str]:
    """Quoted French is checked as French, but may stand in a page of any language."""
    return [p for p in problems(quoted, "fr") if not p.startswith("English in")]


def problems(pieces: list[str], language: str) -> list[str]:
    """Every fault in these pieces of text read in `language` ("fr" or "en")."""
    found = []
    for piece in pieces:
        piece = ADDRESS.sub(" ", piece)
        for pattern, what in ((ISO_DATE, "ISO date"), (MACHINE_FLOAT, "machine number"), (RAW_CODE, "raw code")):
            found += [f"{what}: {_around(piece, m)}" for m in pattern.finditer(piece)]
        if language == "fr":
            found += [f"amount with a dot: {_around(piece, m)}" for m in DOT_AMOUNT.finditer(piece)]
            found += [f"French spacing: {_around(piece, m)}" for m in FRENCH_SPACING.finditer(piece)]
            english = {word.lower() for word in WORD.findall(piece)} & ENGLISH_WORDS
            if len(english) >= 2:
                found.append(f"English in French ({', '.join(sorted(english))}): {piece[:120]}")
        else:
            found += [f"amount with a comma: {_around(piece, m)}" for m in COMMA_AMOUNT.finditer(piece)]
            french = {word.lower() for word in WORD.findall(FRENCH_ALLOWED.sub(" ", piece))} & FRENCH_WORDS
            if len(french) >= 2:
                found.append(f"French in English ({', '.join(sorted(french))}): {piece[:120]}")
    return found


# What a message says before quoting the prefecture's own words (kept in French, not translated):
# the lines after it, up to a blank line, are not checked for their language.
QUOTING_FRENCH = ("As written by the prefecture, in French:",)


def _own_and_quoted(text: str) -> tuple[list[str], list[str]]:
    """The lines of a text, apart from those that quote the prefecture in French (after the words
    QUOTING_FRENCH, up to a blank line)."""
    own, quoted = [], []
    quoting = False
    for line in text.splitlines():
        if not line.strip():
            quoting = False
            continue
        (quoted if quoting else own).append(_squeeze(line))
        quoting = quoting or line.strip().endswith(QUOTING_FRENCH)
    return own, quoted


def text_problems(text: str, language: str) -> list[str]:
    """The same checks on plain text (a mail, a text message, a PDF's text), line by line."""
    own, quoted = _own_and_quoted(text)
    return problems(own, language) + _quoted_problems(quoted)


def page_problems(html: str, language: str) -> list[str]:
    parser = _VisibleText(language)
    parser.feed(html)
    return problems(parser.pieces, language) + _quoted_problems(parser.quoted)


def _squeeze(text: str) -> str:
    """Runs of ordinary white space made one space; non-breaking spaces kept (they are checked)."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def _around(text: str, match: re.Match) -> str:
    return "…" + text[max(0, match.start() - 40) : match.end() + 40] + "…"
