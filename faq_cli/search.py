"""Question answering and full-text search: matching, ranking, and the rule for abstaining.

Everything here is pure: strings and catalogue entries in, scored ids out.
Finding a person or an incident by name is names.py's, which this builds on.

A text becomes *terms* in five steps: `normalise` (case, accents, script,
punctuation; names.py), a light English stem, `fold_word` (one key for the
usual transliteration variants; names.py), synonym groups (every member
phrase becomes one concept term), and stop words dropped. Questions are
ranked by how much of the query's weight (IDF, with question words light)
their fields explain, the fields weighted by how much they say about the
entry (the question and its other phrasings most, the answer text least),
blended with how closely the query matches one phrasing as a whole. Query words the catalogue has never seen
are corrected to the nearest known word within an edit or two.
"""

from __future__ import annotations

import heapq
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from operator import itemgetter

from faq_cli.model import Catalogue, Event, Incident, Person, Question
from faq_cli.names import (
    MAX_QUERY_CHARS,
    MILITARY_RANKS,
    SIGNS,
    SURROGATE,
    TITLES,
    Scored,
    cached,
    fold_word,
    normalise,
    to_ascii,
)

MAX_QUERY_TERMS = 24
# How far an unknown word's weight moves from an unseen word's (an entry in four has it) to the rarest word's.
UNKNOWN_SHARE = 0.25


# ---- spelling keys (see names.py) -------------------------------------------------------------


def _stem(word: str) -> str:
    """A light English stem, so 'generals', 'killed', 'killing' and 'killings' meet 'general' and 'kill'."""
    # 'recently', 'reportedly': the adjective, then its stem; not 'generally', which is not about generals
    if len(word) > 6 and word.endswith("ly") and not word.endswith("ally"):
        word = word[:-2]
    if len(word) > 6 and word.endswith("ings"):
        word = word[:-4]
    elif len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) > 4 and word.endswith("ed"):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    # 'blame' / 'blamed', 'date' / 'dated', 'Prigojine' / 'Prigozhin'
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


@lru_cache(maxsize=65536)
def term_key(word: str) -> str:
    """The key a normalised word is indexed under: stemmed, then spelling-folded."""
    return fold_word(_stem(word))


# ---- words that carry little, synonyms ---------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


# The last line is Russian (ли и в во на … мне), written as transliteration gives it, so that building the
# list needs no transliteration table (tests check the two agree).
RUSSIAN_STOP_WORDS = "ли и в во на с со это о об по к у за из от для был была было были он она они его ее их мне"
_STOP_WORDS = _words("""
a an the is are was were be been being am do does did doing done have has had having it its it s this that these
those there here of in on at to for from by with about into onto over under after before during as and or but if
then so than too very can could would should will shall may might must just also any some such not no nor only
own same i me my we our you your he him his she her they them their one ones s t get got please tell explain
explained describe know known show give want need going go detail details info information
li i v vo na s so eto o ob po k u za iz ot dlya byl byla bylo byli on ona oni ego ee ikh mne
""")
# Filler that chatty queries are made of ("so what actually happened… how did it all go down"): the
# Glasgow IR stop list (as in scikit-learn), less question words and words that can name a subject here.
_STOP_WORDS += _words("""
a about above across after afterwards again all almost alone along already also although always am among
amongst amoungst amount an and another any anyhow anyone anything anyway anywhere are around as at be became
because become becomes becoming been before beforehand being below beside besides between beyond bill both
bottom but by can cannot cant co con could couldnt cry de describe detail do done down due during each eg
eight either eleven else elsewhere empty enough etc even ever every everyone everything everywhere except few
fifteen fifty fill find for former formerly forty from front full further get give go had has hasnt have he
hence her here hereafter hereby herein hereupon hers herself him himself his however hundred i ie if in inc
indeed into is it its itself latter latterly least less ltd made many may me meanwhile might mill mine more
moreover most mostly much must my myself namely neither never nevertheless nine no nobody none noone nor not
nothing now nowhere of off often on once one only onto or other others otherwise our ours ourselves out over
own part per perhaps please put rather re same see seem seemed seeming seems several she should show since
sincere sixty so some somehow someone something sometime sometimes somewhere still such ten than that the
their them themselves then thence there thereafter thereby therefore therein thereupon these they thick thin
third this those though through throughout thru thus to together too toward towards twelve twenty un under
until up upon us very via was we well were whatever whence whenever whereafter whereas whereby wherein
whereupon wherever whether while whither whoever whole will with within without would yet you your yours
yourself yourselves
""")
# Question words say what kind of answer is wanted: kept, but light. So is 'happen', which frames
# a question ('when did the talks happen') more than it names a subject.
_QUESTION_WORDS = {"who", "whom", "whose", "what", "which", "when", "where", "why", "how", "happen"}
# Words that frame or hedge a question in any subject ('how many times', 'right now', 'part of'): kept,
# but as light as question words, so that a rare mention in some answer does not make them decisive.
_FRAMING_WORDS = _words("""
now right many much since time times part anyone anybody anything someone somebody something really actually
exactly still ever even more most kind sort way thing things lot lots think say said says mean means
question questions guy guys fellow bloke dude chap
""")
# Months as news writes them, in full or short ('6 Feb 2026'); each pair is a synonym group.
_MONTH_NAMES = (
    ("january", "jan"),
    ("february", "feb"),
    ("march", "mar"),
    ("april", "apr"),
    ("may",),  # no short form
    ("june", "jun"),
    ("july", "jul"),
    ("august", "aug"),
    ("september", "sep", "sept"),
    ("october", "oct"),
    ("november", "nov"),
    ("december", "dec"),
)
# Days, months and holidays: written with a capital, and still nobody's name ('just before Christmas').
_CALENDAR_WORDS = [
    *_words("monday tuesday wednesday thursday friday saturday sunday"),
    *(group[0] for group in _MONTH_NAMES),
    *_words("christmas easter ramadan thanksgiving halloween"),
]
# Everyday subjects of general-knowledge questions ('population of Rostov-on-Don', 'weather in Moscow
# tomorrow', 'how much does a Kia Sorento cost'): in a query to a catalogue that never mentions them, they
# say the question is about something else, as a name the catalogue does not know does.
_EVERYDAY_WORDS = _words("""
weather temperature rain snow population inhabitants manpower restaurant restaurants hotel hotels food
recipe recipes price prices cost costs buy cheap expensive flight flights ticket tickets visa clock
election elections lyrics song songs movie movies film films football match score stock stocks
exchange calories
""")
# Contractions typed without the apostrophe.
_CONTRACTIONS = {"whats": "what", "whos": "who", "hows": "how", "wheres": "where", "whens": "when", "whys": "why"}

