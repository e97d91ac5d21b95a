"""Find the sentences of an article that report a statement, and who made it: rules over tokens, no model.

The approach: quotations are masked, then each reporting cue (said, warned, according to, ...) looks for its
subject next to it (before it, after it when inverted, or through an apposition). The subject noun phrase is
resolved to an article-level entity: a full name, a surname seen before, a pronoun (most salient person or
organisation), a role noun matched against the descriptions the article gave ("the diplomat" -> "deputy
envoy"), a generic group ("critics") or an organisation. Sentences inside a quotation take the speaker of
the sentence that attributes it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from index.segment import Span


@dataclass(frozen=True)
class Speaker:
    """Someone (person, organisation or group) whose statements an article reports."""

    key: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    descriptions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Attribution:
    """Whether one sentence reports a statement, whose (Speaker.key), and the reporting cue found."""

    statement: bool
    speaker: str | None = None
    cue: str | None = None


# ---------------------------------------------------------------------------------------------------------
# Lexicon: general English only.


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Each line: lemma, then its forms. A form maps back to the first word of its line.
_CUE_TABLE = """
say says said saying
tell tells told telling
state states stated stating
warn warns warned warning
claim claims claimed claiming
muse muses mused musing
argue argues argued arguing
insist insists insisted insisting
note notes noted noting
emphasize emphasizes emphasized emphasizing emphasise emphasises emphasised emphasising
stress stresses stressed stressing
assert asserts asserted asserting
declare declares declared declaring
announce announces announced announcing
acknowledge acknowledges acknowledged acknowledging
admit admits admitted admitting
concede concedes conceded conceding
contend contends contended contending
reiterate reiterates reiterated reiterating
remark remarks remarked remarking
comment comments commented commenting
explain explains explained explaining
allege alleges alleged alleging
lament laments lamented lamenting
complain complains complained complaining
caution cautions cautioned cautioning
accuse accuses accused accusing
blast blasts blasted blasting
slam slams slammed slamming
criticize criticizes criticized criticizing criticise criticises criticised criticising
condemn condemns condemned condemning
denounce denounces denounced denouncing
praise praises praised praising
blame blames blamed blaming
label labels labeled labelled labeling labelling
dub dubs dubbed dubbing
urge urges urged urging
vow vows vowed vowing
pledge pledges pledged pledging
promise promises promised promising
predict predicts predicted predicting
deny denies denied denying
confirm confirms confirmed confirming
reply replies replied replying
respond responds responded responding
add adds added adding
maintain maintains maintained maintaining
observe observes observed observing
suggest suggests suggested suggesting
propose proposes proposed proposing
write writes wrote writing
tweet tweets tweeted tweeting
post posts posted posting
characterize characterizes characterized characterizing characterise characterises characterised characterising
describe describes described describing
call calls called calling
ask asks asked asking
question questions questioned questioning
point points pointed pointing
touch touches touched touching
outline outlines outlined outlining
counter counters countered countering
recall recalls recalled recalling
threaten threatens threatened threatening
demand demands demanded demanding
assure assures assured assuring
hint hints hinted hinting
testify testifies testified testifying
mention mentions mentioned mentioning
refer refers referred referring
include includes included
contain contains contained
focus focuses focused
apologize apologizes apologized apologizing apologise apologises apologised apologising
"""
_CUES: dict[str, str] = {form: line.split()[0] for line in _CUE_TABLE.strip().splitlines() for form in line.split()}
REPORTING_LEMMAS: frozenset[str] = frozenset(_CUES.values())

# Cues that also have a non-reporting sense unless a complement follows ("added 500 jobs", "responded to").
_NEEDS_COMPLEMENT = _words(
    "add respond reply maintain observe suggest ask question recall counter write post comment remark hint explain"
)
_COMPLEMENT_OK = _words("that whether why how if what when in on at during while after before as by")
_PARTICLES = {
    "point": {"to", "out"},
    "touch": {"on", "upon"},
    "refer": {"to"},
    "focus": {"on"},
    "call": {"for", "on", "upon"},
}
# Only reporting when the subject is a speech ("Her speech included ...").
_SPEECH_SUBJECT_ONLY = _words("include contain focus")

_SUBJECT_PRONOUNS = {"he": "male", "she": "female", "it": None, "they": None}
_POSSESSIVE_PRONOUNS = {"his": "he", "her": "she", "its": "it", "their": "they"}
_HONORIFICS = {
    "mr": "male", "mrs": "female", "ms": "female", "miss": "female", "dr": None, "prof": None, "sir": "male",
    "dame": "female", "lord": "male", "lady": "female", "sen": None, "rep": None, "gov": None, "gen": None,
    "lt": None, "col": None, "sgt": None, "capt": None, "adm": None, "rev": None, "hon": None,
}  # fmt: skip
PERSON_ROLES: frozenset[str] = _words("""
president vice-president president-elect premier chancellor minister secretary general secretary-general
spokesman spokeswoman spokesperson envoy ambassador diplomat consul emissary attache official officer leader
chief head director chairman chairwoman chair ceo executive founder mayor governor senator congressman
congresswoman lawmaker legislator representative councillor councilor councilman councilwoman commissioner
deputy adviser advisor aide analyst expert economist professor researcher scientist doctor physician lawyer
attorney prosecutor judge commander colonel captain sergeant lieutenant admiral marshal king queen prince
princess monarch emperor pope bishop cardinal cleric rabbi imam negotiator candidate activist campaigner
journalist reporter editor resident witness source counterpart manager coach owner speaker boss superintendent
inspector sheriff administrator director-general engineer teacher nurse farmer student worker employee
shopkeeper volunteer historian author writer artist musician actor athlete player pilot soldier firefighter
mechanic architect consultant strategist pollster banker trader investor entrepreneur businessman businesswoman
partner lecturer principal specialist columnist lobbyist pharmacist dentist therapist psychiatrist psychologist
novelist surgeon paramedic veterinarian curator designer hydrologist climatologist meteorologist epidemiologist
virologist biologist geologist ecologist physicist chemist sociologist demographer historian technician
statistician politician photographer filmmaker diplomat-in-chief
""")
_FEMALE_ROLES = _words("spokeswoman chairwoman congresswoman councilwoman queen princess")
_MALE_ROLES = _words("spokesman chairman congressman councilman king prince")
ORG_NOUNS: frozenset[str] = _words("""
ministry government company firm agency department administration council committee commission court police
army military union party organization organisation bank embassy office cabinet parliament authority regime
alliance bloc coalition group campaign charity foundation institute university hospital board federation
association network newspaper broadcaster outlet club team league country nation state city service operator
producer manufacturer maker retailer carrier airline utility regulator watchdog insurer lender developer provider
supplier distributor exporter importer publisher
""")
# "the company said": when no organisation is described so, the most recent organisation named is meant.
_GENERIC_ORGS = _words("company firm group organization organisation business corporation")
GROUP_NOUNS: frozenset[str] = _words("""
critics officials analysts experts observers economists residents activists protesters protestors demonstrators
lawmakers legislators diplomats sources authorities leaders scientists researchers doctors investors traders
supporters opponents campaigners backers allies members voters parents teachers workers employees executives
ministers officers prosecutors politicians commentators skeptics sceptics advocates historians locals witnesses
survivors families farmers scholars regulators consumers people negotiators insiders rebels militants spokespeople
representatives senators governments countries nations unions groups environmentalists scholars physicians
parties companies firms agencies
""")
_SPEECH_NOUNS = _words("""
speech remarks comments statement statements address letter post tweet interview testimony announcement message
op-ed essay article column memo briefing response reply rebuttal warning warnings proposal report study survey
assessment research
""")
# Nouns that head reporting-like sentences without being anyone's statement ("Reports suggest that").
_NON_SPEAKERS = _words("""
report reports study studies data figures estimates estimate poll polls survey surveys documents evidence
analysis statistics records findings results footage images
""")
_NOUN_HEADS = PERSON_ROLES | ORG_NOUNS | GROUP_NOUNS | _SPEECH_NOUNS
_DETERMINERS = _words("the a an this that these those his her its their our my your")
_QUANTIFIERS = _words("some many most several few all both each every other numerous various more certain one")
_INDEFINITE = _words("a an one")
_PREPOSITIONS = _words("""
of to in on at for from with by about against between into over under after before during without within across
among around near through toward towards upon amid despite via per beyond behind inside outside along like
""")
_PP_ATTACH = _words("for of at from in with by")
_AUX = _words(
    "is was were are be been being am has have had will would can could shall should may might must do does did"
)
_BE = _words("is was were are be been being am")
_CONJUNCTIONS = _words("and or but nor so yet if than because although though since unless until while whereas as")
_WH = _words("who whom whose which what why how when where whether that there here")
_INTRO = _words("""
however meanwhile still yet now then also moreover furthermore instead indeed separately earlier later last
today yesterday tonight exclusive asked speaking according in on at during after before while when as since
although though despite with for from by if unlike like following amid
""")
_FUNCTION = (
    _DETERMINERS | _QUANTIFIERS | _PREPOSITIONS | _AUX | _CONJUNCTIONS | _WH | _INTRO | _words("not no i we you me us")
)
_ADVERBS = _words("""
also repeatedly long previously recently again further then later earlier once already often publicly privately
reportedly explicitly openly frequently never always even still similarly separately meanwhile himself herself
itself themselves just directly first finally initially subsequently yesterday today tonight not too personally
formally officially apparently allegedly specifically reportedly consistently
""")
_NEGATIONS = _words("not never n't")
_TIME_WORDS = _words("""
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december week month year weekend morning evening night
""")
_PARTICLES_IN_NAMES = _words("de da di van von der den del la le bin ibn al el du dos")
# "Bank of ...", "Secretary of State": "of" continues a name after these words.
_OF_NAMES = _words("""
bank chamber university department ministry secretary minister house court council board college institute
school museum church office commission committee league union federation association republic kingdom state
""")
ORG_SUFFIXES: frozenset[str] = _words("""
ministry department agency organization organisation union council commission committee party corp corporation
inc ltd llc plc group company co bank court office authority administration institute university college
association federation alliance bureau service services police army navy forces force parliament congress
senate assembly government cabinet foundation fund network times post news house nations states republic
kingdom front movement church guard reserve board centre center hospital school club airlines motors
industries holdings technologies systems media press watch international command foods energy pharmaceuticals
partners capital insurance telecom labs brands solutions logistics airways petroleum oil gas steel chemicals
electric power healthcare entertainment studios software networks communications resources mining beverages
retail stores
""")
# Capitalized words that make a run a thing or a place rather than a person's name.
_NOT_PERSON = ORG_SUFFIXES | _words("""
war world national security strategy street avenue road square river sea ocean island city state united north
south east west northern southern eastern western central new day act law bill treaty agreement summit
conference forum games cup prize award crisis revolution plan program programme project initiative index report
doctrine accord declaration charter constitution airport station bridge park hall tower palace building
cathedral mosque temple museum stadium market exchange valley region province district county empire coast
gulf bay strait peninsula basin desert forest lake ii iii iv
""")
_SOFT_MODIFIERS = _words("former current top senior new longtime veteran outgoing incoming then own acting chief")
_COMPOUND_ROLES = {
    ("secretary", "general"): "secretary general", ("prime", "minister"): "prime minister",
    ("chief", "executive"): "chief executive", ("vice", "president"): "vice president",
    ("foreign", "minister"): "foreign minister", ("general", "secretary"): "general secretary",
    ("director", "general"): "director general",
}  # fmt: skip
_LEADERS = {
    "leader", "president", "premier", "chancellor", "prime minister", "secretary general", "secretary-general",
    "general secretary", "chief", "head", "chairman", "chairwoman", "chair", "king", "queen", "monarch", "emperor",
    "ceo", "chief executive", "mayor", "governor", "director", "director general", "director-general", "boss",
}  # fmt: skip
_DIPLOMATS = {"diplomat", "envoy", "ambassador", "consul", "emissary", "attache", "foreign minister"}
_SPOKES = {"spokesman", "spokeswoman", "spokesperson"}
_DESCRIPTION_END = frozenset(["of", "to", "for", "at", "in", "with", "from", "on", "who", "which", "that", "whose"])
_ROLE_FAMILIES: dict[str, set[str]] = {
    "leader": _LEADERS, "chief": _LEADERS, "head": _LEADERS, "boss": _LEADERS,
    "diplomat": _DIPLOMATS, "envoy": {"envoy", "ambassador", "emissary"},
    "official": {"official", "minister", "secretary", "commissioner", "director", "officer", "administrator",
                 "deputy", "adviser", "advisor", "aide", "governor", "mayor", *_SPOKES, *_DIPLOMATS},
    "spokesman": {"spokesman", "spokesperson"}, "spokeswoman": {"spokeswoman", "spokesperson"}, "spokesperson": _SPOKES,
    "politician": {"president", "minister", "prime minister", "senator", "lawmaker", "legislator", "congressman",
                   "congresswoman", "mayor", "governor", "premier", "chancellor", "councillor", "councilor"},
    "lawmaker": {"lawmaker", "legislator", "senator", "congressman", "congresswoman", "representative"},
    "legislator": {"lawmaker", "legislator", "senator", "congressman", "congresswoman", "representative"},
    "executive": {"executive", "ceo", "chief executive", "director", "chairman", "chairwoman", "founder"},
    "premier": {"premier", "prime minister"}, "adviser": {"adviser", "advisor", "aide"},
    "advisor": {"adviser", "advisor", "aide"}, "aide": {"adviser", "advisor", "aide"},
    "expert": {"expert", "analyst", "economist", "researcher", "scientist", "professor"},
    "analyst": {"analyst", "expert", "economist"}, "doctor": {"doctor", "physician"},
    "commander": {"commander", "general", "colonel", "admiral", "officer"},
}  # fmt: skip

_QUOTE = "\ue000"  # stands for one whole quotation in the masked sentence
_TOKEN_RE = re.compile(
    rf"(?P<q>{_QUOTE})"
    r"|(?P<a>\b(?:Mrs?|Ms|Dr|Prof|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Adm|Rev|Hon|St|Jr|Sr)\.|\b(?:[A-Z]\.){2,}"
    r"|\b[A-Z]\.(?=\s+[A-Z]))"
    r"|(?P<w>[^\W_]+(?:[-'’.&][^\W_]+)*)"
    r"|(?P<p>[^\s\w])"
)
_POSSESSIVE_END = re.compile(r"['’][sS]$")
_DROP_CHARS = re.compile(r"[^\w\s-]")


# ---------------------------------------------------------------------------------------------------------
# Public helpers shared with the speaker directory and question parser.


def normalize_key(text: str) -> str:
    """Return the canonical lowercase form of a name or phrase: no accents, possessives or punctuation."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).replace("’", "'").lower()
    text = re.sub(r"'s\b", "", text).replace(".", "")
    return " ".join(_DROP_CHARS.sub(" ", text).split())


