"""Triage flags, each with a short reason a comms team can read at a glance.

- ``safeguarding``: self-harm, suicide, abuse, neglect or violence. Recall comes first: a missed post is far worse
  than one read needlessly, so the phrases are broad and sentiment is not consulted.
- ``needs_response``: a question, request or complaint addressed to the organisation.
- ``praise_to_share``: positive posts that praise a named person, team or ward, worth passing on to staff.
- ``abuse_of_staff``: insults or threats aimed at staff.

The rules are regular expressions; the trade-offs measured on the project's labelled posts are in docs/scoring.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from listener.scoring.base import Sentiment
from listener.scoring.gates import GatedPattern, letter_runs, trusted
from listener.scoring.phrases import words
from listener.scoring.themes import NOT_ABOUT_CARE, SOCIAL_THEMES


def _words(*phrases: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])(?:" + "|".join(phrases) + r")(?![\w])", re.IGNORECASE)


_SAFEGUARDING = [
    (
        "mentions suicide or wanting to die",
        _words(
            r"suicid\w*",
            r"kill(?:ing)? myself",
            r"end(?:ing)? (?:it all|my life|things)",
            r"take my (?:own )?life",
            r"want(?:ed)? (?:it all )?to (?:die|end)",
            r"(?:don'?t|do not) want to (?:be here|live|wake up)",
            r"better off without me",
            r"(?:a )?burden to every\w*",
            r"wrote my letters",
            r"taking all my (?:tablets|pills)",
            r"all my tablets",
            r"overdos\w*",
            r"nobody would (?:notice|care|miss me)",
            r"if i live or die",
            r"i am done",
            r"i'?m done with (?:life|everything)",
            r"can'?t (?:keep )?go(?:ing)? on like this",
            r"can'?t keep going",
        ),
    ),
    (
        "mentions self-harm",
        _words(
            r"self[- ]?harm\w*",
            r"cut(?:ting)? (?:myself|herself|himself)",
            r"hurt(?:ing)? myself",
            r"been cutting",
            r"cut herself",
            r"cut himself",
        ),
    ),
    (
        "mentions abuse or assault",
        _words(
            r"abus(?:e|ed|ing|ive) (?:me|her|him|them|my|the)",
            r"domestic abuse",
            r"sexual(?:ly)? (?:abuse|assault)\w*",
            r"rap(?:e|ed)",
            r"(?:touches|touched|hits|hit|hitting|beats|slapped|punched|pushed|kicked|spat at|spitting at)"
            r" (?:me|her|him|my|the|a|them|nurses?|staff)",
            r"grooming",
            r"assault\w*",
            r"scared to go home",
            r"took money from",
            r"stole from",
            r"stealing from",
        ),
    ),
    (
        "possible neglect",
        _words(
            r"neglect\w*",
            r"left (?:alone|in (?:a )?soiled|in (?:her|his|their) own)",
            r"soil(?:ed|ing) (?:bed|herself|himself)",
            r"pressure sores?",
            r"no (?:food|water|food or water)",
            r"without (?:her|his) (?:insulin|meds|medication)",
            r"went without",
            r"left alone",
            r"look hungry",
            r"(?:unexplained|can'?t explain) (?:the )?bruis\w*",
            r"bruises",
            r"found wandering",
            r"nobody (?:checked|helps|noticed)",
            r"no one noticed",
            r"fell on the ward",
            r"no visits",
            r"hasn'?t eaten",
        ),
    ),
    (
        "mentions violence or a safety risk",
        _words(
            r"isn'?t staff",
            r"(?:don'?t|doesn'?t|didn'?t) feel (?:he|she|they|it) (?:is|was|are) safe",
            r"not safe",
            r"unsafe",
            r"threaten\w*",
            r"violen\w*",
            r"punched",
            r"attacked",
            r"weapon",
            r"knife",
        ),
    ),
]

_QUESTION_WORDS = re.compile(
    r"(?<!\w)(?:can (?:someone|anyone|you)|could (?:someone|you)|please (?:can|could|help|call|ring|confirm|tell|sort)|"
    r"who (?:do|can|should) i|how do i|where (?:can|do) i|is (?:it|this|that|the) (?:open|real|allowed)|"
    r"ring me|call me back|get back to me|dm me|sort it out|we want answers)(?!\w)",
    re.IGNORECASE,
)
_QUESTION = re.compile(r"\?|" + _QUESTION_WORDS.pattern, re.IGNORECASE)
_ADDRESSED = re.compile(r"@\w+|(?<!\w)(?:you|your|dear)(?!\w)", re.IGNORECASE)
_COMPLAINT = re.compile(
    r"(?<!\w)(?:complain\w*|waited|waiting|cancel+ed|lost my|nobody (?:rang|replies|answers|called)|no one (?:rang|called)|"
    r"(?:rude|unprofessional|dismissive|disgrace\w*|appalling|useless|filthy|disgusting|scandal|unacceptable|"
    r"terrible|awful|worst)|refused|never came|didn'?t (?:listen|come|turn up)|not (?:turn up|listened)|"
    r"rings out|on hold|cut me off|hours?|weeks?|months?|still no|fobbed)(?!\w)",
    re.IGNORECASE,
)
_SPECIFIC = re.compile(
    r"(?<!\w)(?:(?i:ward \w+|\w+ ward|unit|team|teams|crew|dr\.? [a-z]+|doctor [a-z]+|nurses?|midwi(?:fe|ves)|"
    r"paramedics?|porters?|cleaner|receptionist|sonographer|phlebotomist|radiographer|physio\w*|anaesthetist|"
    r"health visitor|chaplain|volunteers?|staff|special thanks|pass on our thanks|icu|clinic|hospice|a&e|"
    r"department|centre|hospital|service|surgery|practice|line)|"
    r"(?:thank you|thanks)(?: so much)?,? [A-Z][a-z]+|(?:the lovely|lady|man|nurse|midwife|doctor|dr) [A-Z][a-z]+|"
    r"[A-Z][a-z]+ and [A-Z][a-z]+|[A-Z][a-z]+ and the|"
    r"[A-Z][a-z]+,? (?:the|our|my|a) (?i:hca|healthcare assistant|health care assistant|sister|matron|"
    r"consultant|surgeon|registrar|pharmacist|gp|ward clerk|care assistant|student nurse|support worker))(?!\w)",
)
# "Any advice appreciated", "thanks in advance": a request's courtesy, not praise of anyone
_REQUEST_COURTESY = re.compile(
    r"(?<!\w)(?:(?:any|all) )?(?:advice|help|thoughts|tips|suggestions|info\w*|input|replies|answers|"
    r"recommendations|experiences?)(?: would be| is| are)?(?: (?:much|greatly|really|very much|hugely))? "
    r"appreciated(?!\w)|(?<!\w)would be (?:\w+ )?appreciated(?!\w)|(?<!\w)thanks? (?:you )?in advance(?!\w)",
    re.IGNORECASE,
)
_PRAISE = re.compile(
    r"(?<!\w)(?:thank\w*|grateful|amazing|incredible|brilliant|fantastic|wonderful|exceptional|kind\w*|lovely|"
    r"stars?|legends?|best|ace|superb|excellent|gentle|calm|efficient|friendly|lifeline|medal|respect|"
    r"appreciate\w*|magical|peaceful|caring|helpful|listened|smiling|unbelievable|respect|saved|held my hand|"
    r"got me|explained|shout ?out)(?!\w)",
    re.IGNORECASE,
)
_STAFF = (
    r"(?:nurses?|doctors?|gp|consultant|receptionists?|staff|paramedics?|midwi(?:fe|ves)|porters?|crew|"
    r"you|you lot|the lot of you|them|him|her|that \w+|those \w+|these \w+|dr \w+)"
)
_ABUSE = [
    (
        "insults staff",
        re.compile(
            r"(?<!\w)(?:idiots?|morons?|clowns?|scum|pricks?|bitch\w*|cow|thick|lazy|waste of (?:space|oxygen)|"
            r"pathetic (?:excuse|people)|power mad|jumped up|disgrace to)(?!\w)",
            re.IGNORECASE,
        ),
    ),
    (
        "threatens staff",
        re.compile(
            r"(?<!\w)(?:i'?ll (?:knock|find|get|hurt)|will find out which|watch your back|i know where you|"
            r"waiting for you|(?:should|should all) be shot|die in a fire|get what'?s coming|gets? what (?:she|he|they) deserves?|"
            r"need(?:s)? a slap|teach (?:those|them|you) \w* ?a lesson|want to hurt|regret it|"
            r"sues? you|hope (?:someone|you|he|she) \w+)(?!\w)",
            re.IGNORECASE,
        ),
    ),
    ("swears at staff", re.compile(r"(?<!\w)(?:fuck\w*|f\*+k|bastards?|twats?|cunts?)(?!\w)", re.IGNORECASE)),
]
_ABUSE_TARGET = re.compile(_STAFF, re.IGNORECASE)


def _first_of(rules: list[tuple[str, re.Pattern[str]]]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regular expression for a list of (reason, pattern): one search per post instead of one per rule.

    The rules all start with the same "no word character before" check; it is tested once per position, before
    the alternatives, instead of once per rule (same matches, a third less time).
    """
    groups = {f"r{i}": reason for i, (reason, _) in enumerate(rules)}
    patterns = [pattern.pattern for _, pattern in rules]
    start = next(s for s in (r"(?<![\w])", r"(?<!\w)") if all(p.startswith(s) for p in patterns))
    joined = "|".join(f"(?P<r{i}>{pattern[len(start) :]})" for i, pattern in enumerate(patterns))
    return re.compile(f"{start}(?:{joined})", re.IGNORECASE), groups