# Russian words a question is commonly made of, read as the English word the catalogue would use, so a
# Russian query meets an English catalogue. Each is a whole word or, ending in '*', a stem that takes an
# ending of up to four letters (стрелял, стреляли, стрельба). An empty meaning drops the word.
_RUSSIAN = {
    **dict.fromkeys(("кто", "кого", "кому", "кем"), "who"),
    **dict.fromkeys(("что", "чего", "чем", "чём"), "what"),
    **dict.fromkeys(("какой", "какая", "какое", "какие", "какую", "каком", "каких", "каким", "какими", "каков*"), "which"),
    **dict.fromkeys(("почему", "зачем", "отчего"), "why"),
    **dict.fromkeys(("где", "куда", "откуда"), "where"),
    "как": "how",
    "когда": "when",
    "сколько": "how many",
    **dict.fromkeys(
        (
            "такой",
            "такая",
            "такое",
            "такие",
            "это",
            "этот",
            "эта",
            "эти",
            "этого",
            "этой",
            "этом",
            "же",
            "ну",
            "вообще",
            "расскажи",
            "расскажите",
            "скажи",
            "скажите",
            "объясни",
            "объясните",
        ),
        "",
    ),
    "про": "about",  # kept (as a stop word) for 'расскажи про Сарварова': a wish for his profile
    **dict.fromkeys(("стрел*", "выстрел*", "застрел*", "обстрел*"), "shot"),
    **dict.fromkeys(("убийц*",), "killer"),
    **dict.fromkeys(("убит*", "убил*", "убий*", "убив*", "ликвидир*", "ликвидаци*"), "killed"),
    **dict.fromkeys(("погиб*", "умер*", "смерт*", "гибел*"), "died"),
    **dict.fromkeys(("покушени*", "покушал*"), "assassination attempt"),
    **dict.fromkeys(("напад*", "атак*"), "attack"),
    **dict.fromkeys(("взрыв*", "взорв*"), "explosion"),
    **dict.fromkeys(("бомб*", "заминир*"), "bomb"),
    **dict.fromkeys(("ранен*", "ранил*", "ранени*"), "wounded"),
    **dict.fromkeys(("жив", "живой", "живым", "выжил*", "выжив*"), "alive"),
    **dict.fromkeys(("случил*", "произош*", "произошл*"), "happened"),
    **dict.fromkeys(("подозрева*", "подозреваем*"), "suspect"),
    **dict.fromkeys(("виноват*", "винова*"), "to blame"),
    **dict.fromkeys(("ответствен*",), "responsible"),
    **dict.fromkeys(("причин*",), "reason"),
    **dict.fromkeys(("мотив*",), "motive"),
    **dict.fromkeys(("смысл*",), "point"),
    **dict.fromkeys(("заказ*",), "behind"),  # кто заказал: who ordered it
    **dict.fromkeys(("организова*", "организатор*"), "organised"),
    **dict.fromkeys(("российск*",), "russian"),
    **dict.fromkeys(("надежн*",), "safe"),
    **dict.fromkeys(("серьезн*",), "significant"),
    **dict.fromkeys(("событи*",), "event"),
    **dict.fromkeys(("считают", "считается", "мог", "могли", "может"), ""),
    **dict.fromkeys(("еще",), "other"),  # какие ещё: which other
    **dict.fromkeys(("последн*",), "latest"),
    **dict.fromkeys(("мишен*",), "target"),
    **dict.fromkeys(("похож*",), "similar"),
    **dict.fromkeys(("систематич*", "закономерн*"), "systematic"),
    **dict.fromkeys(("случа*",), "incidents"),
    **dict.fromkeys(("арми*",), "military"),
    **dict.fromkeys(("не", "ни", "становит*", "становят*"), ""),
    **dict.fromkeys(("цель", "цели", "целью"), "purpose"),
    **dict.fromkeys(("значени*", "значим*", "важн*", "примечательн*", "знаменательн*"), "significance"),
    **dict.fromkeys(("последстви*",), "consequences"),
    **dict.fromkeys(("дальше", "далее", "будущ*"), "future"),
    **dict.fromkeys(("безопасност*",), "security"),
    **dict.fromkeys(("чиновник*",), "officials"),
    **dict.fromkeys(("охран*", "защит*"), "protection"),
    **dict.fromkeys(("связ*",), "link"),
    **dict.fromkeys(("дата", "даты", "дату", "дат"), "date"),
    **dict.fromkeys(("санкци*",), "sanctions"),
    **dict.fromkeys(("сорва*", "сорват*", "сорвал*"), "derail"),
    # everyday subjects (see _EVERYDAY_WORDS): 'погода в Москве' is not about the catalogue
    **dict.fromkeys(("погод*",), "weather"),
    **dict.fromkeys(("населени*",), "population"),
    **dict.fromkeys(("билет*",), "ticket"),
    **dict.fromkeys(("цена", "цены", "цену", "ценам"), "price"),
    **dict.fromkeys(("рецепт*",), "recipe"),
    **dict.fromkeys(("стоимост*",), "cost"),
    **dict.fromkeys(("список", "списк*", "перечень", "перечн*"), "list"),
    **dict.fromkeys(("внес*", "включ*"), ""),  # внесли в список: put on the list
    **dict.fromkeys(("подъезд*", "лестниц*", "лестничн*"), "stairwell"),
    **dict.fromkeys(("переговор*",), "talks"),
    **dict.fromkeys(("мирн*",), "peace"),
    **dict.fromkeys(("мятеж*", "бунт*", "восстани*"), "mutiny"),
    **dict.fromkeys(("роль", "роли", "ролью"), "role"),
    **dict.fromkeys(("биограф*",), "biography"),
    **dict.fromkeys(("генерал*",), "general"),
    **dict.fromkeys(("офицер*",), "officer"),
    **dict.fromkeys(("командир*", "командующ*"), "commander"),
    **dict.fromkeys(("разведк*", "разведыват*"), "intelligence"),
    **dict.fromkeys(("разведчик*",), "intelligence officer"),
    **dict.fromkeys(("военн*",), "military"),
    **dict.fromkeys(("росси*",), "russia"),
    **dict.fromkeys(("украин*",), "ukraine"),
    **dict.fromkeys(("москв*",), "moscow"),
    **dict.fromkeys(("сша", "америк*"), "united states"),
    **dict.fromkeys(("сразу", "случайно", "именно", "просто", "при", "ли", "бы", "стоит", "стоят", "стоял", "стояли"), ""),
    **dict.fromkeys(("делал*", "сделал*", "делает", "известн*", "известно", "под", "находит*", "находя*"), ""),
    **dict.fromkeys(("известен", "известна", "известны"), "known for"),  # чем известен: what he is known for
    **dict.fromkeys(("год", "года", "году", "годы", "годах", "лет"), "year"),
    **dict.fromkeys(("чвк",), "private military company"),
    **dict.fromkeys(("заместител*", "замглав*", "замначальник*", "замдиректор*"), "deputy"),
    **dict.fromkeys(("досье",), "biography"),
    **dict.fromkeys(("обстоятельств*",), "details"),
    **dict.fromkeys(("подрыв*",), "explosion"),
    **dict.fromkeys(("вагнеров*",), "wagner"),
    **dict.fromkeys(("силовик*",), "security services"),
    **dict.fromkeys(("ждат", "ждет", "ждут"), "outlook"),
    **dict.fromkeys(("внутренн*", "внутри"), "internal"),
    **dict.fromkeys(("после", "вслед"), "after"),
    **dict.fromkeys(("время", "времени", "момент"), "timing"),
    **dict.fromkeys(("совпадени*",), "coincidence"),
    **dict.fromkeys(("подробност*", "подробн*", "детал*"), "details"),
    **dict.fromkeys(("состояни*",), "condition"),
    **dict.fromkeys(("больниц*", "госпитал*"), "hospital"),
    **dict.fromkeys(("задержа*", "арестова*", "арест*", "поймал*", "поймать"), "caught"),
    **dict.fromkeys(("спецслужб*",), "security services"),
    **dict.fromkeys(("контрразведк*",), "counterintelligence"),
    **dict.fromkeys(("шпион*",), "spy"),
    **dict.fromkeys(("генштаб*",), "general staff"),
    **dict.fromkeys(("высокопоставленн*",), "senior"),
    **dict.fromkeys(("военачальник*",), "commander"),
    **dict.fromkeys(("автомобил*", "машин*"), "car"),
    **dict.fromkeys(("шоссе",), "highway"),
    **dict.fromkeys(("самокат*", "электросамокат*"), "scooter"),
    **dict.fromkeys(("киев*",), "kyiv"),
    **dict.fromkeys(("евросоюз*", "ес"), "eu"),
    **dict.fromkeys(("оаэ", "эмират*"), "uae"),
    **dict.fromkeys(("перспектив*", "ожида*"), "outlook"),
    **dict.fromkeys(("означа*", "значит"), "mean"),
    **dict.fromkeys(("участи*", "участвова*"), "role"),
    **dict.fromkeys(("карьер*",), "career"),
    **dict.fromkeys(("родил*", "родом"), "born"),
    **dict.fromkeys(("должност*",), "position"),
    **dict.fromkeys(("геро*",), "hero"),
    **dict.fromkeys(("сери*", "череда", "череды", "волна", "волны"), "series"),
    **dict.fromkeys(("други*", "другой", "другого"), "other"),
    **dict.fromkeys(("январ*",), "january"),
    **dict.fromkeys(("феврал*",), "february"),
    **dict.fromkeys(("март", "марта", "марте"), "march"),
    **dict.fromkeys(("апрел*",), "april"),
    **dict.fromkeys(("мая", "мае"), "may"),
    **dict.fromkeys(("июн*",), "june"),
    **dict.fromkeys(("июл*",), "july"),
    **dict.fromkeys(("август*",), "august"),
    **dict.fromkeys(("сентябр*",), "september"),
    **dict.fromkeys(("октябр*",), "october"),
    **dict.fromkeys(("ноябр*",), "november"),
    **dict.fromkeys(("декабр*",), "december"),
    # Ukrainian: the same question and news words (letters і, ї, є, ґ are read as their Russian kin).
    "хто": "who",
    **dict.fromkeys(("що", "чого", "чим"), "what"),
    **dict.fromkeys(("який", "яка", "яке", "які"), "which"),
    **dict.fromkeys(("чому", "навіщо"), "why"),
    **dict.fromkeys(("де", "куди", "звідки"), "where"),
    **dict.fromkeys(("як",), "how"),
    **dict.fromkeys(("коли",), "when"),
    **dict.fromkeys(("скільки",), "how many"),
    **dict.fromkeys(("під", "час", "цей", "ця", "це", "ці", "цього", "розкажи", "розкажіть", "такий", "така"), ""),
    **dict.fromkeys(("відомо", "відом*"), ""),
    **dict.fromkeys(("заступник*",), "deputy"),
    **dict.fromkeys(("голов*",), "head"),
    **dict.fromkeys(("важлив*",), "significant"),
    **dict.fromkeys(("поді*",), "event"),
    **dict.fromkeys(("вважают*", "вважа*"), ""),
    **dict.fromkeys(("чи", "ще", "були", "був", "була", "буде", "будуть", "матиме", "мають", "часом", "з", "із", "зі"), ""),
    **dict.fromkeys(("інш*",), "other"),
    **dict.fromkeys(("останн*", "нещодавн*"), "latest"),
    **dict.fromkeys(("майбутн*", "далі"), "future"),
    **dict.fromkeys(("повязан*", "звязок", "звязк*"), "link"),  # пов'язаний: the apostrophe is dropped
    **dict.fromkeys(("росі*", "російськ*"), "russia"),
    **dict.fromkeys(("генерал*",), "general"),
    **dict.fromkeys(("стал*", "відбул*", "трапил*"), "happened"),
    **dict.fromkeys(("замах*",), "assassination attempt"),
    **dict.fromkeys(("підїзд*", "сход*"), "stairwell"),
    **dict.fromkeys(("стріл*", "постріл*", "застрел*"), "shot"),
    **dict.fromkeys(("вбит*", "вбив*", "вбил*", "вбивств*"), "killed"),
    **dict.fromkeys(("вбивц*",), "killer"),
    **dict.fromkeys(("загин*", "помер*"), "died"),
    **dict.fromkeys(("вибух*", "підірв*"), "explosion"),
    **dict.fromkeys(("поранен*", "поранил*"), "wounded"),
    **dict.fromkeys(("винн*", "відповідальн*"), "responsible"),
    **dict.fromkeys(("розвідк*", "розвідувальн*"), "intelligence"),
    **dict.fromkeys(("військов*",), "military"),
    **dict.fromkeys(("заколот*", "повстанн*"), "mutiny"),
    **dict.fromkeys(("санкці*",), "sanctions"),
    **dict.fromkeys(("зірва*", "зірват*"), "derail"),
    **dict.fromkeys(("коштує", "коштують", "вартість"), "cost"),
    **dict.fromkeys(("наслідк*",), "consequences"),
    **dict.fromkeys(("безпек*",), "security"),
    **dict.fromkeys(("україн*",), "ukraine"),
}


