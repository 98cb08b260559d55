"""Searching the registry as Chinese users search, and the name keys that make it possible.

Two things live here and nowhere else (docs/architecture.md, "Search"):

1. `name_search_fields(name)`: the pinyin keys of a business's name. Every path that writes a
   name (the services, the import's writer, the demo) stores what it returns beside the name,
   so the keys never disagree with the name.
2. `business_search(businesses, query)`: narrows a queryset to the businesses a query finds.

What a query finds (docs/domain.md, "Searching the registry"): the query is split at spaces
into words, and a business is found when every word is found in it. A word of three characters
or more is found anywhere inside the name, the name's full pinyin, its pinyin initials, the
credit code, the registration or licence number or the address ("MAAD9", "geermu", "gems",
"昆仑路"); a shorter word only inside the name or its initials ("超市", "cs"), since two
characters of a code or an address say nothing. Case is ignored.

Speed: `matching_q` is the plain statement of that rule, a scan of every row (405 ms at 100,000
businesses). On SQLite a trigram full-text index (FTS5, migration 0006) first picks the
candidate rows, a superset of the matches; the plain rule then runs on those few rows only, so
both paths return the same rows by construction, and a test holds them equal. Words of one or
two characters have no trigram of their own: the `name_grams` column spells each distinct one-
and two-character piece of the name and initials padded to three characters ("超市~", "超~~"),
which the index does hold. PostgreSQL picks its candidates the same way with ILIKE on pg_trgm
GIN indexes (the same migration); for a word whose letters are ASCII (pinyin, codes, Chinese)
they are the matches, and the plain rule is not run on them again (`_folds_alike`). Only a row
holding a letter whose cases are not each other's ("ſ", the Kelvin sign) could tell the two
apart.
"""

import re
import unicodedata
from functools import lru_cache

from django.db import connections
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from pypinyin import lazy_pinyin
from pypinyin.constants import PHRASES_DICT

# Characters pypinyin has readings for (its RE_HANS), the rest kept as they are.
_HAN_RUN = re.compile(
    "([\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df"
    "\U0002a700-\U0002ebef\U00030000-\U0003134f]+)"
)
_KEEP = re.compile(r"[0-9a-z]+")
# pypinyin segments a run of Chinese characters by forward maximum matching on its phrase
# dictionary; phrases longer than this are rare in shop names and read the same char by char.
_LONGEST_PHRASE = 8
PAD = "~"
SHORT_WORD = 3  # trigram length: shorter words are looked up in name_grams
MAX_WORDS = 8
FTS_TABLE = "businesses_business_fts"
SEARCH_FIELDS = ("name_pinyin", "name_initials", "name_grams")


@lru_cache(maxsize=50_000)
def _syllables(phrase: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(phrase))


def _run_syllables(run: str) -> list[str]:
    """The syllables of a run of Chinese characters, as lazy_pinyin reads it: phrases by
    forward maximum matching, other characters one by one. Dictionary look-ups and a cache per
    phrase instead of pypinyin's own segmenter: an import names 100,000 businesses."""
    out: list[str] = []
    start, end = 0, len(run)
    while start < end:
        for length in range(min(_LONGEST_PHRASE, end - start), 1, -1):
            piece = run[start : start + length]
            if piece in PHRASES_DICT:
                break
        else:
            piece = run[start]
        out.extend(_syllables(piece))
        start += len(piece)
    return out


def _grams(*texts: str) -> str:
    pieces = set()
    for text in texts:
        for at in range(len(text)):
            pieces.add(text[at] + PAD * 2)
            if at + 1 < len(text):
                pieces.add(text[at : at + 2] + PAD)
    return "".join(sorted(pieces))


def name_search_fields(name: str) -> dict[str, str]:
    """The search keys of a business name, by field: full pinyin (`name_pinyin`, also the
    pinyin sort key), initials (`name_initials`) and the short pieces (`name_grams`).

    "格尔木KFC 7天超市" → name_pinyin "geermukfc7tianchaoshi", name_initials "gemkfc7tcs".
    Letters and digits are kept (NFKC, lowercased: "ＫＦＣ" is kfc); other characters dropped. Pure: the same name
    always gives the same keys. Every path that writes a name calls this."""
    full, initials = [], []
    for at, part in enumerate(_HAN_RUN.split(unicodedata.normalize("NFKC", name).lower())):
        if at % 2:  # a run of Chinese characters
            syllables = _run_syllables(part)
            full += syllables
            initials += [syllable[0] for syllable in syllables if syllable]
        else:
            kept = "".join(_KEEP.findall(part))
            full.append(kept)
            initials.append(kept)
    name_initials = "".join(initials)
    return {
        "name_pinyin": "".join(full),
        "name_initials": name_initials,
        # As written: the index folds case itself, as it does for the words searched.
        "name_grams": _grams(name, name_initials),
    }