def role_head(tokens: Sequence[str]) -> tuple[str, tuple[str, ...]] | None:
    """Split lowercase tokens of a role phrase into (head, modifiers) when the last word is a role/org noun."""
    if not tokens:
        return None
    last = tokens[-1]
    if len(tokens) >= 2 and (tokens[-2], last) in _COMPOUND_ROLES:
        return _COMPOUND_ROLES[(tokens[-2], last)], tuple(tokens[:-2])
    if last in PERSON_ROLES or last in ORG_NOUNS:
        return last, tuple(tokens[:-1])
    return None


def role_matches(head: str, modifiers: Sequence[str], description: str) -> bool:
    """Tell whether a role phrase (head noun + modifiers) can refer to someone with this description."""
    words = normalize_key(description).split()
    if not words:
        return False
    family = _ROLE_FAMILIES.get(head, set()) | {head}
    core = _description_core(words)
    if not any(core[-len(member.split()) :] == member.split() for member in family):
        return False
    if "vice" in words and "vice" not in modifiers and head != "vice president":
        return False
    return all(m in _SOFT_MODIFIERS or any(same_word(m, w) for w in words) for m in modifiers)


def _description_core(words: list[str]) -> list[str]:
    """The description up to its head noun: "chief executive of the firm" -> "chief executive"."""
    for i, word in enumerate(words):
        if i and word in _DESCRIPTION_END:
            return words[:i]
    return words