def _as_read(word: str) -> str:
    """A table word as a query word is looked up: soft and hard signs dropped, ё as е, є as е."""
    return word.translate(SIGNS).replace("ё", "е")


# Russian case endings as a name's spelling key has them (Алексеева, Алексееву, Алексеевым, Кириллове).
_CASE_ENDINGS = frozenset(("a", "u", "e", "om", "im", "oi", "ogo", "omu", "ih"))
_RUSSIAN_WORDS = {_as_read(w): m for w, m in _RUSSIAN.items() if not w.endswith("*")}
_RUSSIAN_STEMS = {_as_read(w[:-1]): m for w, m in _RUSSIAN.items() if w.endswith("*")}
# A Ukrainian apostrophe is part of the word: пов'язаний, м'ята.
_CYRILLIC_WORD = re.compile(r"[а-яёА-ЯЁіїєґІЇЄҐ]+(?:['’ʼ][а-яёА-ЯЁіїєґІЇЄҐ]+)*")
_APOSTROPHES = str.maketrans("", "", "'’ʼ")
QUESTION_WORD_WEIGHT = 0.3

# Built-in synonym groups; a catalogue's `synonyms:` section adds to them (groups sharing a term merge).
DEFAULT_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("killed", "kill", "killing", "assassinated", "assassinate", "assassination", "murdered", "murder", "slain", "dead"),
    ("died", "die", "dies", "dying", "death", "убит", "убийство"),
    ("attack", "assault", "attempt on his life", "assassination attempt", "attempted assassination", "покушение"),
    ("tried to kill", "try to kill", "attempted to kill", "attempt to kill", "attack"),
    ("happened", "happen", "occurred", "went down", "go down", "went on", "going on", "случилось", "произошло"),
    (
        "shooting",
        "shot",
        "shots",
        "shooter",
        "gunman",
        "gunfire",
        "gunshot",
        "shot at",
        "opened fire",
        "gunned down",
        "bullets",
        "bullet",
        "стрельба",
    ),
    (
        "alive",
        "survive",
        "survived",
        "survival",
        "survivor",
        "condition",
        "health",
        "recover",
        "recovery",
        "intensive care",
        "killed or wounded",
        "killed or just wounded",
        "dead or alive",
        "killed or injured",
    ),
    (
        "pattern",
        "series",
        "campaign",
        "wave",
        "spate",
        "string of",
        "streak",
        "chain of",
        "trend",
        "happened before",
        "happened to other",
        "happened to others",
        "systematic",
        "anything like this",
        "like this before",
        "isolated case",
        "isolated incident",
        "first time",
    ),
    ("explosion", "blast", "detonation", "blew up", "exploded", "взрыв"),
    ("bomb", "bombing", "explosive", "explosive device", "бомба"),
    (
        "who did it",
        "who is responsible",
        "responsible",
        "responsibility",
        "who is behind",
        "behind",
        "blame",
        "to blame",
        "orchestrated",
        "masterminded",
        "who ordered",
        "ordered the",
        "did ukraine",
        "was it ukraine",
        "did kyiv",
        "was it kyiv",
        "did the ukrainians",
        "did ukrainian intelligence",
        "did the sbu",
        "order the",
        "working for",
        "on behalf of",
        "hired by",
        "sent by",
        "organised",
        "organized",
    ),
    ("perpetrator", "culprit", "suspect", "attacker", "assailant", "killer", "pulled the trigger", "identity", "identified"),
    (
        "motive",
        "reason",
        "purpose",
        "motivation",
        "point",
        "aim",
        "goal",
        "rationale",
        "logic",
        "strategy",
        "strategic value",
        "strategic logic",
        "gain",
        "achieve",
        "accomplish",
        "supposed to achieve",
        "meant to achieve",
    ),
    (
        "significant",
        "significance",
        "important",
        "importance",
        "matter",
        "matters",
        "big deal",
        "big a deal",
        "huge deal",
        "big story",
        "so much attention",
        "front page",
        "newsworthy",
        "fuss",
        "notable",
        "noteworthy",
        "remarkable",
    ),
    (
        "next",
        "future",
        "going forward",
        "outlook",
        "consequence",
        "aftermath",
        "from now on",
        "long term",
        "long run",
        "ahead",
        "from here",
        "from here on",
        "coming weeks",
        "coming months",
        "what to expect",
        "takeaways",
        "hangs on",
        "hinges on",
        "will decide",
        "will determine",
        "will happen",
        "going to happen",
        "happens now",
        "happen now",
        "happens next",
    ),
    ("link", "linked", "connected", "connection", "tied", "related"),
    ("internal", "domestic", "home soil", "homeland"),
    ("negotiations", "negotiate", "negotiated", "negotiation", "talks", "переговоры"),
    (
        "sanctions",
        "sanction",
        "sanctioned",
        "blacklisted",
        "blacklist",
        "sanctions list",
        "restrictive measures",
        "ofac",
        "санкции",
    ),
    ("deputy", "number two", "second in command"),
    ("open questions", "open question", "unanswered questions", "unresolved questions", "unknowns"),
    ("caught", "arrest", "arrested", "arrests", "detained", "detain", "apprehended", "in custody", "captured"),
    ("surveillance", "closely watched", "cctv", "security cameras", "monitored", "surveilled", "heavily watched"),
    ("biological weapons", "bioweapons", "bioweapon", "bio weapons", "biolabs", "biolab"),
    ("residential building", "apartment building", "apartment block", "block of flats", "apartment complex"),
    (
        "gaps",
        "gap",
        "weak points",
        "weak point",
        "weak spots",
        "weak spot",
        "weakness",
        "weaknesses",
        "vulnerable",
        "vulnerability",
        "vulnerabilities",
        "loopholes",
        "lapses",
        "failures",
        "failure",
        "failing",
        "failed",
    ),
    # Everyday subjects asked in a phrase: each group is named by a one-word member listed in
    # _EVERYDAY_WORDS, so the phrase counts as a stranger wherever the catalogue never uses it.
    ("population", "how many people live", "inhabitants"),
    ("manpower", "how many troops", "how many soldiers", "how many tanks", "troop numbers", "size of the army"),
    ("clock", "what time is it", "time is it"),
    ("private military company", "mercenaries", "mercenary", "mercenary group", "private army"),
    ("stairs", "staircase", "stairwell", "stairway"),
    (
        "target",
        "targeted",
        "targeting",
        "singled out",
        "single out",
        "go after",
        "going after",
        "went after",
        "hunted",
        "hunting",
        "hunt down",
    ),
    ("north caucasus", "caucasus", "chechnya", "chechen", "dagestan"),
    (
        "radiation chemical and biological protection",
        "rcb protection",
        "nbc protection",
        "cbrn protection",
        "rkhbz",
        "rchbz",
        "rcb",
        "nbc",
        "cbrn",
    ),
    ("insiders", "insider", "inside job"),
    ("chief", "in charge of", "in charge", "headed", "led the", "command", "commanded", "commanding"),
    ("mutiny", "rebellion", "uprising", "revolt", "insurrection", "putsch", "мятеж", "бунт", "восстание"),
    ("role", "part in", "part did he play", "involvement", "involved in", "do during", "do when", "doing during"),
    ("wounded", "injured", "hurt", "ранен"),
    ("hospital", "hospitalised", "hospitalized", "больница"),
    ("protection", "protect", "protected", "safety", "safe", "guarded", "security", "secure", "bodyguard"),
    ("officer", "commander", "general", "military figure", "military figures", "генерал"),
    ("us", "usa", "u s", "united states", "america", "american"),
    ("uk", "united kingdom", "britain", "british", "england"),
    ("eu", "european union"),
    ("russia", "russian", "russian federation", "россия"),
    ("ukraine", "ukrainian", "kyiv", "kiev", "украина"),
    ("biography", "bio", "profile", "background", "career", "life story", "rank", "job", "known for", "биография"),
    ("dates", "date", "when exactly", "which day", "which days", "what day", "what days"),
    *(group for group in _MONTH_NAMES if len(group) > 1),
    ("signal", "message", "send a message", "warning"),
    ("coincidence", "coincidental", "suspicious", "no accident", "by chance", "совпадение"),
    ("derail", "disrupt", "sabotage", "undermine", "torpedo", "wreck", "tilt", "influence", "sway"),
)