_SAFEGUARDING_ANY, _SAFEGUARDING_REASONS = _first_of(_SAFEGUARDING)
_ABUSE_ANY, _ABUSE_REASONS = _first_of(_ABUSE)
# Each searched only in posts that have one of the words it needs (gates.py): same matches, a fraction of the time.
_SAFEGUARDING_GATED, _ABUSE_GATED, _QUESTION_WORDS_GATED = map(
    GatedPattern, (_SAFEGUARDING_ANY, _ABUSE_ANY, _QUESTION_WORDS)
)
_COMPLAINT_GATED, _PRAISE_GATED, _SPECIFIC_GATED = map(GatedPattern, (_COMPLAINT, _PRAISE, _SPECIFIC))
# A word at least one of which every abuse rule needs: most posts skip the abuse rules after one set lookup.
_ABUSE_WORDS = frozenset(
    [
        "idiot",
        "idiots",
        "moron",
        "morons",
        "clown",
        "clowns",
        "scum",
        "prick",
        "pricks",
        "bitch",
        "bitches",
        "cow",
        "thick",
        "lazy",
        "waste",
        "pathetic",
        "power",
        "jumped",
        "disgrace",
        "knock",
        "find",
        "get",
        "hurt",
        "watch",
        "know",
        "waiting",
        "shot",
        "fire",
        "coming",
        "deserve",
        "deserves",
        "slap",
        "lesson",
        "regret",
        "sue",
        "sues",
        "hope",
        "fuck",
        "fucking",
        "fucked",
        "fucker",
        "fuckers",
        "f",
        "bastard",
        "bastards",
        "twat",
        "twats",
        "cunt",
        "cunts",
    ]
)
# Words without which a post that has no "?" cannot be a request (see _QUESTION).
_REQUEST_WORDS = frozenset(
    ["can", "could", "please", "who", "how", "where", "is", "ring", "call", "get", "dm", "sort", "we"]
)