def same_word(a: str, b: str) -> bool:
    """Equal, or sharing a stem ("italian"/"italy", "chinese"/"china")."""
    if a == b:
        return True
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    return common >= 4 and common >= min(len(a), len(b)) - 3


# ---------------------------------------------------------------------------------------------------------
# Tokens and quotations.


@dataclass(slots=True)
class _Tok:
    text: str
    low: str
    kind: str  # w word, a abbreviation/initials, s possessive 's, q quotation, p punctuation
    start: int
    end: int


@dataclass(slots=True)
class _QuoteInfo:
    carried_in: bool  # the sentence starts inside a quotation opened earlier
    open_end: bool  # a quotation is still open at the sentence end
    has_quote: bool


def _mask_quotes(sentence: str, carried: str | None) -> tuple[str, str | None, _QuoteInfo]:
    """Replace every quotation by one marker; return the masked text, the quote left open, and facts."""
    out: list[str] = []
    state = carried
    if carried:
        out.append(f" {_QUOTE} ")
    has_quote = carried is not None
    n = len(sentence)
    for i, ch in enumerate(sentence):
        before = sentence[i - 1] if i else " "
        after = sentence[i + 1] if i + 1 < n else " "
        if state is None:
            opener = _opens(ch, before, after)
            if opener:
                state = opener
                has_quote = True
                out.append(f" {_QUOTE} ")
            elif ch != "”":
                out.append(ch)
        elif _closes(state, ch, after):
            state = None
    info = _QuoteInfo(carried_in=carried is not None, open_end=state is not None, has_quote=has_quote)
    return "".join(out), state, info


def _opens(ch: str, before: str, after: str) -> str | None:
    if ch == "“":
        return "d"
    if ch == '"':
        return "sd"
    if ch == "‘" and not before.isalnum():
        return "s"
    if ch == "'" and (before.isspace() or before in "(“[—-") and after.isalnum():
        return "ss"
    return None


def _closes(state: str, ch: str, after: str) -> bool:
    if state == "d":
        return ch == "”"
    if state == "sd":
        return ch == '"'
    if state == "s":
        return ch == "’" and not after.isalnum()
    return ch == "'" and not after.isalnum()


def _tokenize(masked: str) -> list[_Tok]:
    toks: list[_Tok] = []
    for m in _TOKEN_RE.finditer(masked):
        kind = m.lastgroup or "p"
        text = m.group()
        if kind == "w" and len(text) > 2 and _POSSESSIVE_END.search(text):
            toks.append(_Tok(text[:-2], text[:-2].lower(), "w", m.start(), m.end() - 2))
            toks.append(_Tok(text[-2:], "'s", "s", m.end() - 2, m.end()))
            continue
        if kind == "p" and text in "’'" and toks and toks[-1].kind == "w" and toks[-1].low.endswith("s"):
            kind = "s"
        toks.append(_Tok(text, text.lower(), kind, m.start(), m.end()))
    return toks


def _is_name_token(tok: _Tok) -> bool:
    if tok.kind == "a":
        return True
    if tok.kind != "w":
        return False
    text = tok.text
    if not text[0].isupper():
        return text[:3] in ("al-", "el-") and len(text) > 3 and text[3].isupper()
    return all(part[:1].isupper() for part in text.split("-"))


def _is_acronym(tok: _Tok) -> bool:
    letters = tok.text.replace(".", "")
    return len(letters) >= 2 and letters.isalpha() and letters.isupper()


# ---------------------------------------------------------------------------------------------------------
# Noun phrases.