@dataclass(frozen=True, slots=True)
class _Synonyms:
    """Phrases (as key tuples) mapped to their group's concept term, longest phrases tried first."""

    phrases: dict[tuple[str, ...], str]
    longest: int


def _compile_synonyms(groups: Iterable[Sequence[str]]) -> _Synonyms:
    parent: dict[tuple[str, ...], tuple[str, ...]] = {}

    def root(x: tuple[str, ...]) -> tuple[str, ...]:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    members: list[tuple[str, ...]] = []
    for group in groups:
        keys = [k for k in (tuple(_keys(str(t))) for t in group) if k]
        for key in keys:
            members.append(key)
            parent[root(key)] = root(keys[0])
    by_root: dict[tuple[str, ...], list[tuple[str, ...]]] = defaultdict(list)
    for key in members:
        by_root[root(key)].append(key)
    phrases: dict[tuple[str, ...], str] = {}
    for group_keys in by_root.values():
        canonical = sorted(group_keys, key=lambda k: (len(k), k))[0]  # the shortest member names the concept
        concept = "~" + "_".join(canonical)
        for member in group_keys:
            phrases[member] = concept
    return _Synonyms(phrases, max((len(k) for k in phrases), default=1))


# A stop word is its own key, neither stemmed nor spelling-folded: folded, 'you' would be 'eu', the EU.
_STOP_KEYS = frozenset(w for word in _STOP_WORDS for w in normalise(word).split())


def _key(word: str) -> str:
    """The key of a normalised word: a stop word as it is, any other word through term_key."""
    return word if word in _STOP_KEYS else term_key(word)


_QUESTION_KEYS = frozenset(term_key(w) for w in _QUESTION_WORDS)
_FRAMING_KEYS = frozenset(term_key(w) for w in _FRAMING_WORDS)
_CALENDAR = frozenset(term_key(w) for w in _CALENDAR_WORDS)


def _keys_and_concepts(words: Iterable[str]) -> frozenset[str]:
    """Each word's key, and the concept a synonym group would stand for if that word named it (the group's
    shortest member does): 'feb' is both the key of 'Feb' and, as '~feb', February's concept."""
    return frozenset(k for w in words for k in (term_key(w), "~" + term_key(w)))


_MONTHS = _keys_and_concepts(w for group in _MONTH_NAMES for w in group)
_LIGHT = _QUESTION_KEYS | {"~" + term_key("happen")} | {term_key(w) for w in _FRAMING_WORDS}
_NEVER_NAMES = _LIGHT | _CALENDAR | _STOP_KEYS  # written with a capital, still nobody's name
_EVERYDAY = _keys_and_concepts(_EVERYDAY_WORDS)


def _russian_word(match: re.Match[str]) -> str:
    written = match.group().translate(_APOSTROPHES)
    word = written.lower().replace("ё", "е")
    if word in _RUSSIAN_WORDS:
        return _RUSSIAN_WORDS[word]
    for cut in range(7):  # the longest stem that leaves an ending of at most four letters (six after a long stem)
        stem = len(word) - cut
        if stem >= 3 and (cut <= 4 or stem >= 6) and word[:stem] in _RUSSIAN_STEMS:
            return _RUSSIAN_STEMS[word[:stem]]
    return written.replace("ё", "е").replace("Ё", "Е")  # as written: a capital says it is a name


# Phrases read before words: 'во время мятежа' is during the mutiny, not the timing of it; 'не первое
# покушение' says it is not the first time; 'кто стоит за' asks who is behind it; 'пытался убить' is an
# attempt to kill, not a killing.
_RUSSIAN_PHRASES = (
    (re.compile(r"\b(?:во|в)\s+время\b", re.IGNORECASE), " during "),
    (re.compile(r"\bне\s+(?:перв|впервые)\w*", re.IGNORECASE), " not the first time "),
    (re.compile(r"\bсто(?:ит|ят|ял|яли|їт|ять)\s+за\b", re.IGNORECASE), " behind "),
    (re.compile(r"\bсколко\s+сто(?:ит|ят|ил|или)\b", re.IGNORECASE), " how much cost "),
    (re.compile(r"\b(?:пыта|намага)\w*\s+(?:убит|вбити|застрелит|застрелити|ликвидироват)\b", re.IGNORECASE), " tried to kill "),
)


def _english(text: str) -> str:
    """Russian question and news words replaced by their English meaning; names and the rest left alone."""
    if not _CYRILLIC_WORD.search(text):
        return text
    text = text.translate(SIGNS)
    for pattern, meaning in _RUSSIAN_PHRASES:
        text = pattern.sub(meaning, text)
    return _CYRILLIC_WORD.sub(_russian_word, text)


def _plain_words(text: str) -> list[str]:
    """The text's words as the matcher reads them, before keys: normalised, Russian read as English,
    contractions typed without the apostrophe spelt out."""
    return [_CONTRACTIONS.get(w, w) for w in normalise(_english(text)).split()]


def _keys(text: str) -> list[str]:
    return [_key(w) for w in _plain_words(text)]


def _apply_synonyms(keys: Sequence[str], synonyms: _Synonyms) -> list[tuple[str, int, int]]:
    """Terms with the span of keys each covers; synonym phrases become their concept."""
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(keys):
        for n in range(min(synonyms.longest, len(keys) - i), 0, -1):
            concept = synonyms.phrases.get(tuple(keys[i : i + n]))
            if concept is not None:
                out.append((concept, i, i + n))
                i += n
                break
        else:
            out.append((keys[i], i, i + 1))
            i += 1
    return out


def _content(terms: Iterable[tuple[str, int, int]]) -> list[str]:
    return [t for t, _, _ in terms if t not in _STOP_KEYS]


def terms(text: str, synonyms: _Synonyms) -> list[str]:
    """The content terms of a text: keys and synonym concepts, stop words dropped."""
    return _content(_apply_synonyms(_keys(text), synonyms))


# ---- the index ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Document:
    id: str
    type: str
    title: str
    phrasings: list[dict[str, None]]  # term sets (insertion-ordered) of the texts that state the entry


