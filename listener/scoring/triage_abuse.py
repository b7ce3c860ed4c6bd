"""``abuse_of_staff``: insults, threats and slurs aimed at staff.

Strong criticism of a service is not abuse ("the booking system is useless", "Call handler was RUDE"): an insult
counts when it is aimed at people. Name-calling that is only ever said of people ("idiots", "scumbags", "vile
cow") counts when someone is named in the post; a word that can describe a service too ("useless", "clueless",
"a joke") counts only when it is said of staff ("doctors at the General are literally useless", "clueless kids",
"you're a vile..."). Threats and swearing need someone they are aimed at.
"""

from __future__ import annotations

import re

from listener.scoring.gates import GatedPattern, word_pattern
from listener.scoring.triage_requests import names_service, organisation_handle

# Staff by role or as a group: an insult next to one of these is aimed at staff.
ROLES = (
    r"(?:nurses?|doctors?|drs?|gps?|consultants?|surgeons?|registrars?|receptionists?|reception|staff|paramedics?|"
    r"midwi(?:fe|ves)|porters?|crews?|call handlers?|handlers|hcas?|carers?|dentists?|pharmacists?|physios?|"
    r"security|managers?|management|medics|clinicians|matrons?|sisters?|therapists?|kids|"
    r"everyone (?:in|at|on)|the lot of (?:you|them)|you lot)"
)
# Someone addressed or pointed at: aimed at staff when the post names a service or organisation.
_PEOPLE = r"(?:you|them|him|her|they|she|he|that \w+|those \w+|these \w+|whoever)"
# Only ever said of people: counts with anyone named or addressed in the post.
_NAME_CALLING = (
    r"(?<!like an )(?<!like a )idiots?",
    r"morons?",
    r"clowns?",
    r"scum(?:bags?)?",
    r"pricks?",
    r"bitch\w*",
    r"(?:stupid|fat|vile|silly|lazy|nasty|ugly|horrible) (?:cow|woman|man|git|bat|witch)",
    r"cows",
    r"witch(?:es)?",
    r"bull(?:y|ies)",
    r"thugs?",
    r"jobsworths?",
    r"whingers?",
    r"muppets?",
    r"numpt(?:y|ies)",
    r"imbeciles?",
    r"dinosaurs?",
    r"parasites?",
    r"butchers",
    r"monsters",
    r"tossers?",
    r"wankers?",
    r"dickheads?",
    r"cretins?",
    r"halfwits?",
    r"dimwits?",
    r"quacks?",
    r"charlatans?",
    r"vermin",
    r"leeches",
    r"battleaxe",
    r"old bag",
    r"dragons?",
    r"(?:liars|thieves|murderers|killers)",
    r"psychopaths?|sociopaths?|sadists?",
    r"waste of (?:space|oxygen|a uniform|skin)",
    r"nasty piece of work",
    r"piece of (?:work|shit)",
    r"pathetic (?:excuse|people)",
    r"power mad",
    r"jumped up",
    r"disgrace to",
    r"thick as \w+",
    r"overpaid \w+",
    r"(?:useless|incompetent|clueless|lazy|pathetic|utterly incompetent) (?:bunch|lot|shower|load)",
)
# Could describe a service; an insult only when said of staff (next to a word from STAFF, or "you're ...").
_INSULT_WORDS = (
    r"(?:useless|clueless|incompetent|lazy|stupid|thick|vile|nasty|horrible|heartless|ignorant|"
    r"pathetic|greedy|evil|disgusting|dumb|brainless|idiotic|sadistic|smug|cold[- ]hearted|dangerous|a danger|"
    r"a liability|a joke|a disgrace|an embarrassment|a bunch of \w+|thick as \w+)"
)
_DEGREE = (
    r"(?:(?:so|such|a|an|the|just|literally|absolutely|completely|totally|utterly|bloody|all|most|\w+est) )*"
)
# "rude, arrogant and clueless": the insult may come last in a list of words
_LISTED = r"(?:(?:\w+,?|and) ){0,4}?"
_SAID_OF_STAFF = (
    rf"{ROLES}(?: (?:at|in|on|from) (?!here|there)(?:\S+ ){{1,3}}?| )(?:are|is|were|was|r) {_DEGREE}{_LISTED}"
    rf"{_INSULT_WORDS}",
    rf"{_INSULT_WORDS},? (?:\w+ )?{ROLES}",
    rf"(?:you'?re|you are|ur) {_DEGREE}{_INSULT_WORDS}",
)
_THREATS = (
    r"(?:i'?ll|i will) (?:knock|hurt|sort|batter|deal with) (?:you|him|her|them|that|those|the)",
    r"(?:i'?ll|i will|gonna|going to) find (?:out )?(?:where|which|who|you|him|her|them)",
    r"(?:i'?ve|i have) (?:got|seen) your (?:name|badge|name badge|car)",
    r"watch (?:your back|yourself|yourselves|himself|herself|themselves)",
    r"i know (?:where|what time|when|what car) (?:you|she|he|they)",
    r"(?:i'?ve|i have) (?:got|found) (?:your|her|his) address",
    r"there(?:'?ll| will) be (?:trouble|consequences)",
    r"you(?:'?ll| will) (?:regret|be sorry)",
    r"waiting for you (?:outside|after|in the car park)",
    r"(?:be )?waiting outside (?:when|for|after)",
    r"when (?:she|he|you|they|that \w+) finish(?:es)? (?:her|his|your|their) shift",
    r"consider (?:yourselves|yourself) warned",
    r"karma'?s (?:coming|gonna|going)",
    r"(?:should|should all) be shot",
    r"die in a fire",
    r"get what'?s coming",
    r"gets? what (?:she|he|they) deserves?",
    r"needs? a (?:slap|smack|kicking)",
    r"(?:someone|somebody) (?:should|needs to|ought to) (?:sort|slap|hit|teach|deal with|batter) (?:her|him|them|you|those|that)",
    r"teach (?:those|them|you|her|him) \w* ?a lesson",
    r"want to hurt",
    r"(?:you'?ll|you will|they'?ll|she'?ll|he'?ll) pay for",
    r"(?:you'?ll|you will) get yours",
    r"make (?:you|her|him|them) pay",
    r"(?:you'?re|you are|she'?s|he'?s) dead",
    r"(?:rot|burn) in hell",
    r"hope (?:you|she|he|they) (?:get|gets|catch|catches) (?:cancer|covid|what)",
    r"(?:key|scratch|smash|torch) (?:his|her|their|your|that \w+'?s?) (?:car|windows?)",
    r"(?:slash|let down) (?:his|her|their|your) tyres",
    r"regret it",
    r"sues? you",
    r"hope (?:you|they|he|she|someone|that \w+)(?: all| lot)? (?:gets? (?:sacked|struck off|fired)|dies?|rots?|suffers?|"
    r"loses? (?:his|her|their|your) (?:job|licence|license))",
)
_SLURS = (
    r"go back to (?:your own country|where you came from)",
    r"foreign (?:nurses|doctors|staff) (?:touching|near)",
)
_SWEARING = (
    r"fuck\w*",
    r"f\*+(?:k|ing|in)?\w*",
    r"bastards?",
    r"twats?",
    r"cunts?",
    r"(?:piss|sod|bugger|f) off",
    r"go to hell",
    r"get stuffed",
)