class TriageFlagger:
    """``flags(text, sentiment, themes)`` -> {flag: reason}."""

    def flags(
        self,
        text: str,
        sentiment: Sentiment,
        themes: Mapping[str, float],
        tokens: list[str] | None = None,
        runs: list[str] | None = None,
        article: bool = False,
    ) -> dict[str, str]:
        """Flags and their reasons; ``tokens`` are phrases.words(text) and ``runs`` gates.letter_runs(text), both
        computed once by the caller. A news ``article`` is about an organisation, not addressed to it, so it never
        gets ``needs_response``."""
        tokens = words(text) if tokens is None else tokens
        if not tokens:
            return {}
        runs = trusted(text, letter_runs(text) if runs is None else runs)
        found: dict[str, str] = {}
        match = _SAFEGUARDING_GATED.search(text, runs)
        if match:
            found["safeguarding"] = f'{_SAFEGUARDING_REASONS[match.lastgroup]}: "{match.group(0)}"'
        abuse = None if _ABUSE_WORDS.isdisjoint(tokens) else _abuse(text, runs)
        if abuse:
            found["abuse_of_staff"] = abuse
        about_care = NOT_ABOUT_CARE not in themes
        if not article:
            response = (
                "a safeguarding concern about care"
                if "safeguarding" in found and about_care
                else _needs_response(text, sentiment, themes, tokens, runs)
            )
            if response:
                found["needs_response"] = response
        praise = _praise(text, sentiment, runs) if about_care else None
        if praise:
            found["praise_to_share"] = praise
        return found


def _abuse(text: str, runs: list[str] | None) -> str | None:
    match = _ABUSE_GATED.search(text, runs)
    if match is None or not _ABUSE_TARGET.search(text):
        return None
    return f'{_ABUSE_REASONS[match.lastgroup]}: "{match.group(0)}"'


def _needs_response(
    text: str, sentiment: Sentiment, themes: Mapping[str, float], tokens: list[str], runs: list[str] | None
) -> str | None:
    """A question or request (unless only about news, jobs or campaigns), or a complaint about care."""
    if "?" in text:
        question = _QUESTION.search(text)
    else:  # only the words can match, and they are gated
        asks = not _REQUEST_WORDS.isdisjoint(tokens)
        question = _QUESTION_WORDS_GATED.search(text, runs) if asks else None
    only_social = NOT_ABOUT_CARE in themes and any(t in SOCIAL_THEMES for t in themes)
    if question and (not only_social or _ADDRESSED.search(text)):
        return f'asks a question or makes a request: "{question.group(0)}"'
    if NOT_ABOUT_CARE not in themes and (sentiment.label == "negative" or sentiment.score <= -0.3):
        complaint = _COMPLAINT_GATED.search(text, runs)
        if complaint:
            return f'complaint about care: "{complaint.group(0)}"'
    return None


def _praise(text: str, sentiment: Sentiment, runs: list[str] | None) -> str | None:
    """Praise words and a specific person, team or place, in a post that is not negative overall."""
    if sentiment.label == "negative" and sentiment.score < 0.2:
        return None
    if sentiment.label == "neutral" and sentiment.score < 0.1:
        return None
    praise = _PRAISE_GATED.search(text, runs)
    if praise and _REQUEST_COURTESY.search(text):
        text = _REQUEST_COURTESY.sub(" ", text)
        runs = None if runs is None else letter_runs(text)
        praise = _PRAISE_GATED.search(text, runs)
    specific = _SPECIFIC_GATED.search(text, runs) if praise else None
    if praise and specific:
        return f'praises "{specific.group(0)}" ("{praise.group(0)}")'
    return None