@dataclass
class _NP:
    kind: str  # pronoun | name | role | org | group | speech
    start: int
    end: int
    text: str
    head: str = ""
    mods: tuple[str, ...] = ()
    det: str | None = None
    gender: str | None = None
    person: bool | None = None  # for names: True person, False organisation, None unknown
    name_words: tuple[str, ...] = ()
    descriptions: list[str] = field(default_factory=list)
    possessor: _NP | None = None
    after_prep: str | None = None
    core: str = ""  # the phrase without article or possessor: "Western backers"


class _Sentence:
    """A tokenized, quote-masked sentence with noun-phrase helpers."""

    def __init__(self, masked: str) -> None:
        self.masked = masked
        self.toks = _tokenize(masked)

    def surface(self, a: int, b: int) -> str:
        if a >= b:
            return ""
        return self.masked[self.toks[a].start : self.toks[b - 1].end]

    def low(self, i: int) -> str:
        return self.toks[i].low if 0 <= i < len(self.toks) else ""

    def np_ending_at(self, end: int, depth: int = 0) -> _NP | None:
        """Parse the noun phrase whose last token is toks[end - 1]."""
        if end <= 0 or end > len(self.toks):
            return None
        tok = self.toks[end - 1]
        if tok.kind not in ("w", "a"):
            return None
        if tok.low in _SUBJECT_PRONOUNS:
            np: _NP | None = _NP("pronoun", end - 1, end, tok.text, head=tok.low, gender=_SUBJECT_PRONOUNS[tok.low])
        elif tok.low in _NOUN_HEADS:
            np = self._noun_np(end, depth)
        elif _is_name_token(tok):
            np = self._name_np(end)
        else:
            return None
        return self._attach_pp(np, depth) if np else None

    def _noun_np(self, end: int, depth: int) -> _NP | None:
        """A phrase headed by a role, organisation, group or speech noun: "the Italian president"."""
        head_tok = self.toks[end - 1]
        p = end - 1
        while p > 0 and end - p <= 4:
            t = self.toks[p - 1]
            if t.kind not in ("w", "a") or t.low in _FUNCTION or t.low in _CUES or t.low in _ADVERBS:
                break
            p -= 1
        mods = self.toks[p : end - 1]
        start, det, possessor = p, None, None
        before = self.toks[p - 1] if p > 0 else None
        if before is not None and (before.low in _DETERMINERS or before.low in _QUANTIFIERS):
            det, start = before.low, p - 1
            if before.low in _POSSESSIVE_PRONOUNS:
                pronoun = _POSSESSIVE_PRONOUNS[before.low]
                possessor = _NP("pronoun", p - 1, p, before.text, head=pronoun, gender=_SUBJECT_PRONOUNS[pronoun])
        elif before is not None and before.kind == "s" and depth < 2:
            possessor = self.np_ending_at(p - 1, depth + 1)
            det, start = "'s", possessor.start if possessor else p - 1
        head = head_tok.low
        kind = self._noun_kind(head)
        if kind == "speech" and possessor is None:
            return _NP("speech", start, end, self.surface(start, end), head=head, det=det)
        if kind in ("role", "org") and det is None and not self._bare_role_ok(p):
            return None
        if kind == "org" and head_tok.text[0].isupper() and mods and all(_is_name_token(m) for m in mods):
            # "the Health Ministry": a proper name, not a description
            return self._org_name(start, end, self.toks[p:end], det)
        gender = "female" if head in _FEMALE_ROLES else "male" if head in _MALE_ROLES else None
        words = tuple(normalize_key(m.text) for m in mods if m.low not in _QUANTIFIERS)
        text_start = start + 1 if det in _DETERMINERS or det in _QUANTIFIERS else start
        core = self.surface(p, end)
        if p == 0 and not _is_acronym(self.toks[0]):
            core = core[:1].lower() + core[1:]  # capitalized only because it starts the sentence
        return _NP(kind, start, end, self.surface(text_start, end), head=head, mods=words, det=det,
                   gender=gender, possessor=possessor, core=core)  # fmt: skip

    def _noun_kind(self, head: str) -> str:
        if head in _SPEECH_NOUNS:
            return "speech"
        if head in GROUP_NOUNS:
            return "group"
        if head in ORG_NOUNS:
            return "org"
        return "role"

    def _bare_role_ok(self, p: int) -> bool:
        """A role noun without determiner is a subject only at the start of a clause ("Officials said")."""
        return p == 0 or self.toks[p - 1].kind in ("p", "q") or self.low(p - 1) == "and"

    def _org_name(self, start: int, end: int, run: list[_Tok], det: str | None) -> _NP:
        text = " ".join(t.text for t in run)
        return _NP("name", start, end, text, det=det, person=False, name_words=tuple(t.text for t in run))

    def _name_np(self, end: int) -> _NP | None:
        """A capitalized name, with the titles and roles before it: "Italian President Jane Doe"."""
        p = end - 1
        while p > 0:
            prev = self.toks[p - 1]
            joins = prev.low in _PARTICLES_IN_NAMES or (prev.low == "of" and self.low(p - 2) in _OF_NAMES)
            particle = joins and p >= 2 and _is_name_token(self.toks[p - 2])
            if not (_is_name_token(prev) or particle):
                break
            p -= 1
        while p < end and (self.toks[p].low in _FUNCTION or self.toks[p].low in _TIME_WORDS):
            p += 1
        if p >= end:
            return None
        run = self.toks[p:end]
        det = "the" if self.low(p - 1) == "the" else None
        roles = [i for i, t in enumerate(run) if t.low in PERSON_ROLES or t.low.rstrip(".") in _HONORIFICS]
        last_role = roles[-1] if roles else -1
        if 0 <= last_role < len(run) - 2 and run[last_role + 1].low == "of":
            last_role += 2  # "Secretary of State Jane Doe"
        name = [t for t in run[last_role + 1 :] if t.low.rstrip(".") not in _HONORIFICS]
        if not name or (len(run) == 1 and run[0].low in _NON_SPEAKERS):
            return None
        start = p - 1 if det else p
        np = _NP("name", start, end, " ".join(t.text for t in name), det=det, name_words=tuple(t.text for t in name))
        np.gender = self._name_gender(run[: last_role + 1])
        self._add_pre_roles(np, run[: last_role + 1])
        np.person = self._personhood(np, name, run[: last_role + 1])
        if p > 0 and self.toks[p - 1].low in PERSON_ROLES and not _is_name_token(self.toks[p - 1]):
            self._lowercase_pre_role(np, p)
        return np

    def _name_gender(self, pre: list[_Tok]) -> str | None:
        for t in pre:
            low = t.low.rstrip(".")
            if _HONORIFICS.get(low):
                return _HONORIFICS[low]
            if low in _FEMALE_ROLES:
                return "female"
            if low in _MALE_ROLES:
                return "male"
        return None

    def _add_pre_roles(self, np: _NP, pre: list[_Tok]) -> None:
        """Keep "Italian President" and "President" from "Italian President Jane Doe"."""
        titled = [t for t in pre if t.low.rstrip(".") not in _HONORIFICS]
        if not titled:
            return
        np.descriptions.append(" ".join(t.text for t in titled))
        first_role = next((i for i, t in enumerate(titled) if t.low in PERSON_ROLES), 0)
        if first_role > 0:
            np.descriptions.append(" ".join(t.text for t in titled[first_role:]))

    def _personhood(self, np: _NP, name: list[_Tok], pre: list[_Tok]) -> bool | None:
        if any(_is_acronym(t) for t in name) or name[-1].low in ORG_SUFFIXES:
            return False
        if pre:
            return True
        if np.det == "the":
            return False  # "the Pentagon", "the White House"
        if len(name) >= 2:
            return not any(t.low in _NOT_PERSON or not t.text[0].isalpha() for t in name)
        return None

    def _lowercase_pre_role(self, np: _NP, p: int) -> None:
        """ "company spokeswoman Jane Doe": the lowercase role before a name is a description."""
        q = p - 1
        while q > 0 and p - q < 4:
            t = self.toks[q - 1]
            if t.kind not in ("w", "a") or t.low in _FUNCTION or t.low in _CUES:
                break
            q -= 1
        np.descriptions.append(self.surface(q, p))
        head = self.toks[p - 1].low
        np.gender = np.gender or ("female" if head in _FEMALE_ROLES else "male" if head in _MALE_ROLES else None)
        np.person = True
        np.start = q

    def _attach_pp(self, np: _NP, depth: int) -> _NP:
        """ "a spokesman for the ministry", "officials in the region", "a statement from Doe"."""
        s = np.start
        prep = self.low(s - 1)
        if prep in _PP_ATTACH and depth < 2:
            outer = self.np_ending_at(s - 1, depth + 1)
            if (
                outer is not None
                and outer.kind == "speech"
                and outer.possessor is None
                and prep in ("from", "by", "of")
            ):
                return replace(outer, end=np.end, possessor=np)
            if outer is not None and outer.kind in ("role", "group") and outer.possessor is None:
                text_start = outer.start + (1 if outer.det in _DETERMINERS or outer.det in _QUANTIFIERS else 0)
                outer.descriptions.append(self.surface(text_start, np.end))
                outer.end = np.end
                return outer
        if prep in _PREPOSITIONS:
            np.after_prep = prep
        return np

    def np_starting_at(self, k: int) -> _NP | None:
        """The longest noun phrase that starts at token k (for "said the minister", "according to X")."""
        best = None
        for e in range(k + 1, min(len(self.toks), k + 9) + 1):
            if self.toks[e - 1].kind in ("p", "q") and e - 1 > k:
                break
            np = self.np_ending_at(e)
            if np is not None and np.start == k:
                best = np
        if best is not None:
            best.after_prep = None  # the caller knows what comes before
        return best

    def role_phrase(self, a: int, b: int) -> tuple[str, str] | None:
        """If toks[a:b] is an appositive role phrase, return (core role, whole phrase without article)."""
        if b - a < 1 or b - a > 14:
            return None
        k = a + 1 if self.low(a) in _DETERMINERS else a
        body = k
        for s in range(k, min(k + 4, b)):
            if self.toks[s].kind == "s":
                k = s + 1
                break
        h = None
        for i in range(k, min(k + 5, b)):
            t = self.toks[i]
            if t.kind not in ("w", "a") or t.low in _FUNCTION or t.low in _CUES:
                break
            if t.low in PERSON_ROLES:
                h = i
            elif h is not None:
                break
        if h is None or (h + 1 < b and self.low(h + 1) not in _PREPOSITIONS | {"who", "whose", "which", "that"}):
            return None
        return self.surface(k, h + 1), self.surface(body, b)

    def chunk_start(self, comma: int) -> int:
        """Index of the first token of the comma-delimited chunk that ends just before toks[comma]."""
        i = comma - 1
        while i >= 0 and self.toks[i].text not in ",;:" and self.toks[i].kind != "q":
            i -= 1
        return i + 1

    def chunk_end(self, start: int) -> int:
        i = start
        while i < len(self.toks) and self.toks[i].text not in ",;:.!?" and self.toks[i].kind != "q":
            i += 1
        return i

    def appositions(self, np: _NP) -> list[str]:
        """Role phrases set off by commas around a name: "X's envoy, Jane Doe," / "Jane Doe, the mayor,"."""
        found: list[str] = []
        if self.low(np.end) == ",":
            b = self.chunk_end(np.end + 1)
            phrase = self.role_phrase(np.end + 1, b)
            if phrase:
                found.extend(phrase)
        if np.start > 0 and self.low(np.start - 1) == ",":
            a = self.chunk_start(np.start - 1)
            phrase = self.role_phrase(a, np.start - 1)
            if phrase:
                found.extend(phrase)
        return found