# (reason, pattern, whether someone pointed at is enough of a target without a service named)
_RULES = [
    ("insults staff", word_pattern(*_SAID_OF_STAFF, *_NAME_CALLING), False),
    ("threatens staff", word_pattern(*_THREATS), True),
    ("abuses staff", word_pattern(*_SLURS), False),
    ("swears at staff", word_pattern(*_SWEARING), False),
]
_GATED = [(reason, GatedPattern(pattern), pointed) for reason, pattern, pointed in _RULES]
# one pre-check over the words of every rule: most posts have none of them and skip all four
_ANY = GatedPattern(re.compile("|".join(pattern.pattern for _, pattern, _ in _RULES), re.IGNORECASE))
_ROLE = word_pattern(ROLES)
_POINTED = word_pattern(_PEOPLE)


def abuse_of_staff(text: str, runs: list[str] | None) -> tuple[str, str] | None:
    """(what kind of abuse, its words) when a post abuses staff, or None. The abuse must be aimed at staff: a role is named, or someone is
    pointed at ("you", "her", "that nurse") in a post that names a service or organisation (threats: anyone
    pointed at), or the organisation is addressed by its handle."""
    if _ANY.usable and runs is not None and not _ANY.may_match(runs):
        return None
    for reason, gated, pointed in _GATED:
        match = gated.search(text, runs)
        if match and _aimed_at_staff(text, runs, pointed):
            return reason, match.group(0)
    return None


def _aimed_at_staff(text: str, runs: list[str] | None, pointed_is_enough: bool) -> bool:
    if _ROLE.search(text) or organisation_handle(text):
        return True
    return _POINTED.search(text) is not None and (pointed_is_enough or names_service(text, runs))
