"""Word lists of general English that the attribution rules read: reporting verbs, roles, function words."""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Reporting verbs. Each line: lemma, then its forms. A form maps back to the first word of its line.
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
complain complains complained complaining
caution cautions cautioned cautioning
accuse accuses accused accusing
blast blasts blasted blasting
slam slams slammed slamming
criticize criticizes criticized criticizing criticise criticises criticised criticising
condemn condemns condemned condemning
denounce denounces denounced denouncing
praise praises praised praising
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
write writes wrote writing
tweet tweets tweeted tweeting
post posts posted posting
describe describes described describing
call calls called calling
ask asks asked asking
point points pointed pointing
touch touches touched touching
outline outlines outlined outlining
counter counters countered countering
recall recalls recalled recalling
testify testifies testified testifying
mention mentions mentioned mentioning
include includes included
contain contains contained
apologize apologizes apologized apologizing apologise apologises apologised apologising
blame blames blamed blaming
report reports reported reporting
joke jokes joked joking
quip quips quipped quipping
fume fumes fumed fuming
boast boasts boasted boasting
shout shouts shouted shouting
answer answers answered answering
repeat repeats repeated repeating
forecast forecasts forecasted forecasting
frame frames framed framing
characterize characterizes characterized characterizing characterise characterises characterised characterising
chime chimes chimed chiming
retort retorts retorted retorting
exclaim exclaims exclaimed exclaiming
reveal reveals revealed revealing
recount recounts recounted recounting
brag brags bragged bragging
scoff scoffs scoffed scoffing
mock mocks mocked mocking
snap snaps snapped snapping
conclude concludes concluded concluding
advise advises advised advising
gush gushes gushed gushing
sneer sneers sneered sneering
"""


def _forms(table: str) -> dict[str, str]:
    """Map every form in a table (one lemma and its forms per line) to its lemma."""
    return {form: line.split()[0] for line in table.strip().splitlines() for form in line.split()}


CUES: dict[str, str] = _forms(_CUE_TABLE)
REPORTING_LEMMAS: frozenset[str] = frozenset(CUES.values())
# Verbs a question uses to ask for someone's words that running text does not use as reporting cues
# ("What does Doe think about taxes?", "What did Doe propose?": in news text "proposed a plan" is an act more often
# than a statement), and forms only questions need ("written by").
_QUESTION_ONLY_TABLE = """
think thinks thought thinking
believe believes believed believing
feel feels felt feeling
mean means meant meaning
want wants wanted wanting
react reacts reacted reacting
reveal reveals revealed revealing
recommend recommends recommended recommending
write written
propose proposes proposed proposing
threaten threatens threatened threatening
demand demands demanded demanding
lament laments lamented lamenting
label labels labeled labelled labeling labelling
dub dubs dubbed dubbing
assure assures assured assuring
hint hints hinted hinting
"""
# Cues that report only with a subject or complement a question does not have ("her speech included ..."), or
# whose forms a question more often uses as nouns ("Did Doe answer questions?").
_CUES_NOT_IN_QUESTIONS = _words("include contain focus refer touch point question counter post answer frame chime snap")
QUESTION_VERBS: dict[str, str] = {
    form: lemma for form, lemma in (CUES | _forms(_QUESTION_ONLY_TABLE)).items() if lemma not in _CUES_NOT_IN_QUESTIONS
}

# Cues that report speech whatever follows them: an unknown noun before them is a speaker ("the ranger said").
PLAIN_CUES = _words("say tell add write tweet ask joke quip shout insist explain")
# Cues that also have a non-reporting sense unless a complement follows ("added 500 jobs", "responded to").
NEEDS_COMPLEMENT = _words(
    "add respond reply maintain observe suggest ask recall counter write post comment remark explain state report "
    "answer repeat reveal recount conclude advise snap claim concede"
)
# Forms far more often nouns than reporting verbs: cues only before "that" or a colon.
NOUN_FORMS = _words("state states")
COMPLEMENT_OK = _words("that whether why how if what when in on at during while after before as by about")
CUE_PARTICLES = {
    "point": {"to", "out"},
    "touch": {"on", "upon"},
    "refer": {"to"},
    "focus": {"on"},
    "call": {"for", "on", "upon"},
    "frame": {"as"},
    "chime": {"in"},
}
# Cues whose particle may follow a short object: "framed the vote as", "asked the board whether/to".
FAR_PARTICLES = {
    "frame": _words("as"),
    "characterize": _words("as"),
    "ask": _words("to whether if why how what when about"),
    "urge": _words("to"),
    "tell": _words("that to whether"),
}
# Only reporting when the subject is a speech ("Her speech included ...").
SPEECH_SUBJECT_ONLY = _words("include contain")

# Who can speak: pronouns (with gender), titles, roles, organisations, groups and speeches.
SUBJECT_PRONOUNS = {"he": "male", "she": "female", "it": None, "they": None}
POSSESSIVE_PRONOUNS = {"his": "he", "her": "she", "its": "it", "their": "they"}
HONORIFICS = {
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
virologist biologist geologist ecologist physicist chemist sociologist demographer technician
statistician politician photographer filmmaker diplomat-in-chief dean provost nominee front-runner frontrunner
""")
FEMALE_ROLES = _words("spokeswoman chairwoman congresswoman councilwoman queen princess")
MALE_ROLES = _words("spokesman chairman congressman councilman king prince")
ORG_NOUNS: frozenset[str] = _words("""
ministry government company firm agency department administration council committee commission court police
army military union party organization organisation bank embassy office cabinet parliament authority regime
alliance bloc coalition group campaign charity foundation institute university hospital board federation
association network newspaper broadcaster outlet club team league country nation state city service operator
producer manufacturer maker retailer carrier airline utility regulator watchdog insurer lender developer provider
supplier distributor exporter importer publisher trust society
""")
# "the company said": when no organisation is described so, the most recent organisation named is meant.
GENERIC_ORGS = _words("company firm group organization organisation business corporation")
GROUP_NOUNS: frozenset[str] = _words("""
critics officials analysts experts observers economists residents activists protesters protestors demonstrators
lawmakers legislators diplomats sources authorities leaders scientists researchers doctors investors traders
supporters opponents campaigners backers allies members voters parents teachers workers employees executives
ministers officers prosecutors politicians commentators skeptics sceptics advocates historians locals witnesses
survivors families farmers scholars regulators consumers people negotiators insiders rebels militants spokespeople
representatives senators governments countries nations unions groups environmentalists physicians
parties companies firms agencies
""")
SPEECH_NOUNS = _words("""
speech remarks comments statement statements address letter post tweet interview testimony announcement message
op-ed essay article column memo briefing response reply rebuttal warning warnings proposal report study survey
assessment research
""")
# What a reporting verb can take as its object and still report speech ("repeated her claim", "wrote an op-ed").
SPEECH_OBJECTS = SPEECH_NOUNS | _words("""
claim claims view views position call calls argument arguments criticism charge charges pledge promise vow
assertion case op-ed editorial letter column blog book memoir question questions concerns opinion
""")
# Verbs that take a reporting verb as an infinitive without changing who speaks ("went on to say").
RAISING_VERBS = _words("""
continue continues continued continuing go goes went going on begin begins began begun start starts started
seem seems seemed appear appears appeared tend tends tended proceed proceeded proceeds took take takes
""")
# Nouns that head reporting-like sentences without being anyone's statement ("Reports suggest that").
NON_SPEAKERS = _words("""
report reports study studies data figures estimates estimate poll polls survey surveys documents evidence
analysis statistics records findings results footage images document website page book story law bill rule
policy plan deal agreement measure order ruling decision filing lawsuit suit email emails video ad ads
advertisement chart graph map list headline title caption sign signs numbers math history time record vote
votes
""")
# Capitalized words that describe rather than name: "Democratic front-runner Jane Doe".
PARTY_WORDS = _words("democrat democratic republican independent conservative liberal labour green presumptive gop")
# Words that stand in a noun's place without naming anyone: "others said", "the two wrote", "those surveyed".
NOT_NOUNS = _words("""
others other two three four five six ten dozen hundreds thousands millions latter former rest same
""")
NOUN_HEADS = PERSON_ROLES | ORG_NOUNS | GROUP_NOUNS | SPEECH_NOUNS
# Function words, which end a noun phrase or a name.
DETERMINERS = _words("the a an this that these those his her its their our my your")
QUANTIFIERS = _words("some many most several few all both each every other another numerous various more certain one")
INDEFINITE = _words("a an one another")
PREPOSITIONS = _words("""
of to in on at for from with by about against between into over under after before during without within across
among around near through toward towards upon amid despite via per beyond behind inside outside along like
""")
PP_ATTACH = _words("for of at from in with by")
AUX = _words(
    "is was were are be been being am has have had will would can could shall should may might must do does did"
)
BE = _words("is was were are be been being am")
_CONJUNCTIONS = _words("and or but nor so yet if than because although though since unless until while whereas as")
_WH = _words("who whom whose which what why how when where whether that there here")
INTRO = _words("""
however meanwhile still yet now then also moreover furthermore instead indeed separately earlier later last
today yesterday tonight exclusive asked speaking according in on at during after before while when as since given
although though despite with for from by if unlike like following amid
""")
FUNCTION_WORDS = (
    DETERMINERS | QUANTIFIERS | PREPOSITIONS | AUX | _CONJUNCTIONS | _WH | INTRO | _words("not no i we you me us")
)
ADVERBS = _words("""
also repeatedly long previously recently again further then later earlier once already often publicly privately
reportedly explicitly openly frequently never always even still similarly separately meanwhile himself herself
back again angrily sharply flatly bluntly quickly loudly quietly simply briefly
itself themselves just directly first finally initially subsequently yesterday today tonight not too personally
formally officially apparently allegedly specifically consistently
""")
NEGATIONS = _words("not never n't")
TIME_WORDS = _words("""
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december week month year weekend morning evening night
""")
# Words before a speaker phrase that do not help to tell who is meant ("the", "Mr", "some").
LEADING_WORDS = _words("the a an mr mrs ms miss dr prof sir dame some many most several")
# Names.
NAME_SUFFIXES = _words("jr sr ii iii iv")
NAME_PARTICLES = _words("de da di van von der den del la le bin ibn al el du dos")
# "Bank of ...", "Secretary of State": "of" continues a name after these words.
OF_NAMES = _words("""
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
# Capitalized words that make a run a thing or a place rather than a person's name (or an organisation's).
THINGS_AND_PLACES = _words("""
war world national security strategy street avenue road square river sea ocean island city state united north
south east west northern southern eastern western central new day act law bill treaty agreement summit
conference forum games cup prize award crisis revolution plan program programme project initiative index report
doctrine accord declaration charter constitution airport station bridge park hall tower palace building
cathedral mosque temple museum stadium market exchange valley region province district county empire coast
gulf bay strait peninsula basin desert forest lake ii iii iv
""")
NOT_PERSON = ORG_SUFFIXES | THINGS_AND_PLACES
# Role families: which descriptions a role noun can refer to ("the diplomat" -> "deputy envoy").
# Modifiers a role phrase may carry that its description need not repeat.
SOFT_MODIFIERS = _words("former current top senior new longtime veteran outgoing incoming then own acting chief")
COMPOUND_ROLES = {
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
DESCRIPTION_END = frozenset(["of", "to", "for", "at", "in", "with", "from", "on", "who", "which", "that", "whose"])
ROLE_FAMILIES: dict[str, set[str]] = {
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
