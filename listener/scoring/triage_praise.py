"""``praise_to_share``: specific praise of a team, ward, service or named person, worth passing on to staff.

Praise needs words of praise and someone specific to give it to. People praise in many shapes: "thank you" with a
team, role or name ("thanks Maria", "Thank you to Ward 7", "the chaplaincy team ... Thank you Rev. Anne"), verdicts
("spot on", "couldn't have asked for better", "deserves a medal", "above and beyond", "we owe you everything"),
and "shout out to", "big up", "compliments to". Not praise: a request's courtesy ("thanks in advance"), "thanks to"
meaning "because of", good news, an organisation thanking its own staff, volunteers or donors (its own
announcements), and posts that complain more than they praise.
"""

from __future__ import annotations

import re

from listener.scoring.gates import FirstMatch, GatedPattern, letter_runs, word_pattern
from listener.scoring.triage_requests import names_service

# Roles and places of care: praise of one is praise of a service.
_CARE_ROLES = (
    r"nurses?|doctors?|midwi(?:fe|ves)|paramedics?|porters?|cleaners?|receptionists?|sonographers?|phlebotomists?|"
    r"radiographers?|physio\w*|anaesthetists?|health visitors?|chaplains?|chaplaincy|consultants?|"
    r"surgeons?|registrars?|pharmacists?|dietitians?|dieticians?|audiologists?|optometrists?|dentists?|gps?|"
    r"hcas?|healthcare assistants?|health care assistants?|care assistants?|support workers?|keyworkers?|key workers?|"
    r"call handlers?|ambulance crews?|matrons?|ward clerks?|student nurses?|therapists?|counsellors?|"
    r"district nurses?|carers?"
)
_CARE_PLACES = (
    r"ward \w+|\w+ ward|units?|hospital|surgery|practice|clinic|hospice|a&e|icu|itu|nicu|scbu|maternity|neonatal|"
    r"dermatology|cardiology|oncology|radiology|audiology|renal|dialysis|chemo|pharmacy|minor injuries|walk[- ]in|"
    r"(?:stroke|cardiac|heart|memory|fracture|palliative|eye|ent|diabetes|respiratory|cancer|breast|children'?s|"
    r"paediatric|discharge|crisis|mental health|community|district nursing|oncology|surgical|medical|"
    r"orthopaedic) (?:team|unit|clinic|ward|nurses?|service|day unit)|"
    r"urgent treatment|ambulance|rehab|x-ray|theatres? (?:team|staff|nurses?)|recovery|(?:vaccination|vaccine|birth|health|medical|treatment|cancer|walk[- ]in) "
    r"centre"
)
# A post about a visit for care: praise in it is praise of the people who gave that care.
_CARE_EVENTS = (
    r"bloods|blood test|scan|operation|op|jab|booster|vaccin\w*|appointment|treatment|stitches|x-?ray"
)
# Specific too, but said of anyone: praise with only these needs a service or role of care named in the post.
_ANYONE = (
    r"volunteers?|handlers?|crews?|sisters?|kitchen|catering|chefs?|security|staff|everyone|every single person|"
    r"each and every|teams?|department|centre|center|service|theatres?|line|desk|reception|lab"
)
_ROLES = f"{_CARE_ROLES}|{_ANYONE}"
_PLACES = _CARE_PLACES
_CARE_CONTEXT = word_pattern(_CARE_ROLES, _CARE_PLACES, _CARE_EVENTS)
_SPECIFIC_ANY_CASE = r"|dr\.? [a-z]+|doctor [a-z]+|special thanks|pass on our thanks"
_SPECIFIC_NAMES = (
    r"(?i:thank you|thanks)(?: so much)?,? (?:to )?(?:[A-Z][a-z]+|Dr|Rev)|"
    r"(?i:the lovely|lady|man|nurse|midwife|doctor|dr|hca|physio|porter|rev|sister|matron|keyworker) [A-Z][a-z]+|"
    r"[A-Z][a-z]+ and [A-Z][a-z]+|[A-Z][a-z]+ and the|"
    r"[A-Z][a-z]+,? (?:the|our|my|a) (?i:hca|healthcare assistant|health care assistant|sister|matron|"
    r"consultant|surgeon|registrar|pharmacist|gp|ward clerk|care assistant|student nurse|support worker|physio)"
)
_SPECIFIC = re.compile(
    r"(?<!\w)(?:(?i:" + _ROLES + "|" + _PLACES + _SPECIFIC_ANY_CASE + r")|" + _SPECIFIC_NAMES + r")(?!\w)"
)
# _SPECIFIC searched as its two halves (gates.FirstMatch: the same match): the roles and places in any case, a
# pattern Python's re reads quickly lower-cased, and the capitalised names; each half in half the time of the whole
_SPECIFIC_FIRST = FirstMatch(
    [
        ("role or place", word_pattern(_ROLES, _PLACES + _SPECIFIC_ANY_CASE)),
        ("name", re.compile(r"(?<!\w)(?:" + _SPECIFIC_NAMES + r")(?!\w)")),
    ]
)
_PRAISE_ALTERNATIVES = (
    r"thank(?!fully)\w*",
    r"thx",
    r"grateful",
    r"gratitude",
    r"amazing",
    r"incredible",
    r"brilliant",
    r"fantastic",
    r"wonderful",
    r"exceptional",
    r"outstanding",
    r"phenomenal",
    r"superb",
    r"excellent",
    r"fab(?:ulous)?",
    r"faultless",
    r"impeccable",
    r"first class",
    r"top notch",
    r"spot on",
    r"kind\w*",
    r"lovely",
    r"compassion\w*",
    r"attentive",
    r"thoughtful",
    r"thorough",
    r"patient and",
    r"stars?",
    r"legends?",
    r"angels?",
    r"heroes",
    r"hero",
    r"genius",
    r"saints?",
    r"superstars?",
    r"cracking",
    r"smashing",
    r"top (?:drawer|marks|class)",
    r"first rate",
    r"perfect(?:ion)?",
    r"(?:heart|hearts) of gold",
    r"(?:so|very|really|incredibly) patient",
    r"took (?:the )?time to",
    r"put (?:my|our) mind at rest",
    r"reassur\w*",
    r"(?:wouldn'?t|would not) be here without",
    r"(?:so|very) lucky",
    r"made (?:me|us|her|him|mum|dad) feel (?:safe|at ease|human|listened|cared|welcome|special|comfortable)",
    r"gems?",
    r"best",
    r"ace",
    r"gentle",
    r"calm",
    r"efficient",
    r"friendly",
    r"lifeline",
    r"medal",
    r"give (?:\w+ ){0,2}an? (?:pay )?(?:rise|raise|medal|award|bonus)",
    r"respect",
    r"appreciate\w*",
    r"magical",
    r"peaceful",
    r"caring",
    r"helpful",
    r"listened",
    r"smiling",
    r"saved",
    r"held my hand",
    r"explained",
    r"shout ?out",
    r"big up",
    r"kudos",
    r"hats off",
    r"credit to",
    r"compliments to",
    r"fair play to",
    r"love (?:the|them|you|our|my)",
    r"above and beyond",
    r"extra mile",
    r"(?:couldn'?t|could not|can'?t|cannot) (?:have asked for|fault|thank|praise|have done it without)",
    r"(?:owe|owes) (?:you|them|her|him) (?:everything|so much|my life|his life|her life)",
    r"meant (?:so much|everything|the world|a lot)",
    r"made (?:all|such) the difference",
    r"too much trouble",
    r"never forget",
    r"special people",
    r"(?:like|part of the) family",
    r"put (?:me|us|her|him) at ease",
    r"(?:would|highly) recommend",
    r"well done",
    r"good (?:egg|eggs|ones|sort)",
    r"deserves? (?:a|an|the|every|all)",
    r"(?:sorted|fixed) (?:it|me|my \w+|that|things)(?: out)?",
    r"turned (?:that|the) \w+ around",
    r"(?:you are|you're|you were|they are|they're|they were|is|was) the reason",
    r"got (?:me|us|him|her|them) through",
    r"like clockwork",
    r"(?:ten|10) out of (?:ten|10)",
    r"(?:five|5) stars",
    r"(?:given|gave) (?:me|him|her|us) (?:my|his|her|our) life back",
    r"(?:always (?:has |had |with )?|with )a smile",
    r"made (?:my|our|his|her|their) (?:day|week|stay)",
    r"little things",
    r"witchcraft",
    r"magic",
)
# Single words are looked up among the post's words; only the phrases and stems need a regular expression.
_PRAISE_WORDS = frozenset(a for a in _PRAISE_ALTERNATIVES if a.isalpha())
_PRAISE_PHRASES = word_pattern(*(a for a in _PRAISE_ALTERNATIVES if not a.isalpha()))
# Not praise of anyone: a request's courtesy, "thanks to" meaning "because of", good news, staff doing their best.
_NOT_PRAISE = word_pattern(
    r"(?:(?:any|all) )?(?:advice|help|thoughts|tips|suggestions|info\w*|input|replies|answers|recommendations|"
    r"experiences?)(?: would be| is| are)?(?: (?:much|greatly|really|very much|hugely))? appreciated",
    r"would be (?:\w+ )?appreciated",
    r"thanks? (?:you )?in advance",
    r"thanks to (?:the|a|an) [\w ]{0,30}(?:trust|charity|appeal|fund|donation|donors?|league of friends|friends of)",
    r"(?:good|great|brilliant|fantastic|amazing|wonderful|best) news",
    r"(?:doing|do|did|tried|trying) (?:their|her|his|your) (?:best|utmost)",
    r"not (?:their|her|his) fault",
    r"not blaming",
    r"thanks a lot",
    r"(?:some|any|what|that|this) kind of|kind of|kinda",
    r"(?:not|never|wasn'?t|weren'?t|isn'?t|aren'?t|no) (?:very |so |that |as |particularly |overly |exactly |always |"
    r"at all )?(?:helpful|friendly|kind|caring|good|great|nice|polite|lovely|efficient|reassuring|attentive)",
    r"thank (?:god|goodness|heavens|christ|fuck)",
    r"thanks for nothing",
    r"really helpful",
    r"staff room",
)
# An organisation's own voice: thanking its own staff, volunteers, donors or supporters.
_OWN_VOICE = word_pattern(
    r"our (?:\w+ ){0,2}(?:staff|teams?|volunteers|colleagues|nurses|doctors|people|workforce|fundraisers|donors|"
    r"supporters|patients)",
    r"(?:everyone|all) who (?:donated|supported|gave|came|raised|ran|took part)",
    r"thank you for (?:supporting|donating|your support)",
    r"(?:we|i) (?:couldn'?t|could not) do (?:it|this|what we do) without",
    r"(?:every|each) (?:patient|colleague) (?:and|&)",
    r"(?:my|our) (?:last|final) shift",
)
# Posts that complain more than they praise: a negative post with these words is never praise to share.
_COMPLAINT = word_pattern(
    r"appalling|disgusting|disgrace\w*|worst|rude\w*|unacceptable|awful|terrible|horrendous|shocking|dreadful|"
    r"useless|a joke|unprofessional|dismissive|neglect\w*|complain\w*"
)
# An eye-roll turns "Thanks Parkside, really helpful" into a complaint.
_SARCASM = ("\U0001f644", "\U0001f612", " /s")
(
    _PRAISE_PHRASES_GATED,
    _NOT_PRAISE_GATED,
    _OWN_VOICE_GATED,
    _COMPLAINT_GATED,
    _CARE_CONTEXT_GATED,
) = map(GatedPattern, (_PRAISE_PHRASES, _NOT_PRAISE, _OWN_VOICE, _COMPLAINT, _CARE_CONTEXT))