# ---------------------------------------------------------------------------------------------------------
# Finding the statement cue and its subject.


@dataclass
class _Candidate:
    cue: str
    np: _NP


def _find_statement(sent: _Sentence) -> _Candidate | None:
    """Return the first reporting cue of the sentence that has a speaker-like subject."""
    participle_cue = None  # ", adding that ...": used only when no cue has its own subject
    for i, tok in enumerate(sent.toks):
        if tok.kind != "w":
            continue
        if tok.low == "according" and sent.low(i + 1) == "to":
            np = sent.np_starting_at(i + 2)
            if np is not None and _speakerlike(np):
                return _Candidate("according to", np)
            continue
        lemma = _CUES.get(tok.low)
        if lemma is None or not tok.text[0].islower():
            continue
        cue = _cue_text(sent, i, lemma)
        if cue is None:
            continue
        if tok.low.endswith("ing"):
            np, is_participle = _ing_subject(sent, i)
            if is_participle:
                participle_cue = participle_cue or cue
                continue
        else:
            np = _finite_subject(sent, i)
        if lemma in _SPEECH_SUBJECT_ONLY and (np is None or np.kind != "speech"):
            continue
        if np is not None and _speakerlike(np):
            return _Candidate(cue, np)
    if participle_cue is not None:
        np = _main_subject(sent)
        if np is not None and _speakerlike(np):
            return _Candidate(participle_cue, np)
    return None