def search_words(query: str) -> list[str]:
    """The distinct words of a query, at most MAX_WORDS of them (the rest ignored)."""
    words = []
    for word in query.replace("\x00", "").split():  # no database stores NUL in text
        if word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def word_q(word: str) -> Q:
    """Where one word is found: the plain statement of the rule in the module's docstring."""
    found = Q(name__icontains=word) | Q(name_initials__icontains=word)
    if len(word) < SHORT_WORD:
        return found
    return (
        found
        | Q(name_pinyin__icontains=word)
        | Q(uscc__icontains=word)
        | Q(registration_number__icontains=word)
        | Q(license_number__icontains=word)
        | Q(address__icontains=word)
    )


def matching_q(words: list[str]) -> Q:
    q = Q()
    for word in words:
        q &= word_q(word)
    return q


def _fts_phrase(column: str, text: str) -> str:
    return f'{column} : "{text.replace(chr(34), chr(34) * 2)}"'


def fts_expression(words: list[str]) -> str:
    """The FTS5 query whose rows are a superset of those `matching_q(words)` finds."""
    return " AND ".join(
        _fts_phrase("grams", word + PAD * (SHORT_WORD - len(word)))
        if len(word) < SHORT_WORD
        else _fts_phrase("body", word)
        for word in words
    )


# The expression PostgreSQL's trigram index is built on (migration 0006): a query must repeat it
# word for word for the planner to use the index.
PG_BODY_FIELDS = (
    "name",
    "name_pinyin",
    "name_initials",
    "uscc",
    "registration_number",
    "license_number",
    "address",
)
PG_BODY = " || ' ' || ".join(PG_BODY_FIELDS)


def _pg_ilike(fields: tuple[str, ...], pattern: str) -> Func:
    """`field || ' ' || field … ILIKE pattern` on the queryset's own table, its columns named by
    Django (so under whatever alias the table has in the statement): the same expression as the
    index's, which the planner then reads by the index and rechecks on the same rows. Taken
    through a self-join (`id IN (SELECT id … ILIKE …)`), it was planned as a scan of every row
    at 1,000,000 businesses (BENCHMARKS.md)."""
    body = Func(
        *(F(field) for field in fields), template="(%(expressions)s)", arg_joiner=" || ' ' || "
    )
    return Func(
        body,
        Value(pattern),
        template="%(expressions)s",
        arg_joiner=" ILIKE ",
        output_field=BooleanField(),
    )


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _candidates(vendor: str, words: list[str]) -> RawSQL | None:
    """A subquery of ids that holds every match (and maybe more), answered by an index."""
    if vendor == "sqlite":
        return RawSQL(  # noqa: S611 (constant SQL; the query is a parameter)
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608 (constant)
            (fts_expression(words),),
        )
    return None


def _pg_candidates(words: list[str]) -> Q:
    """PostgreSQL's candidates, a superset of the matches, as conditions on the table itself."""
    q = Q()
    for word in words:
        if len(word) < SHORT_WORD:
            q &= Q(_pg_ilike(("name_grams",), _like(word + PAD * (SHORT_WORD - len(word)))))
        else:
            q &= Q(_pg_ilike(PG_BODY_FIELDS, _like(word)))
    return q


def _folds_alike(word: str) -> bool:
    """True when ILIKE (the index's test, which lowers) and `icontains` (UPPER … LIKE) find the
    same rows for `word`: its letters are ASCII, and its other characters have no case (Chinese
    characters, digits, "-"). A word in the concatenated fields with ' ' between them is in one
    of them, as it holds no space; a short word's padded piece is in `name_grams` exactly when it
    is in the name or the initials."""
    return all(char.isascii() or char.lower() == char == char.upper() for char in word)


def business_search(businesses: QuerySet, query: str, *, indexed: bool = True) -> QuerySet:
    """`businesses` narrowed to those `query` finds (the module's docstring says which).

    `indexed=False` takes the plain path, a scan: the reference the indexed one is tested
    against. An empty query narrows nothing."""
    words = search_words(query)
    if not words:
        return businesses
    vendor = connections[businesses.db].vendor
    if indexed and vendor == "postgresql":
        # The candidates are the matches themselves for a word without letters of case outside
        # ASCII (`_folds_alike`), so the rule is not run again on them: besides the work, its
        # seven conditions made the planner expect a few dozen matches where there were
        # thousands, and read them all before the first (BENCHMARKS.md, search at 1,000,000).
        businesses = businesses.filter(_pg_candidates(words))
        return businesses.filter(matching_q([w for w in words if not _folds_alike(w)]))
    if indexed:
        candidates = _candidates(vendor, words)
        if candidates is not None:
            businesses = businesses.filter(pk__in=candidates)
    return businesses.filter(matching_q(words))