def praise_to_share(text: str, negative: bool, runs: list[str] | None) -> tuple[str, str] | None:
    """(who is praised, the words of praise) when a post praises someone specific, or None. ``negative``: the
    post reads as negative overall."""
    praise = _praise_words(text, runs)
    if praise and _NOT_PRAISE_GATED.search(text, runs):  # what is left once the courtesies are taken out
        text = _NOT_PRAISE.sub(" ", text)
        runs = None if runs is None else letter_runs(text)
        praise = _praise_words(text, runs)
    first = _SPECIFIC_FIRST.search(text, runs) if praise else None
    specific = first[1] if first else None
    if not (praise and specific) or not (_CARE_CONTEXT_GATED.search(text, runs) or names_service(text, runs)):
        return None
    if _OWN_VOICE_GATED.search(text, runs) or any(mark in text for mark in _SARCASM):
        return None
    if negative and _COMPLAINT_GATED.search(text, runs):
        return None
    return specific.group(0), praise


def _praise_words(text: str, runs: list[str] | None) -> str | None:
    """The first single word of praise among the post's words, else the first phrase of praise, or None."""
    for run in letter_runs(text) if runs is None else runs:
        if run in _PRAISE_WORDS:
            return run
    match = _PRAISE_PHRASES_GATED.search(text, runs)
    return match.group(0) if match else None