def _cue_text(sent: _Sentence, i: int, lemma: str) -> str | None:
    """The cue as written ("pointed to"), or None when its complement shows a non-reporting sense."""
    word = sent.toks[i].text
    nxt = _skip_forward(sent, i + 1)
    following = sent.low(nxt)
    if lemma in _PARTICLES:
        if following in _PARTICLES[lemma]:
            return f"{word} {sent.toks[nxt].text}"
        if lemma == "call" and any(t.kind == "q" for t in sent.toks[i + 1 : i + 8]):
            return word
        return None
    if lemma in _NEEDS_COMPLEMENT:
        prev = sent.toks[i - 1] if i > 0 else None
        inverted = prev is None or prev.kind == "q" or prev.text == ","
        at_end = nxt >= len(sent.toks)
        ok_next = at_end or sent.toks[nxt].kind in ("p", "q") or following in _COMPLEMENT_OK
        if not (ok_next or inverted):
            return None
    return word


def _skip_forward(sent: _Sentence, i: int) -> int:
    while i < len(sent.toks) and sent.toks[i].low in _ADVERBS:
        i += 1
    return i


def _skip_back(sent: _Sentence, i: int) -> tuple[int, bool]:
    """Step back over adverbs and auxiliaries before a verb; tell whether a form of "be" or a negation was there."""
    j = i
    saw_be = False
    while j > 0:
        t = sent.toks[j - 1]
        low = t.low
        if t.kind != "w" or not low[0].islower():
            break
        if low in _ADVERBS or low in _AUX or (low.endswith("ly") and low not in _CUES and len(low) > 4):
            saw_be = saw_be or low in _BE or low in _NEGATIONS
            j -= 1
        elif low in _TIME_WORDS and sent.low(j - 2) in ("on", "last", "this"):
            j -= 2
        else:
            break
    return j, saw_be


def _finite_subject(sent: _Sentence, i: int) -> _NP | None:
    j, passive_or_negated = _skip_back(sent, i)
    if passive_or_negated:
        return _passive_agent(sent, i) if not any(sent.low(k) in _NEGATIONS for k in range(j, i)) else None
    np = _subject_before(sent, j)
    if np is None and (j == 0 or sent.toks[j - 1].kind == "q" or sent.toks[j - 1].text == ","):
        np = _inverted_subject(sent, i)
    return np


def _passive_agent(sent: _Sentence, i: int) -> _NP | None:
    """ "The plan was criticized by opposition parties": the agent after "by" made the statement."""
    k = _skip_forward(sent, i + 1)
    return sent.np_starting_at(k + 1) if sent.low(k) == "by" else None


def _inverted_subject(sent: _Sentence, i: int) -> _NP | None:
    """ "..., said Mrs. Doe." / "“...,” said the minister." """
    k = i + 1
    if sent.low(k) in ("to", "on", "for", "out", "upon"):
        k += 1
    np = sent.np_starting_at(k)
    if np is not None and np.kind == "pronoun" and sent.low(np.end) not in (".", ",", ";", "!", "?", ""):
        return None  # "said it had ...": the pronoun starts the reported clause
    if np is not None and np.kind == "name":
        np.descriptions.extend(sent.appositions(np))
    return np


def _ing_subject(sent: _Sentence, i: int) -> tuple[_NP | None, bool]:
    """Subject of a participle cue: "with X warning that" -> X; ", adding that" -> the main subject (flag)."""
    j, progressive = _skip_back(sent, i)
    if progressive:
        return (None if any(sent.low(k) in _NEGATIONS for k in range(j, i)) else _subject_before(sent, j)), False
    prev = sent.low(j - 1)
    if prev in (",", "by", "and") or j == 0:
        return None, True
    if prev == "as" and sent.low(j - 2) == "quoted":
        k, _ = _skip_back(sent, j - 2)
        return _subject_before(sent, k), False
    np = sent.np_ending_at(j)
    if np is not None and np.after_prep == "with":
        np.after_prep = None
        _add_appositions(sent, np)
        return np, False
    return None, False


def _subject_before(sent: _Sentence, j: int) -> _NP | None:
    """The subject that ends right before position j (a verb), looking through appositions and clauses."""
    if j <= 0:
        return None
    if sent.toks[j - 1].text == ",":
        return _appositive_subject(sent, j - 1)
    np = sent.np_ending_at(j)
    if np is None:
        np = _subject_before_pp(sent, j) or _subject_before_who(sent, j)
    if np is not None:
        _add_appositions(sent, np)
    return np


def _add_appositions(sent: _Sentence, np: _NP) -> None:
    if np.kind == "name":
        np.descriptions.extend(sent.appositions(np))


def _appositive_subject(sent: _Sentence, comma: int) -> _NP | None:
    """ "Jane Doe, the mayor, said" / "X's envoy, Jane Doe, said" / "Jane Doe, who ..., said"."""
    a = sent.chunk_start(comma)
    if a >= comma or a == 0 or sent.toks[a - 1].text != ",":
        inner_np = sent.np_ending_at(comma)
        if inner_np is not None and inner_np.start == a and inner_np.kind == "name":
            _add_appositions(sent, inner_np)
            return inner_np
        return None
    first = sent.toks[a]
    role = sent.role_phrase(a, comma)
    appositive = first.low in ("a", "an", "the")  # "Jane Doe, a hydrologist at ..., said"
    if (
        role
        or appositive
        or first.low in ("who", "which", "whose")
        or first.low.endswith("ing")
        or first.text[0].isdigit()
    ):
        np = sent.np_ending_at(a - 1) or _generic_np(sent, a - 1, "org" if first.low == "which" else "role")
        if np is not None and role:
            np.descriptions.extend(role)
        elif np is not None and appositive:
            np.descriptions.append(sent.surface(a + 1, comma))
        if np is not None and np.kind == "name" and first.low == "who":
            np.person = True
        return np
    inner_np = sent.np_ending_at(comma)
    if inner_np is not None and inner_np.start == a and inner_np.kind == "name":
        _add_appositions(sent, inner_np)
        return inner_np
    return None


def _generic_np(sent: _Sentence, end: int, kind: str) -> _NP | None:
    """ "The port operator, which ...": an article and lowercase nouns before a relative clause."""
    p = end
    while p > 0 and end - p < 3 and sent.toks[p - 1].kind == "w" and sent.toks[p - 1].text.islower():
        if sent.toks[p - 1].low in _FUNCTION or sent.toks[p - 1].low in _CUES:
            break
        p -= 1
    if p == end or p == 0 or sent.low(p - 1) not in ("the", "a", "an"):
        return None
    words = [t.text for t in sent.toks[p:end]]
    return _NP(kind, p - 1, end, " ".join(words), head=words[-1], mods=tuple(words[:-1]), det=sent.low(p - 1))