@dataclass(slots=True)
class Index:
    """Inverted index over one catalogue's entries: term → document → best field weight."""

    synonyms: _Synonyms
    documents: list[_Document] = field(default_factory=list)
    postings: dict[str, dict[int, float]] = field(default_factory=dict)
    idf: dict[str, float] = field(default_factory=dict)
    spread: dict[str, float] = field(default_factory=dict)  # term → sum of its field weights over entries
    vocabulary: dict[tuple[int, str], list[str]] = field(default_factory=dict)  # by length and initial, commonest first
    known: set[str] = field(default_factory=set)
    forms: dict[str, str] = field(default_factory=dict)  # a word's key before stemming → its key
    unknown_weight: float = 1.0
    rarest_weight: float = 1.0  # the weight of the rarest known term: what an unknown name weighs
    names: set[str] = field(default_factory=set)  # terms of people's names, which say whom a query is about
    given: set[str] = field(default_factory=set)  # first names: first of two or more terms, never later ('igor')
    proper: set[str] = field(default_factory=set)  # keys written as names somewhere (Balashikha, GRU)

    def add(self, doc_id: str, type_: str, title: str, fields: Iterable[tuple[str, float, bool]]) -> None:
        """Index one entry: (text, weight, is_phrasing) per field."""
        n = len(self.documents)
        doc = _Document(doc_id, type_, title, [])
        for text, weight, is_phrasing in fields:
            keys = _keys(text)
            self.known.update(keys)
            self.forms.update(_forms(text))
            if not text.islower():
                self.proper.update(k for k, named in zip(keys, _named(text, len(keys)), strict=True) if named)
            found = _content(_apply_synonyms(keys, self.synonyms))
            if is_phrasing and found:
                doc.phrasings.append(dict.fromkeys(found))
            for term in found:
                posting = self.postings.setdefault(term, {})
                if posting.get(n, 0.0) < weight:
                    posting[n] = weight
        self.documents.append(doc)

    def finish(self) -> Index:
        self._fold_inflected_names()
        total = max(len(self.documents), 1)
        # Field-weighted document frequency: a word every answer mentions in passing is still
        # telling when only a few questions are about it.
        self.spread = {t: sum(p.values()) for t, p in self.postings.items()}
        self.idf = {t: _idf(self.spread[t], total) for t in self.postings}
        # An unseen word weighs as much as a word found in one entry in four: enough to sink an
        # off-topic query, not so much that one stray word sinks a good one.
        self.unknown_weight = _idf(max(1, total // 4), total)
        self.rarest_weight = max(self.idf.values(), default=self.unknown_weight)
        frequency = defaultdict(int)
        for t, p in self.postings.items():
            frequency[t] = len(p)
        self.known.update(k for phrase in self.synonyms.phrases for k in phrase)
        self.known -= _STOP_KEYS
        self.forms = {form: key for form, key in self.forms.items() if key in self.known}

        def commonest_first(spelling: str) -> tuple[int, str]:
            return -frequency.get(self.forms.get(spelling, spelling), 0), spelling

        self.vocabulary = _by_length_and_initial(sorted(self.known | set(self.forms), key=commonest_first))
        return self

    def _fold_inflected_names(self) -> None:
        """A person's name in a Russian case ('роль Алексеева', 'с Пригожиным') is that name: the form's
        postings and phrasings become the name's, and a query word in that case is corrected to it."""
        inflected: dict[str, str] = {}
        for term in self.postings:
            for cut in range(1, 4):
                if term not in self.names and term[-cut:] in _CASE_ENDINGS and term[:-cut] in self.names:
                    inflected[term] = term[:-cut]
                    break
        for form, name in inflected.items():
            posting = self.postings.setdefault(name, {})
            for doc, weight in self.postings.pop(form).items():
                posting[doc] = max(posting.get(doc, 0.0), weight)
            self.known.discard(form)
        for entry in self.documents:
            entry.phrasings = [dict.fromkeys(inflected.get(t, t) for t in p) for p in entry.phrasings]

    def weight(self, term: str) -> float:
        base = self.idf.get(term, self.unknown_weight)
        return base * QUESTION_WORD_WEIGHT if term in _LIGHT else base


def _idf(df: float, total: int) -> float:
    return 0.5 + math.log(1 + (total - df + 0.5) / (df + 0.5))


def _extract_one(key: str, choices: Sequence[str], allowed: int) -> tuple[str, float, int] | None:
    # rapidfuzz is imported where it is used, so commands that never match text (incidents --year) skip it.
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    # Optimal string alignment: swapping two letters ('waht', 'alekseyve') is one slip, as typed.
    return process.extractOne(key, choices, scorer=OSA.distance, score_cutoff=allowed)


def _by_length_and_initial(keys: Iterable[str]) -> dict[tuple[int, str], list[str]]:
    """Keys grouped for spelling correction: a typo seldom changes a word's length much or its first
    letter, and a correction that does ('nearly' → 'early', 'event' → 'vent') is usually another word."""
    found: dict[tuple[int, str], list[str]] = defaultdict(list)
    for key in keys:
        if not key.isdigit():
            found[(len(key), key[0])].append(key)
    return dict(found)


def _forms(text: str) -> dict[str, str]:
    """Each word's spelling key before stemming, mapped to its key: a misspelling is nearer the whole word
    than its stem ('anythng' is one letter from 'anything', two from the stem 'anyth')."""
    found = {}
    for word in _plain_words(text):
        form, key = fold_word(word), _key(word)
        if form != key:
            found[form] = key
    return found


@lru_cache(maxsize=1)
def _filler_vocabulary() -> tuple[dict[tuple[int, str], list[str]], dict[str, str]]:
    """Filler, question and framing words of five letters or more, which a misspelling can be corrected to
    (the only corrections a four-letter word gets: 'goin' is 'going'), and their forms; built on first use."""
    forms = _forms(" ".join((*_STOP_WORDS, *_FRAMING_WORDS, *_QUESTION_WORDS)))
    words = sorted(k for k in _STOP_KEYS | _LIGHT | set(forms) if (len(k) >= 5 or k in _QUESTION_KEYS) and k.isalpha())
    return _by_length_and_initial(words), forms


def _correct(key: str, index: Index) -> tuple[str, float]:
    """A word the catalogue does not know, corrected to the nearest known word (with a confidence)."""
    if key in index.known or key in _STOP_KEYS or key in _LIGHT or key.isdigit() or len(key) < 4:
        return key, 1.0  # a stop word is not a misspelt word: 'would' is not 'wound'
    for phrase, concept in index.synonyms.phrases.items():  # a phrase typed as one word: 'abudhabi'
        if len(phrase) > 1 and key == "".join(phrase):
            return concept, 0.9
    allowed = 1 if len(key) < 8 else 2
    best: tuple[int, int, str] | None = None  # edits, minus how many entries use the word, the word
    # A word of four letters is too near too many others to be respelt into a telling word, but not into a
    # filler or question word ('goin' is 'going', 'waht' is 'what').
    vocabularies = ((index.vocabulary, index.forms), _filler_vocabulary())[len(key) < 5 :]
    for vocabulary, forms in vocabularies:
        for length in range(len(key) - allowed, len(key) + allowed + 1):
            found = _extract_one(key, vocabulary.get((length, key[0]), ()), allowed)
            if found is None:
                continue
            word = forms.get(found[0], found[0])
            # Equally near, the word more entries use: 'negotiatons' is 'negotiations', not 'negotiator'.
            used = len(index.postings.get(index.synonyms.phrases.get((word,), word), ()))
            candidate = (int(found[1]), -used, word)
            if best is None or candidate < best:
                best = candidate
    if best is not None:  # a misspelt filler word ('anythng') becomes the filler word it is, and weighs as little
        return best[2], 0.9 if best[0] == 1 else 0.75
    # An inflected form (Алексеевым, Кириллова): a known word of five letters or more plus a short ending.
    for cut in range(1, 4):
        stem = key[:-cut]
        if len(stem) >= 5 and stem in index.known:
            return stem, 0.85
    # A compound ending in a known word of six letters or more: 'counterintelligence' is about intelligence.
    for cut in range(3, len(key) - 5):
        if key[cut:] in index.known:
            return key[cut:], 0.8
    return key, 1.0


_CASED_NON_WORD = re.compile(r"[^A-Za-z0-9]+")


@lru_cache(maxsize=8192)
def _named(text: str, count: int) -> tuple[bool, ...]:
    """For each of the `count` words `_keys(text)` gives: whether it is written as a name is, capitalised
    after the first word ('what happened to Alexei Navalny') or an acronym ('MH17')."""
    if text.isascii():  # as normalise reads it, without the folding that plain ASCII does not need
        words = _CASED_NON_WORD.sub(" ", text[: MAX_QUERY_CHARS * 4]).split()
    else:
        english = SURROGATE.sub(" ", _english(text)[: MAX_QUERY_CHARS * 4])
        words = _CASED_NON_WORD.sub(" ", to_ascii(unicodedata.normalize("NFKC", english).translate(SIGNS))).split()
    if len(words) != count:
        return (False,) * count
    if count >= 3 and all(w[0].isupper() or w.isdigit() for w in words):  # Title Case Throughout says nothing
        return tuple(_SURNAME.fullmatch(w.lower()) is not None for w in words)
    return tuple(
        (i > 0 and w[0].isupper()) or (len(w) > 1 and w.isupper()) or _SURNAME.fullmatch(w.lower()) is not None
        for i, w in enumerate(words)
    )


# A word shaped like a Slavic surname is a name however it is typed ('kostyukov', 'budanov'): a query
# naming someone the catalogue does not know is likely about someone else.
_SURNAME = re.compile(r"[a-z]{3,}(?:ov|ev|ova|eva|enko|sky|skiy|skii|ski|vich|chuk)")


def _corrections(keys: Sequence[str], named: Sequence[bool], index: Index) -> list[tuple[str, float]]:
    """Each key corrected, except a word corrected into someone's name beside a name the catalogue does not
    know: 'Alexei Navalny' is another person, not a misspelt Alekseyev."""
    corrected = [_correct(k, index) for k in keys]

    def stranger(j: int) -> bool:
        return 0 <= j < len(keys) and named[j] and corrected[j][0] not in index.known and keys[j] not in _STOP_KEYS

    for i, key in enumerate(keys):
        if corrected[i][0] != key and corrected[i][0] in index.names and (stranger(i - 1) or stranger(i + 1)):
            corrected[i] = (key, 1.0)
    return corrected


@dataclass(frozen=True, slots=True)
class QueryTerm:
    term: str
    weight: float
    confidence: float
    words: tuple[str, ...]  # the keys it came from, for highlighting
    stranger: bool = False  # written as a name, and not one the catalogue knows
    commonest: bool = False  # one of the commonest English words ('help', 'time'), which names no subject alone


# A catalogue's own counts cannot tell a rare word from a common one it happens to use once: 'keep',
# 'deal' or 'look' in one answer weigh as much there as 'Balashikha'. English word frequency (Zipf scale:
# log10 of uses per billion words) tells them apart: a query word's weight is scaled by
# (COMMON_TOP - zipf) / COMMON_SPAN, between COMMON_FLOOR and 1, so words at Zipf 4.5 or rarer ('mutiny',
# 'sanctions', 'implications') keep all of it and the commonest ('look', 'keep') a fifth. Names, synonym
# concepts and question words are left alone. Chosen by leave-one-set-out (bench/calibrate.py): top-1
# 92.4% -> 93.4%, wrong answers 2.9% -> 2.4%.
COMMON_TOP = 6.5
COMMON_SPAN = 2.0
COMMON_FLOOR = 0.2
# A word this plain or plainer (Zipf 5.7 or more: 'help', 'time', 'people') is no subject on its own: a query of
# such words and question words is answered only when it is one of a question's phrasings ('faq ask help').
COMMONEST_PLAINNESS = 0.4
_COMMON: dict[str, str] = {}


def _common_words() -> dict[str, str]:
    """Common English words and their Zipf frequency (faq_cli/common_words.txt, read on first use)."""
    if not _COMMON:
        from pathlib import Path

        try:
            text = (Path(__file__).parent / "common_words.txt").read_text(encoding="utf-8")
            fields = text[text.index("\n\n") + 2 :].split()  # after the header
            _COMMON.update(zip(fields[0::2], fields[1::2], strict=True))
        except (OSError, UnicodeError, ValueError):  # a damaged install: every word keeps its weight
            _COMMON.clear()
            _COMMON[""] = "0"  # read once, found wanting
    return _COMMON


def _plainness(words: Sequence[str]) -> float:
    """How much a term made of these (normalised) words keeps of its weight: 1 for a rare word, down to
    COMMON_FLOOR for the commonest ('keep', 'look', 'deal'), which say little about what is asked."""
    common = _common_words()
    try:
        zipf = max((float(common.get(w, 0.0)) for w in words), default=0.0)
    except ValueError:
        return 1.0
    return min(1.0, max(COMMON_FLOOR, (COMMON_TOP - zipf) / COMMON_SPAN))


def query_terms(query: str, index: Index) -> list[QueryTerm]:
    """The query as weighted terms: corrected, synonym-folded, stop words dropped, at most MAX_QUERY_TERMS."""
    text = query[:MAX_QUERY_CHARS]
    plain_words = _plain_words(text)
    raw = [_key(w) for w in plain_words]
    named = _named(text, len(raw))
    corrected = _corrections(raw, named, index)
    keys = [k for k, _ in corrected]
    spans = _apply_synonyms(keys, index.synonyms)
    strangers = _strangers(spans, named, index)
    titles = _titles(spans, keys, index)
    out: dict[str, QueryTerm] = {}
    for (term, start, end), stranger, title in zip(spans, strangers, titles, strict=True):
        if term in _STOP_KEYS or term in out or title:
            continue
        confidence = min(c for _, c in corrected[start:end])
        weight = index.weight(term)
        if stranger:  # a name the catalogue does not know: the query is likely about someone else
            weight = index.rarest_weight
        elif term not in index.idf and term in index.known:  # 'forward' without 'going': known only in a phrase
            weight *= QUESTION_WORD_WEIGHT
        elif term not in index.idf and term not in _LIGHT:  # a word the catalogue never uses weighs a little more
            weight = UNKNOWN_SHARE * index.rarest_weight + (1 - UNKNOWN_SHARE) * weight
        plainness = 1.0
        if not stranger and not term.startswith("~") and term not in index.proper and term not in _LIGHT:
            plainness = _plainness(plain_words[start:end])
            weight *= plainness
        commonest = plainness <= COMMONEST_PLAINNESS
        out[term] = QueryTerm(term, weight, confidence, tuple(keys[start:end]), stranger, commonest)
        if len(out) >= MAX_QUERY_TERMS:
            break
    profile = _profile_term(index)
    if profile not in out and (_about_someone(spans, keys, titles, index) or _who_is_someone(spans, titles, index)):
        out[profile] = QueryTerm(profile, index.weight(profile), 1.0, ("about",), False, False)
    return _quiet_filler(list(out.values()), index)


_ABOUT = frozenset(_key(w) for w in ("about", "regarding", "o", "ob", "obo", "pro"))  # о, об, обо, про


def _about_someone(spans: Sequence[tuple[str, int, int]], keys: Sequence[str], titles: Sequence[bool], index: Index) -> bool:
    """Whether the query ends by asking about a catalogue person and nothing else ('tell me about General
    Kirillov', 'what is known about Alekseyev'): a wish for the profile, as 'Kirillov biography' is."""
    after = [i for i, (_, start, end) in enumerate(spans) if keys[start:end] and all(k in _ABOUT for k in keys[start:end])]
    if not after:
        return False
    rest = [term for i, (term, _, _) in enumerate(spans) if i > after[-1] and not titles[i] and term not in _STOP_KEYS]
    return bool(rest) and all(term in index.names for term in rest)


_WHO = _key("who")


def _who_is_someone(spans: Sequence[tuple[str, int, int]], titles: Sequence[bool], index: Index) -> bool:
    """Whether the query asks who a catalogue person is, with nothing but little words between ('who
    exactly is this Alekseev guy that got shot', 'кто такой Сарваров'): a wish for his profile, whatever
    the rest says of him. 'who shot Alekseyev' asks something else."""
    words = [term for (term, _, _), title in zip(spans, titles, strict=True) if term not in _STOP_KEYS and not title]
    if not words or words[0] != _WHO:
        return False
    for term in words[1:]:
        if term in index.names:
            return True
        if term not in _LIGHT:
            return False
    return False


_TITLE_KEYS = frozenset(_key(w) for w in (*MILITARY_RANKS, *TITLES))


def _titles(spans: Sequence[tuple[str, int, int]], keys: Sequence[str], index: Index) -> list[bool]:
    """For each term: whether it is a rank or title just before a catalogue person's name ('General
    Kirillov', 'генерал Сарваров', 'Lt Gen Moskalik'), which is part of naming him, not what is asked."""
    titles = [False] * len(spans)
    before_name = False
    for i in range(len(spans) - 1, -1, -1):
        term, start, end = spans[i]
        if all(k in _TITLE_KEYS for k in keys[start:end]):
            titles[i] = before_name
        else:
            before_name = term in index.names
    return titles


_YEAR = re.compile(r"1[0-9]{3}|20[0-9]{2}")


def _strangers(spans: Sequence[tuple[str, int, int]], named: Sequence[bool], index: Index) -> list[bool]:
    """For each term: whether it names someone or a time the catalogue does not know. That is a word
    written as a name that the catalogue never uses (not a day, month or holiday: 'before Christmas'), a
    catalogue person's first name just before one ('Igor Kostyukov' is not Kirillov, 'Vladimir Putin'
    not Alekseyev), a year or a month it never mentions ('the August 1991 coup'), or an everyday subject
    it never mentions ('the population of Rostov')."""
    unknown = [
        term not in index.idf
        and (
            (term not in _NEVER_NAMES and term not in index.proper and any(named[start:end]))
            or _YEAR.fullmatch(term) is not None
            or term in _MONTHS
            or term in _EVERYDAY
        )
        for term, start, end in spans
    ]
    following = [*unknown[1:], False][: len(unknown)]
    return [u or (term in index.given and after) for (term, _, _), u, after in zip(spans, unknown, following, strict=True)]


# A long, chatty query is mostly filler: once it has FILLER_KNOWN telling words the catalogue uses, its
# ordinary words the catalogue never uses ('my grandson mentioned…') weigh FILLER_WEIGHT of their weight,
# so that they do not dilute the share of the query an entry explains. Names the catalogue does not know
# keep their weight: they say the query is about someone else.
FILLER_KNOWN = 4
FILLER_WEIGHT = 0.25


def _quiet_filler(qterms: list[QueryTerm], index: Index) -> list[QueryTerm]:
    known = sum(t.term in index.idf and t.term not in _LIGHT for t in qterms)
    if known < FILLER_KNOWN:
        return qterms
    return [replace(t, weight=t.weight * FILLER_WEIGHT) if _filler(t, index) else t for t in qterms]


def _filler(t: QueryTerm, index: Index) -> bool:
    return t.term not in index.idf and t.term not in _LIGHT and not t.stranger


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a document ranks where it does."""

    doc: int
    coverage: float  # share of the query's weight its fields explain, 0..1
    phrase: float  # best weighted overlap (F2) with one phrasing, 0..1
    score: float  # 0..100


COVERAGE_SHARE = 0.6
RERANK = 40
# A phrasing that asks the same way ('who shot…', 'why kill…') says what kind of answer is wanted:
# 'who shot the general' is about the culprit, not the general's profile.
FRAME_BONUS = 10.0


def _frame(terms: Iterable[str]) -> str | None:
    """The question word and the term after it ('who>~shot'), which together say what is asked."""
    previous = None
    for term in terms:
        if previous is not None and term not in _FRAMING_KEYS:  # 'who exactly is Alexeyev' asks as 'who is Alexeyev'
            return f"{previous}>{term}"
        if term in _QUESTION_KEYS:
            previous = term
    return None


def _beyond_frame(doc: int, heavy: Sequence[QueryTerm], frame: str, index: Index) -> bool:
    """Whether the entry shares a telling word besides the frame's: 'who killed jfk' asks the way 'who
    killed Moskalik' does, and is still not about him."""
    asked = frame.partition(">")[2]
    return any(doc in index.postings.get(t.term, {}) for t in heavy if t.term != asked)


def rank(query: str, index: Index, limit: int | None = None) -> list[Evidence]:
    """Documents by evidence, best first, ties by id; documents matching nothing are left out."""
    return rank_terms(query_terms(query, index), index, limit)


def rank_terms(qterms: Sequence[QueryTerm], index: Index, limit: int | None = None) -> list[Evidence]:
    """`rank` of a query already read into terms (`query_terms`), for callers that need the terms too."""
    total = sum(t.weight for t in qterms)
    if total <= 0:
        return []
    # Candidates come from the telling terms; question words, in a large share of entries and
    # light anyway, are added only to the shortlist's evidence unless the shortlist is short.
    keep = max(RERANK, limit or 0)
    heavy = [t for t in qterms if t.term not in _LIGHT]
    explained: dict[int, float] = defaultdict(float)
    _explain(heavy, index, explained)
    telling = set(explained)  # entries that share at least one telling term with the query
    light = [t for t in qterms if t.term in _LIGHT]
    if len(explained) < keep:
        _explain(light, index, explained)
        light = []
    docs = index.documents
    shortlist = heapq.nlargest(keep, explained.items(), key=itemgetter(1))
    frame = _frame(t.term for t in qterms)
    nameless = not any(t.term in index.names for t in qterms)
    out = []
    for doc, weight in shortlist:
        for t in light:
            w = index.postings.get(t.term, {}).get(doc, 0.0)
            weight += t.weight * t.confidence * (w + (1 - w) * w / index.spread.get(t.term, 1.0))
        coverage = weight / total
        phrasings = docs[doc].phrasings
        phrase = max((_overlap(qterms, p, index) for p in phrasings), default=0.0)
        score = 100 * (COVERAGE_SHARE * coverage + (1 - COVERAGE_SHARE) * phrase)
        if frame is not None and any(_frame(p) == frame for p in phrasings) and _beyond_frame(doc, heavy, frame, index):
            score = min(100.0, score + FRAME_BONUS)
        if nameless and phrasings and any(term in index.names for term in phrasings[0]):
            score *= NAMELESS
        if (
            doc not in telling
            or _mentions_only(doc, heavy, index)
            or _one_plain_word(doc, heavy, index)
            or _asks_elsewhere(doc, heavy, index)
        ):
            score *= phrase  # as good as one phrasing, at most
        out.append(Evidence(doc, coverage, phrase, score))
    out.sort(key=lambda e: (-e.score, docs[e.doc].id))
    return out[:limit] if limit else out


# A question that names someone ('What was Alekseyev's role in the Wagner mutiny?') answers a query that
# names nobody ('the wagner putsch') less well than one about the thing itself.
NAMELESS = 0.95

# Fields this strong say whom an entry is about: its phrasings, tags and related people.
ABOUT = 0.7
_BIOGRAPHY = (term_key("biography"),)


def _profile_term(index: Index) -> str:
    """The term a wish for someone's profile comes to ('biography', 'bio'…): no subject of its own."""
    return index.synonyms.phrases.get(_BIOGRAPHY, _BIOGRAPHY[0])


def _mentions_only(doc: int, heavy: Sequence[QueryTerm], index: Index) -> bool:
    """Whether the query asks about people the entry only mentions: 'Steve Witkoff biography' is not
    answered by Moskalik's profile, whose answer names Witkoff. Words beyond the names that the entry
    matches ('general killed during the Witkoff visit') make the names context instead."""
    if _someone_else(doc, heavy, index):
        return True
    names = [t.term for t in heavy if t.term in index.names and not t.stranger]
    profile = _profile_term(index)
    if not names or all(index.postings.get(n, {}).get(doc, 0.0) >= ABOUT for n in names):
        return False
    return not any(doc in index.postings.get(t.term, {}) for t in heavy if t.term not in index.names and t.term != profile)


def _asks_elsewhere(doc: int, heavy: Sequence[QueryTerm], index: Index) -> bool:
    """Whether the query names people the entry is about but asks something the entry never mentions:
    'how did Prigozhin die' is not answered by Alekseyev's part in the mutiny, which names Prigozhin."""
    if not any(t.term in index.names and not t.stranger and doc in index.postings.get(t.term, {}) for t in heavy):
        return False
    profile = _profile_term(index)
    asked = [t.term for t in heavy if t.term not in index.names and t.term != profile and not t.stranger]
    return bool(asked) and not any(doc in index.postings.get(term, {}) for term in asked)


def _someone_else(doc: int, heavy: Sequence[QueryTerm], index: Index) -> bool:
    """Whether the query names someone the catalogue does not know, and no one it does, while the entry's
    phrasings name catalogue people: 'did Gerasimov help end the mutiny' is not about Alekseyev's part."""
    if not any(t.stranger for t in heavy) or any(t.term in index.names and not t.stranger for t in heavy):
        return False
    return any(term in index.names for p in index.documents[doc].phrasings for term in p)


def _one_plain_word(doc: int, heavy: Sequence[QueryTerm], index: Index) -> bool:
    """Whether the entry shares just one of the query's several words, a plain one (no name, no synonym
    concept): 'faq --help' is not a question about how Alekseyev helped end the revolt."""
    if len(heavy) < 2:
        return False
    shared = [t.term for t in heavy if doc in index.postings.get(t.term, {})]
    return len(shared) == 1 and not shared[0].startswith("~") and shared[0] not in index.names


PLAIN_RARITY = 0.5


def _explain(qterms: Iterable[QueryTerm], index: Index, explained: dict[int, float]) -> None:
    """Add each entry's share of the terms' weight: the term's weight times the best field it is in."""
    for t in qterms:
        factor, spread = t.weight * t.confidence, index.spread.get(t.term, 1.0)
        # A weak field counts for more when a name points to this entry alone ('Volokolamskoye' in one
        # answer), and for nothing more when every entry has it; a plain word ('people' in one answer) less so.
        rarity = 1.0 if t.term in index.proper else PLAIN_RARITY
        for doc, w in index.postings.get(t.term, {}).items():
            explained[doc] += factor * (w + rarity * (1 - w) * w / spread)


def _overlap(qterms: Sequence[QueryTerm], phrasing: dict[str, None], index: Index) -> float:
    """Weighted F2 of query against phrasing: recall counts four times as much as precision,
    since a query is usually shorter than the phrasing it means."""
    shared = sum(t.weight * t.confidence for t in qterms if t.term in phrasing)
    if not shared:
        return 0.0
    recall = shared / sum(t.weight for t in qterms)
    precision = shared / sum(index.weight(t) for t in phrasing)
    return 5 * precision * recall / (4 * precision + recall)


# ---- questions -----------------------------------------------------------------------------------

# Whether to answer is a logistic rule on the ranking, fitted by `python bench/calibrate.py` on 44
# labelled query sets (bench/ask_*.yaml but sets 10 and 45-52, 4921 queries; fitted 2026-11-26, refit when
# the ranking changes): answer when ANSWER_INTERCEPT + (ANSWER_TOP + ANSWER_LONG_TOP * min(terms,
# ANSWER_TERMS_CAP) / ANSWER_TERMS_CAP) * top + ANSWER_MARGIN * margin + ANSWER_STRANGER * strangers >= 0
# (the decision threshold is folded into the intercept). Coverage is a share of the query's weight, so a
# long, chatty query scores lower for the same evidence: the score counts for more the more terms the
# query has, up to ANSWER_TERMS_CAP. With no margin the bar is about 69 for a one-term query, 43 for four
# terms and 28 for eight or more. The margin over the runner-up counts for little (ten points of it lower
# the bar by one or two): the phrase and frame evidence in the score already keeps close questions apart
# (calibrate.py holds a weight that would go negative at zero, so the rule stays monotone). Each stranger
# (a word written as a name, a year, a month or an everyday subject the catalogue does not know) raises
# the bar by 23 points (one term) to 10 (eight), beyond the refusal of a query about someone else in
# confident_question.
ANSWER_INTERCEPT = -5.50752
ANSWER_TOP = 0.06384
ANSWER_LONG_TOP = 0.13012
ANSWER_MARGIN = 0.01083
ANSWER_STRANGER = -1.86905
ANSWER_TERMS_CAP = 8

# How much each field says about a question.
W_QUESTION, W_ALSO, W_TAG, W_PERSON, W_ROLE, W_ENTRY, W_ANSWER = 1.0, 1.0, 0.8, 0.7, 0.5, 0.5, 0.35


def _question_fields(catalogue: Catalogue, question: Question) -> Iterator[tuple[str, float, bool]]:
    yield question.question, W_QUESTION, True
    for also in question.also:
        yield also, W_ALSO, True
    for tag in question.tags:
        yield tag, W_TAG, False
    for ref in question.related:
        person = catalogue.people.get(ref)
        if person is not None:
            for name in person.names:
                yield name, W_PERSON, False
            for position in person.positions:  # 'the GRU's first deputy head' is how many ask about him
                yield f"{position.title} {position.organisation}", W_ROLE, False
        entry = catalogue.incidents.get(ref) or catalogue.events.get(ref)
        if entry is not None:
            yield entry.title, W_ENTRY, False
    yield question.answer, W_ANSWER, False


def _synonyms_of(catalogue: Catalogue) -> _Synonyms:
    return _compile_synonyms((*DEFAULT_SYNONYMS, *catalogue.synonyms))


def build_question_index(catalogue: Catalogue) -> Index:
    """The ranking structures for `ask`: built once per catalogue per process."""
    index = Index(_synonyms_of(catalogue))
    for q in catalogue.questions.values():
        index.add(q.id, "question", q.question, _question_fields(catalogue, q))
    named = [terms(name, index.synonyms) for p in catalogue.people.values() for name in p.names]
    index.names = {t for name in named for t in name}
    index.given = {name[0] for name in named if len(name) > 1} - {t for name in named for t in name[1:]}
    return index.finish()


def question_index(catalogue: Catalogue) -> Index:
    if catalogue.index is not None:  # the compiled index stores it: no need to read every question
        return catalogue.index.prebuilt("questions", build_question_index)
    return cached("questions", catalogue, build_question_index)


def rank_questions(query: str, catalogue: Catalogue, limit: int | None = None) -> list[Scored]:
    """The questions the query matches at all, best first, ties by id."""
    index = question_index(catalogue)
    return [Scored(index.documents[e.doc].id, round(e.score, 1)) for e in rank(query, index, limit)]


def answer_question(query: str, catalogue: Catalogue) -> tuple[list[Scored], Scored | None]:
    """The questions the query matches, best first, and the one to answer with (None: abstain)."""
    index = question_index(catalogue)
    qterms = query_terms(query, index)
    evidence = rank_terms(qterms, index)
    ranked = [Scored(index.documents[e.doc].id, round(e.score, 1)) for e in evidence]
    return ranked, confident_question(ranked, answer_features(evidence, qterms, index))


def answer_features(ranked: Sequence[Evidence], qterms: Sequence[QueryTerm], index: Index) -> dict[str, float]:
    """What the abstention rule looks at: how strong the top question is, how far ahead, and the query."""
    top = ranked[0] if ranked else Evidence(-1, 0.0, 0.0, 0.0)
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    return {
        "top": top.score,
        "margin": top.score - runner_up,
        "coverage": top.coverage,
        "phrase": top.phrase,
        "terms": float(len(qterms)),
        "unknown": float(sum(t.term not in index.idf and t.term not in _LIGHT for t in qterms)),
        "strangers": float(sum(t.stranger for t in qterms)),
        "subject": float(any(t.term not in _LIGHT and not t.commonest for t in qterms)),
        "someone_else": float(bool(ranked) and _someone_else(top.doc, [t for t in qterms if t.term not in _LIGHT], index)),
    }


def answer_logit(features: Mapping[str, float]) -> float:
    """The calibrated rule's log-odds that the top question is the right answer, less the threshold."""
    top, margin = features["top"], features["margin"]
    length = min(features["terms"], ANSWER_TERMS_CAP) / ANSWER_TERMS_CAP
    strangers = features.get("strangers", 0.0)
    return ANSWER_INTERCEPT + (ANSWER_TOP + ANSWER_LONG_TOP * length) * top + ANSWER_MARGIN * margin + ANSWER_STRANGER * strangers


SUBJECTLESS_PHRASE = 0.9


def refused(features: Mapping[str, float]) -> bool:
    """Whether the query is one of the two kinds refused whatever the calibrated rule says (see
    confident_question); bench/calibrate.py fits the rule on the others."""
    return bool(features.get("someone_else")) or not (features.get("subject", 1.0) or features["phrase"] >= SUBJECTLESS_PHRASE)


def confident_question(ranked: Sequence[Scored], features: Mapping[str, float]) -> Scored | None:
    """The top question when the calibrated rule says answering it is likely right (see answer_features).

    Two kinds of query are refused whatever the rule says. One that names someone the catalogue does not
    know, and nobody it does, is not about a question whose phrasings name catalogue people ('did
    Gerasimov help end the mutiny'). One of question and framing words alone names no subject: it is
    answered only when it is one of the question's phrasings ('why now?'), not when it merely shares a
    word with one ('what time is it' and 'how many times was he shot')."""
    if not ranked or refused(features):
        return None
    return ranked[0] if answer_logit(features) >= 0 else None


# ---- search across the catalogue -----------------------------------------------------------------

SEARCH_THRESHOLD = 20.0


def _person_fields(person: Person) -> Iterator[tuple[str, float, bool]]:
    for name in person.names:
        yield name, 1.0, True
    for pos in person.positions:
        yield f"{pos.title} {pos.organisation}", 0.7, False
    for tag in person.tags:
        yield tag, 0.6, False
    if person.birthplace:
        yield person.birthplace, 0.5, False
    if person.summary:
        yield person.summary, 0.4, False


def _incident_fields(catalogue: Catalogue, incident: Incident) -> Iterator[tuple[str, float, bool]]:
    yield incident.title, 1.0, True
    for p in incident.people:
        if p.person in catalogue.people:
            for name in catalogue.people[p.person].names:
                yield name, 0.8, False
    yield incident.place, 0.8, False
    yield incident.kind, 0.7, False
    for tag in incident.tags:
        yield tag, 0.6, False
    if incident.attribution:
        yield " ".join(x for x in (incident.attribution.by, incident.attribution.note) if x), 0.4, False
    if incident.summary:
        yield incident.summary, 0.4, False


def _event_fields(catalogue: Catalogue, event: Event) -> Iterator[tuple[str, float, bool]]:
    yield event.title, 1.0, True
    for pid in event.people:
        if pid in catalogue.people:
            for name in catalogue.people[pid].names:
                yield name, 0.8, False
    if event.kind:
        yield event.kind, 0.6, False
    for tag in event.tags:
        yield tag, 0.6, False
    if event.summary:
        yield event.summary, 0.4, False


def build_search_index(catalogue: Catalogue) -> Index:
    """One index over questions, incidents, events and people, for `faq search`."""
    index = Index(_synonyms_of(catalogue))
    for q in catalogue.questions.values():
        fields = [(q.question, 1.0, True), *((a, 0.9, True) for a in q.also), *((t, 0.7, False) for t in q.tags)]
        index.add(q.id, "question", q.question, [*fields, (q.answer, 0.4, False)])
    for i in catalogue.incidents.values():
        index.add(i.id, "incident", i.title, _incident_fields(catalogue, i))
    for e in catalogue.events.values():
        index.add(e.id, "event", e.title, _event_fields(catalogue, e))
    for p in catalogue.people.values():
        index.add(p.id, "person", p.name, _person_fields(p))
    return index.finish()


def search_index(catalogue: Catalogue) -> Index:
    if catalogue.index is not None:  # stored in the compiled index, as the question index is
        return catalogue.index.prebuilt("search", build_search_index)
    return cached("search", catalogue, build_search_index)


@dataclass(frozen=True, slots=True)
class Hit:
    type: str
    id: str
    title: str
    score: float


def search(query: str, catalogue: Catalogue, kind: str | None = None, limit: int = 10) -> tuple[list[Hit], frozenset[str]]:
    """Entries of every kind (or one) ranked by how well they match, best first, weak matches left out; and
    the terms the query stands for in the search index, for highlighting."""
    index = search_index(catalogue)
    qterms = query_terms(query, index)
    hits = []
    for e in rank_terms(qterms, index):
        doc = index.documents[e.doc]
        if e.score >= SEARCH_THRESHOLD and (kind is None or doc.type == kind):
            hits.append(Hit(doc.type, doc.id, doc.title, round(e.score, 1)))
    return hits[: max(limit, 0)], frozenset(t.term for t in qterms)


# ---- snippets ------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")
_MARKUP = re.compile(r"[*_`#>]+|^\s*[-+]\s+", re.MULTILINE)
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Snippet:
    """A short, single-line, control-free excerpt and the [start, end) spans of the words that matched."""

    text: str
    spans: tuple[tuple[int, int], ...]
    matched: int = 0  # how many different query terms the whole text matched


def snippet(text: str, wanted: frozenset[str], synonyms: _Synonyms | None = None, width: int = 100) -> Snippet:
    """The part of `text` around its first matching word, with every matching word's span."""
    clean = " ".join(_UNSAFE.sub(" ", _MARKUP.sub("", text)).split())
    words = [(m.start(), m.end(), [_key(w) for w in normalise(m.group()).split()]) for m in _WORD.finditer(clean)]
    flat: list[tuple[str, int]] = [(k, n) for n, (_, _, keys) in enumerate(words) for k in keys]
    spans: list[tuple[int, int]] = []
    matched: set[str] = set()
    for term, start, end in _apply_synonyms([k for k, _ in flat], synonyms or _Synonyms({}, 1)):
        if term in wanted and term not in _STOP_KEYS:
            matched.add(term)
            first, last = words[flat[start][1]], words[flat[end - 1][1]]
            if not spans or first[0] >= spans[-1][1]:
                spans.append((first[0], last[1]))
    if len(clean) <= width:
        return Snippet(clean, tuple(spans), len(matched))
    begin = max(0, spans[0][0] - width // 3) if spans else 0
    if begin:
        space = clean.find(" ", begin)
        begin = space + 1 if 0 <= space < (spans[0][0] if spans else len(clean)) else begin
    end = min(len(clean), begin + width)
    if end < len(clean):
        space = clean.rfind(" ", begin, end)
        end = space if space > begin else end
    prefix, suffix = ("… " if begin else ""), (" …" if end < len(clean) else "")
    shift = len(prefix) - begin
    kept = tuple((s + shift, e + shift) for s, e in spans if s >= begin and e <= end)
    return Snippet(prefix + clean[begin:end] + suffix, kept, len(matched))


def entry_texts(catalogue: Catalogue, type_: str, entry_id: str) -> list[str]:
    """The texts a hit's snippet may come from, most telling first."""
    if type_ == "question":
        q = catalogue.questions[entry_id]
        return [q.question, *q.also, q.answer]
    if type_ == "incident":
        i = catalogue.incidents[entry_id]
        return [i.title, i.place, i.summary or ""]
    if type_ == "event":
        e = catalogue.events[entry_id]
        return [e.title, e.summary or ""]
    p = catalogue.people[entry_id]
    return [p.name, ", ".join(p.names[1:]), *(f"{x.title}, {x.organisation}" for x in p.positions), p.summary or ""]


def best_snippet(catalogue: Catalogue, hit: Hit, wanted: frozenset[str]) -> Snippet:
    """The first of an entry's texts to match the most query terms (the title when none match)."""
    synonyms = search_index(catalogue).synonyms
    best: Snippet | None = None
    for text in entry_texts(catalogue, hit.type, hit.id):
        if not text:
            continue
        found = snippet(text, wanted, synonyms)
        if best is None or found.matched > best.matched:
            best = found
    return best or Snippet(" ".join(_UNSAFE.sub(" ", hit.title).split()), ())
