"""Russian and Ukrainian words the question parser needs: reporting verbs, roles, places, question words.

Lemmas are pymorphy3's normal forms. Every entry maps to the English word the rest of the system knows
(the reporting verbs of index/question.py, the role and group nouns of the attribution lexicon).
"""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """Return the set of the space-separated words of a text."""
    return frozenset(text.split())


def _table(text: str) -> dict[str, str]:
    """ "english: lemma lemma ..." lines -> {lemma: english}."""
    table = {}
    for line in text.strip().splitlines():
        english, lemmas = line.split(":", 1)
        for lemma in lemmas.split():
            table[lemma] = english.strip()
    return table


# Reporting verbs, Russian and Ukrainian lemmas (perfective and imperfective) -> English lemma.
REPORTING_VERBS = _table("""
say: сказать говорить высказаться сказати говорити казати висловитися мовити
state: заявить заявлять заявити заявляти
tell: сообщить сообщать рассказать рассказывать повідомити повідомляти розповісти розповідати
note: отметить отмечать зазначити зазначати
emphasize: подчеркнуть подчёркивать подчеркивать наголосити наголошувати підкреслити підкреслювати
add: добавить добавлять додати додавати
reply: ответить отвечать відповісти відповідати
explain: пояснить пояснять объяснить объяснять пояснити пояснювати
write: написать писать написати писати
claim: утверждать стверджувати
think: считать думать полагать вважати думати
warn: предупредить предупреждать попередити попереджати застерегти застерігати
propose: предложить предлагать запропонувати пропонувати
accuse: обвинить обвинять звинуватити звинувачувати
urge: призвать призывать закликати
demand: потребовать требовать вимагати зажадати
promise: пообещать обещать пообіцяти обіцяти
criticize: раскритиковать критиковать розкритикувати критикувати
condemn: осудить осуждать засудити засуджувати
call: назвать называть назвати називати
react: отреагировать реагировать відреагувати реагувати
admit: признать признавать визнати визнавати
deny: отрицать опровергнуть заперечувати спростувати
threaten: пригрозить угрожать погрожувати пригрозити
comment: прокомментировать комментировать прокоментувати коментувати
predict: предсказать предсказывать прогнозировать передбачити передбачати прогнозувати
""")

# Question openings after which a reporting verb makes a speaker question ("Что сказал X?", "О чём X предупредил?").
QUESTION_WORDS = words("что чего чём чем що чого чому чим как як")
# Prepositions that introduce the topic ("... о НАТО", "... про Рютте", "... щодо санкцій").
TOPIC_PREPOSITIONS = words("о об обо про насчёт насчет относительно касательно щодо стосовно відносно")
# Two-word topic openings: "по поводу", "з приводу".
TOPIC_PAIRS = frozenset({("по", "поводу"), ("з", "приводу"), ("по", "вопросу"), ("з", "питання")})
# "по словам X", "за словами X": according to.
ACCORDING_TO = frozenset({("по", "словам"), ("за", "словами"), ("по", "мнению"), ("на", "думку")})
# Words before the question that only ask politely ("Расскажи, что сказал X").
POLITE = words(
    "расскажи расскажите скажи скажите подскажи подскажите объясни объясните интересно а и ну розкажи "
    "розкажіть скажи скажіть підкажи підкажіть поясни поясніть цікаво"
)
# Adverbs and particles that may stand between the verb and the speaker ("Что ещё сказал X?").
FILLERS = words(
    "же ещё еще именно вообще конкретно также тоже недавно раньше вчера сегодня публично ж ще саме "
    "взагалі конкретно також теж нещодавно раніше вчора сьогодні публічно"
)

# Role nouns (lemmas) -> English role nouns the speaker directory knows.
ROLES = _table("""
diplomat: дипломат
envoy: постпред постпредставитель полпред посланник постпредставник
ambassador: посол
president: президент
minister: министр міністр
prime minister: премьер премьер-министр прем'єр прем’єр прем'єр-міністр прем’єр-міністр
chancellor: канцлер
secretary general: генсек генсекретарь генсекретар
secretary: секретарь секретар
spokesperson: представитель пресс-секретарь речник представник прессекретарь пресс-секретар
leader: лидер лідер
head: глава голова руководитель керівник
governor: губернатор
mayor: мэр мер
chief: шеф
general: генерал
commander: командующий командир командувач
official: чиновник чиновница посадовець
judge: судья суддя
coach: тренер
chairman: председатель
chief executive: гендиректор генеральный-директор гендиректорка
analyst: аналитик аналітик
spokeswoman: пресс-секретарша
""")
# Group nouns (plural speakers) -> English.
GROUPS = _table("""
critics: критик
experts: эксперт експерт
officials: чиновник посадовець
analysts: аналитик аналітик
observers: наблюдатель спостерігач
residents: житель жительница мешканець
supporters: болельщик вболівальник фанат уболівальник
leaders: лидер лідер
""")
# Role modifiers: "заместитель постпреда" = deputy envoy, "генеральный секретарь" = secretary general.
MODIFIERS = _table("""
deputy: заместитель замглавы заступник замминистра
foreign: иностранный закордонний
defence: оборона оборонный
general: генеральный генеральний
former: бывший колишній
""")
# Places and organisations whose English name is no transliteration of the Russian or Ukrainian one.
PLACES = _table("""
Moscow: москва московский московський
Russia: россия росія рф
Russian: российский российская російський
Ukraine: украина україна
Ukrainian: украинский український
Kiev: киев київ киевский київський
US: сша
American: американский американський
NATO: нато
UN: оон
EU: ес евросоюз єс
European: европейский європейський
West: запад захід
Western: западный західний
Kremlin: кремль
Germany: германия німеччина
German: немецкий німецький
France: франция франція
French: французский французький
Britain: британия великобритания британія великобританія
British: британский британський
China: китай
Chinese: китайский китайський
Brussels: брюссель
Washington: вашингтон
White House: белый-дом
""")

# A country, its adjective, its capital and its seat of government name the same speaker in the news ("Moscow said",
# "Russia's envoy", "the Kremlin said"): a role phrase that names nobody is tried with the others.
_METONYM_GROUPS = [
    ("Russia", "Russian", "Moscow", "Kremlin"),
    ("Ukraine", "Ukrainian", "Kiev"),
    ("US", "American", "Washington", "White House"),
    ("Britain", "British", "London"),
    ("France", "French", "Paris"),
    ("Germany", "German", "Berlin"),
    ("China", "Chinese", "Beijing"),
]
METONYMS = {name: tuple(n for n in group if n != name) for group in _METONYM_GROUPS for name in group}