def _subject_before_pp(sent: _Sentence, j: int) -> _NP | None:
    """ "Health officials in the region warned": the subject before a short prepositional phrase."""
    for p in range(j - 1, max(j - 7, 0), -1):
        t = sent.toks[p]
        if t.kind in ("p", "q") or t.low in _CUES:
            return None
        if t.low in _PP_ATTACH:
            np = sent.np_ending_at(p)
            if np is not None and np.kind in ("role", "group"):
                np.descriptions.append(sent.surface(np.start + (1 if np.det else 0), j))
                return np
            return None
    return None


def _subject_before_who(sent: _Sentence, j: int) -> _NP | None:
    """ "officials who spoke on condition of anonymity said"."""
    for p in range(j - 1, max(j - 15, 0), -1):
        t = sent.toks[p]
        if t.kind == "q" or t.text in ".;:":
            return None
        if t.low == "who":
            np = sent.np_ending_at(p)
            if np is not None and np.kind == "name":
                np.person = True
            return np
    return None


def _main_subject(sent: _Sentence) -> _NP | None:
    """Subject of the main clause, for a participle cue: "Doe visited the site, saying that ..."."""
    toks = sent.toks
    k = 0
    if toks and (toks[0].low in _INTRO or toks[0].low.endswith(("ing", "ly"))):
        while k < len(toks) and toks[k].text != ",":
            k += 1
        k += 1
    if k >= len(toks):
        return None
    np = sent.np_starting_at(k)
    if np is not None:
        _add_appositions(sent, np)
    return np


def _speakerlike(np: _NP) -> bool:
    if np.after_prep is not None:
        return False
    if np.kind == "speech":
        return np.possessor is not None and np.possessor.kind in ("name", "pronoun", "role", "org")
    return np.kind != "pronoun" or np.head in _SUBJECT_PRONOUNS


# ---------------------------------------------------------------------------------------------------------
# Entities of one article.


@dataclass
class _Entity:
    key: str
    name: str
    kind: str  # person | organization | group
    aliases: list[str] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    gender: str | None = None
    rank: int = 0
    last: int = -1
    speaks: bool = False
    named: bool = True  # False for a speaker known only by a description ("a spokesman")

    def add_alias(self, alias: str) -> None:
        if alias and alias.lower() not in (a.lower() for a in self.aliases):
            self.aliases.append(alias)

    def add_descriptions(self, descriptions: Iterable[str]) -> None:
        for d in descriptions:
            d = d.strip(" ,")
            if d and d.lower() not in (x.lower() for x in self.descriptions):
                self.descriptions.append(d)


_PRONOUN_WINDOW = {"he": 8, "she": 8, "it": 6, "they": 4}


class _Registry:
    """The people, organisations and groups of one article, with salience for pronouns."""

    def __init__(self) -> None:
        self.entities: dict[str, _Entity] = {}
        self.clock = 0
        self.sentence = 0

    def bump(self, ent: _Entity) -> None:
        self.clock += 1
        ent.rank = self.clock
        ent.last = self.sentence

    def _get(self, key: str, name: str, kind: str, named: bool = True) -> _Entity:
        ent = self.entities.get(key)
        if ent is None:
            ent = self.entities[key] = _Entity(key, name, kind, named=named)
        return ent

    def resolve(self, np: _NP) -> _Entity | None:
        """Map a speaker noun phrase to an entity, creating it when new."""
        if np.kind == "pronoun":
            return self._pronoun(np.head)
        if np.kind == "speech":
            return self.resolve(np.possessor) if np.possessor else None
        if np.kind == "name":
            return self._name(np)
        if np.kind == "group":
            key = normalize_key(" ".join((*np.mods, np.head)))
            ent = self._get(key, np.core or np.head, "group")
            ent.add_alias(np.core)
            ent.add_alias(np.text)
            ent.add_descriptions([np.text, *np.descriptions])
            return ent
        return self._role(np)

    def _pronoun(self, pronoun: str) -> _Entity | None:
        window = _PRONOUN_WINDOW[pronoun]
        kinds = {"he": ("person",), "she": ("person",), "it": ("organization",), "they": ("group", "organization")}
        gender = _SUBJECT_PRONOUNS[pronoun]
        best = None
        for ent in self.entities.values():
            if ent.kind not in kinds[pronoun] or ent.last < self.sentence - window or ent.last < 0:
                continue
            if gender and ent.gender not in (None, gender):
                continue
            if best is None or ent.rank > best.rank:
                best = ent
        if best is not None and gender and best.gender is None:
            best.gender = gender
        return best

    def _name(self, np: _NP) -> _Entity:
        words = [normalize_key(w) for w in np.name_words if normalize_key(w)]
        key = " ".join(words)
        if np.person is False:
            ent = self.entities.get(key) or self._get(key, np.text, "organization")
        elif len(words) >= 2:
            ent = self.entities.get(key) or self._person_ending(words) or self._get(key, np.text, "person")
            ent.add_alias(np.name_words[-1])
        else:
            ent = self._person_called(key) or self.entities.get(key)
            if ent is None:
                ent = self._get(key, np.text, "person" if np.person else "organization")
        ent.add_alias(np.text)
        ent.add_descriptions(np.descriptions)
        if ent.kind == "person" and np.gender and ent.gender is None:
            ent.gender = np.gender
        return ent

    def _person_ending(self, words: list[str]) -> _Entity | None:
        """A person already known by a longer or equal name ending the same way ("Jane Doe" vs "Jane A. Doe")."""
        for ent in self.entities.values():
            if (
                ent.kind == "person"
                and ent.named
                and ent.key.split()[-1] == words[-1]
                and ent.key.split()[0] == words[0]
            ):
                return ent
        return None

    def _person_called(self, word: str) -> _Entity | None:
        """The most recent person whose name includes this single word (a surname)."""
        best = None
        for ent in self.entities.values():
            if (
                ent.kind == "person"
                and ent.named
                and word in ent.key.split()
                and (best is None or ent.rank > best.rank)
            ):
                best = ent
        return best

    def _role(self, np: _NP) -> _Entity:
        """ "the diplomat", "the alliance leader", "a spokesman", "the ministry"."""
        mods = list(np.mods)
        if np.possessor is not None and np.possessor.kind == "name":
            mods.extend(normalize_key(w) for w in np.possessor.name_words)
        descriptions = [np.text, *np.descriptions]
        ent = None if np.det in _INDEFINITE else self._described(np.head, mods, np.kind)
        if ent is None and np.kind == "org" and np.head in _GENERIC_ORGS and np.det not in _INDEFINITE:
            ent = self._latest_named_org()
        if ent is None:
            # "a spokesman" is known only by description; "Doe's lawyer" keeps whose lawyer it is
            label = (
                np.text if np.possessor is not None and np.possessor.kind == "name" else " ".join((*np.mods, np.head))
            )
            kind = "organization" if np.kind == "org" else "person"
            ent = self._get(normalize_key(label), label, kind, named=False)
            if np.gender and ent.gender is None:
                ent.gender = np.gender
        ent.add_descriptions(descriptions)
        return ent

    def _latest_named_org(self) -> _Entity | None:
        orgs = [e for e in self.entities.values() if e.kind == "organization" and e.named and len(e.key.split()) > 1]
        return max(orgs, key=lambda e: e.rank, default=None)

    def _described(self, head: str, mods: list[str], kind: str) -> _Entity | None:
        wanted = "organization" if kind == "org" else "person"
        best = None
        for ent in self.entities.values():
            if ent.kind != wanted:
                continue
            texts = [*ent.descriptions, ent.name] if kind == "org" else ent.descriptions
            if any(role_matches(head, mods, d) for d in texts) and (best is None or ent.rank > best.rank):
                best = ent
        return best

    def observe(self, np: _NP) -> _Entity | None:
        """Register a name mentioned in a sentence (not as a speaker): people and their descriptions."""
        words = [normalize_key(w) for w in np.name_words if normalize_key(w)]
        if not words:
            return None
        if np.person is True or (np.person is None and len(words) >= 2):
            return self._name(np)
        if np.person is False and len(words) >= 2:
            return self._name(np)
        if len(words) == 1:
            ent = self._person_called(words[0])
            if ent is not None:
                ent.add_descriptions(np.descriptions)
            return ent
        return None

    def speakers(self) -> list[Speaker]:
        return [
            Speaker(e.key, self._display(e), e.kind, tuple(e.aliases), tuple(e.descriptions))
            for e in self.entities.values()
            if e.speaks
        ]

    def _display(self, ent: _Entity) -> str:
        if ent.kind == "person" and ent.named:
            return max(ent.aliases, key=lambda a: len(a.split()), default=ent.name)
        return ent.name


# ---------------------------------------------------------------------------------------------------------
# The article.


@dataclass
class _Analysis:
    attribution: Attribution
    quotes: _QuoteInfo
    pure_quote: bool
    paragraph: int


def attribute(text: str, spans: Sequence[Span], title: str | None = None) -> tuple[list[Attribution], list[Speaker]]:
    """Attribute every sentence (one Attribution per span, same order) and list the article's speakers."""
    registry = _Registry()
    if title and _is_sentence_case(title):
        masked, _, _ = _mask_quotes(title, None)
        _register_mentions(registry, _Sentence(masked))
    analyses: list[_Analysis] = []
    carried: str | None = None
    for index, span in enumerate(spans):
        if index and span.paragraph != spans[index - 1].paragraph:
            carried = None
        masked, carried, quotes = _mask_quotes(text[span.start : span.end], carried)
        registry.sentence = index
        analyses.append(_analyse(registry, _Sentence(masked), quotes, span.paragraph))
    _propagate_quotes(analyses)
    for a in analyses:
        if a.attribution.speaker:
            registry.entities[a.attribution.speaker].speaks = True
    return [a.attribution for a in analyses], registry.speakers()


def _analyse(registry: _Registry, sent: _Sentence, quotes: _QuoteInfo, paragraph: int) -> _Analysis:
    mentioned = _register_mentions(registry, sent)
    candidate = _find_statement(sent)
    speaker = registry.resolve(candidate.np) if candidate else None
    _update_salience(registry, mentioned, speaker)
    if candidate is not None:
        attribution = Attribution(True, speaker.key if speaker else None, candidate.cue)
    else:
        attribution = Attribution(False)
    pure = quotes.has_quote and not any(t.kind in ("w", "a") for t in sent.toks)
    return _Analysis(attribution, quotes, pure, paragraph)


def _register_mentions(registry: _Registry, sent: _Sentence) -> list[_Entity]:
    """Register the people and organisations a sentence names, with their descriptions, in order."""
    toks = sent.toks
    seen: list[_Entity] = []
    i = 0
    while i < len(toks):
        if not _is_name_token(toks[i]):
            i += 1
            continue
        j = i + 1
        while j < len(toks) and (
            _is_name_token(toks[j]) or (_joins_name(toks, j) and j + 1 < len(toks) and _is_name_token(toks[j + 1]))
        ):
            j += 1
        np = sent.np_ending_at(j)
        if np is not None and np.kind == "name":
            np.descriptions.extend(sent.appositions(np))
            ent = registry.observe(np)
            if ent is not None and ent not in seen:
                seen.append(ent)
        i = j
    return seen


def _joins_name(toks: list[_Tok], j: int) -> bool:
    return toks[j].low in _PARTICLES_IN_NAMES or (toks[j].low == "of" and toks[j - 1].low in _OF_NAMES)


def _update_salience(registry: _Registry, seen: list[_Entity], speaker: _Entity | None) -> None:
    """The speaker, else the first person or organisation named, becomes the most salient entity."""
    subject = speaker or (seen[0] if seen else None)
    for ent in reversed(seen):
        if ent is not subject:
            registry.bump(ent)
    if subject is not None:
        registry.bump(subject)


def _propagate_quotes(analyses: list[_Analysis]) -> None:
    """Sentences of a quotation without their own cue take the speaker of the sentence that attributes it."""
    for i in range(len(analyses) - 2, -1, -1):
        a, nxt = analyses[i], analyses[i + 1]
        if (
            not a.attribution.statement
            and a.quotes.open_end
            and nxt.quotes.carried_in
            and nxt.paragraph == a.paragraph
            and nxt.attribution.statement
        ):
            a.attribution = Attribution(True, nxt.attribution.speaker, "quote")
    for i, a in enumerate(analyses):
        if a.attribution.statement or not (a.pure_quote or a.quotes.carried_in):
            continue
        source = _neighbour_statement(analyses, i)
        a.attribution = Attribution(True, source.speaker if source else None, "quote")


def _neighbour_statement(analyses: list[_Analysis], i: int) -> Attribution | None:
    """The statement a lone quotation belongs to: the one before it in its paragraph, else after it."""
    paragraph = analyses[i].paragraph
    if i > 0 and analyses[i - 1].attribution.statement:
        prev = analyses[i - 1]
        if prev.paragraph == paragraph or prev.quotes.has_quote:
            return prev.attribution
    for j in range(i + 1, len(analyses)):
        if analyses[j].paragraph != paragraph:
            break
        if analyses[j].attribution.statement and not analyses[j].pure_quote:
            return analyses[j].attribution
        if not analyses[j].pure_quote:
            break
    return None


def _is_sentence_case(title: str) -> bool:
    words = [w for w in title.split() if w[:1].isalpha()]
    capitalized = sum(1 for w in words if w[0].isupper())
    return bool(words) and capitalized <= len(words) / 2
