"""Triage flags, each with a short reason a comms team can read at a glance.

- ``safeguarding``: self-harm, suicide, abuse, neglect or violence. Recall comes first: a missed post is far worse
  than one read needlessly, so the phrases are broad and sentiment is not consulted.
- ``needs_response``: a question, request or complaint for the organisation (triage_requests.py).
- ``praise_to_share``: specific praise of a team, ward, service or named person, worth passing on to staff
  (triage_praise.py).
- ``abuse_of_staff``: insults, threats or slurs aimed at staff (triage_abuse.py).

The rules are regular expressions; the trade-offs measured on the project's labelled posts are in docs/scoring.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from listener.scoring.base import Sentiment
from listener.scoring.gates import FirstMatch, letter_runs, trusted
from listener.scoring.phrases import words
from listener.scoring.themes import NOT_ABOUT_CARE, SOCIAL_THEMES
from listener.scoring.triage_abuse import abuse_of_staff
from listener.scoring.triage_praise import praise_to_share
from listener.scoring.triage_requests import (
    addressed,
    complaint,
    greeting,
    handle,
    names_service,
    names_staff,
    organisation_handle,
    public_question,
    request_or_question,
)


def _words(*phrases: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])(?:" + "|".join(phrases) + r")(?![\w])", re.IGNORECASE)


def _in_chunks(reason: str, *phrases: str, size: int = 12) -> list[tuple[str, re.Pattern[str]]]:
    """(reason, pattern) rules of at most ``size`` phrases each, in order: each gets a pre-check of its own
    (gates.FirstMatch), which passes far fewer posts than one over all of a kind's phrases."""
    return [(reason, _words(*phrases[i : i + size])) for i in range(0, len(phrases), size)]


# Safeguarding, by the kinds of harm NHS safeguarding training names (self-harm and suicide risk; physical, sexual,
# emotional, financial and domestic abuse; neglect and acts of omission; a vulnerable person missing or sent home
# unsafely; violence and threats), each written as the ways people say it in public posts. Recall comes first.
_PERSON = r"(?:me|her|him|them|us|my \w+|his \w+|their \w+|our \w+|the (?:kids?|children|baby|patients?|residents?))"
_KIN = r"(?:my|his|her|their|our) (?:\w+ )?\w+"  # "my dad", "her little boy"
_SAFEGUARDING = [
    *_in_chunks(
        "mentions suicide or wanting to die",
        r"suicid\w*",
        r"kms",
        r"kill(?:ing|ed)? (?:myself|himself|herself|themselves)",
        r"end(?:ing|ed)? (?:it all|my life|his life|her life|their life|things|it)",
        r"(?:take|took|taking) (?:my|his|her|their) (?:own )?life",
        r"tried to (?:hang|kill|end|take|drown|jump)\w*",
        r"(?:hang|hanged|hung|hanging) (?:myself|himself|herself|themselves)",
        r"want(?:s|ed)? to (?:die|end it|be dead|disappear)",
        r"want(?:s|ed)? (?:it all|everything|it) to (?:end|stop)",
        r"(?:don'?t|do not|doesn'?t|does not|didn'?t) want to (?:be here|live|wake up|be alive|go on|exist)",
        r"(?:don'?t|do not|doesn'?t|does not|can'?t|cannot) see (?:the|a|any) point",
        r"what'?s (?:even )?the point(?: any ?more| of (?:anything|living|it all|going on))?(?= *(?:[.!?,\n@#]|$))",
        r"no point (?:in )?(?:living|going on|being here|any ?more)",
        r"better off dead",
        r"better off without (?:me|him|her|us)",
        r"not (?:be|being) (?:here|around) anymore",
        r"(?:a )?burden to every\w*",
        r"wrote my letters",
        r"(?:taking|took|take|swallowed) all (?:my|his|her|the) (?:tablets|pills|meds)",
        r"all my tablets",
        r"overdos\w*",
        r"nobody would (?:notice|care|miss me)",
        r"if i live or die",
        r"i'?m done with (?:life|everything|it all)",
        r"can'?t go on like this",
        r"can'?t keep going",
        r"can'?t cope(?: any ?more)?",
        r"can'?t (?:take|do) (?:it|this) anymore",
        r"(?:how much )?longer i can (?:keep going|go on|cope|take (?:it|this))",
        r"walk(?:ing)? out and (?:not|never) (?:com(?:e|ing) back|return\w*)",
        r"now (?:he|she|they)(?:'s| is|'re| are) gone",
        r"(?:drinking|using|self[- ]harming) again",
        r"relaps\w*",
    ),
    *_in_chunks(
        "mentions self-harm",
        r"self[- ]?harm\w*",
        r"(?:cut|cutting|burn|burning|burnt|hurt|hurting|harm|harming|starv\w*) "
        r"(?:myself|herself|himself|themselves)",
        r"been cutting",
    ),
    *_in_chunks(
        "mentions abuse or assault",
        r"abus(?:e|es|ed|ing|ive|er|ers)",
        r"sexual(?:ly)? (?:abus|assault|harass|exploit|touch|inappropriat)\w*",
        r"rap(?:e|ed|ist)",
        r"molest\w*",
        r"grop(?:e|ed|ing)",
        r"groom(?:ed|ing)",
        r"touched (?:me|her|him|them) (?:up|inappropriately)",
        r"inappropriately touch\w*",
        r"got (?:punched|hit|slapped|attacked|assaulted|headbutted|bitten|spat on|stabbed)",
        r"touch(?:es|ed)? (?:me|her|him|them) (?:funny|inappropriately|up|there)",
        r"touches (?:me|her|him|them)",
        r"(?:were|was|got|been|being) (?:swore|sworn) at",
        r"punch(?:ed|ing)",
        r"(?:hits|hit|hitting|beats|beat|beating|beaten|slaps?|slapped|punch(?:es|ed)?|"
        r"kick(?:s|ed)|shoved|grabbed|strangl\w*|chok(?:ed|ing)|throttl\w*|spat at|spitting at|hurts|hurting) "
        + _PERSON,
        r"(?:hurt|hit|hitting|beat|beating) (?:his|her|their) (?:wife|husband|partner|girlfriend|boyfriend|kids?|"
        r"children|son|daughter|mum|mother|dad|father)",
        r"(?:domestic|coercive|controlling) (?:abuse|violence|behaviour)",
        r"scared to go home",
        r"scammed",
        r"(?:took|takes|taking|stole|steals|stealing) (?:money|\w+'?s (?:money|pension|bank card)|"
        r"(?:his|her|their) (?:money|pension|bank card|savings))",
        r"stole from",
        r"stealing from",
        r"financial(?:ly)? (?:abuse|exploit\w*)",
        r"exploit(?:ed|ing|ation)",
        r"traffick\w*",
        r"modern slavery",
        r"fgm",
        r"forced (?:to marry|marriage)",
        r"(?:shouted|shouting|screamed|screaming|swore|swearing|yelled|yelling) at (?:her|him|them|"
        + _KIN
        + r")",
        r"(?:belittl|humiliat|bull(?:y|ied|ying))\w*",
    ),
    *_in_chunks(
        "possible neglect",
        r"neglect\w*",
        r"(?:in|lying in|sitting in|left in) (?:his|her|their|my) own (?:urine|wee|faeces|poo|mess|excrement|"
        r"vomit|sick|waste)",
        r"left (?:alone|on (?:his|her|their) own|in (?:a )?(?:soiled|wet|dirty)|in (?:her|his|their) own|"
        r"without)",
        r"soil(?:ed|ing)",
        r"soaked (?:through|in urine)",
        r"(?:wet|dirty) (?:sheets|bed|pads?|nightie|pyjamas)",
        r"(?:pressure|bed) ?(?:sores?|ulcers?)",
        r"(?:dehydrat|malnourish|malnutrition)\w*",
        r"(?:left|was|were|is|are|been|being) (?:\w+ )?starv\w*",
        r"no (?:food|water|drink|food or water|pain ?relief|painkillers)",
        r"(?:without|no) (?:(?:her|his|their|my) )?(?:insulin|meds|medication|medicine|tablets|painkillers|"
        r"pain ?relief|inhaler|oxygen|food|water|a drink)",
        r"ran out of (?:my|his|her|their) (?:\w+ )?(?:meds|medication|insulin|tablets|inhaler|prescription)",
        r"refused (?:to (?:prescribe|give) )?(?:\w+ ){0,3}(?:painkillers|pain ?relief|medication|meds|insulin)",
        r"went without",
        r"nobody(?:'s| has| had| have)? (?:been )?(?:washed|changed|fed|turned|checked|noticed|helped|helps|came|"
        r"come|been to)",
        r"no[ -]one(?:'s| has| had| have)? (?:been )?(?:washed|changed|fed|turned|checked|noticed|helped|helps)",
        r"(?:hasn'?t|haven'?t|hadn'?t|not) (?:been )?(?:eaten|drunk|washed|changed|fed|turned|given (?:a |any )?"
        r"(?:drink|food|water|meds|medication|pain ?relief))",
        r"(?:water|jug|drink)s? (?:\w+ ){0,4}(?:always |still )?(?:empty|out of reach)",
        r"(?:lips are cracked|cracked lips)",
        r"can'?t reach (?:the|his|her|their|my) (?:water|drink|jug|buzzer|call bell|bell)",
        r"(?:tray|food|meal)s? (?:just )?(?:gets? |got |being )?(?:taken away|left) (?:full|untouched|out of reach)",
        r"look(?:s|ed)? hungry",
        r"(?:unexplained|can'?t explain) (?:the )?(?:bruis|injur|marks?)\w*",
        r"bruis(?:es|ed|ing)",
        r"found (?:wandering|on the floor|collapsed)",
        r"fell (?:out of bed|on the ward|in the (?:ward|bay|toilet|shower|corridor)|over again)",
        r"wound (?:smells|stinks|is (?:infected|weeping|rotting))",
        r"(?:hasn'?t|not) been (?:seen|checked) (?:for|in) (?:\d+|two|three|four|five|six|several) (?:days|weeks)",
        r"no one noticed",
        r"barely (?:eaten|eating|eats|drinking|drunk)",
        r"(?:stopped|not) (?:eating|drinking)",
        r"(?:hides|hiding|stays|staying) in (?:her|his|their) room",
        r"(?:doesn'?t|won'?t|does not) leave (?:her|his|their) room",
        r"no visits",
    ),
    *_in_chunks(
        "a vulnerable person missing or sent home unsafely",
        r"missing (?:person|man|woman|patient|child|boy|girl|teen\w*|since|after|from)",
        r"(?:man|woman|patient|boy|girl|child|person|gentleman|lady) missing",
        r"(?:went|gone|is|was|has gone|have gone|been reported) missing",
        r"discharged (?:\w+ ){0,6}(?:at (?:night|midnight|\d+ ?(?:pm|am))|with no (?:coat|keys|support|care|"
        r"package|follow)|to an empty (?:house|flat|home)|in (?:her|his|their) (?:nightie|nightdress|pyjamas|gown)|"
        r"(?:when|while|though) (?:she|he|they) (?:couldn'?t|could not|can'?t))",
        r"sent (?:her|him|them|my \w+) home (?:\w+ ){0,3}(?:alone|to an empty|when (?:she|he|they) couldn'?t)",
        r"no follow[- ]?up",
        r"vulnerable (?:adult|person|patient|man|woman|child|children)",
    ),
    *_in_chunks(
        "mentions violence or a safety risk",
        r"isn'?t staff",
        r"(?:don'?t|doesn'?t|didn'?t) feel (?:he|she|they|it) (?:is|was|are) safe",
        r"(?:don'?t|doesn'?t|didn'?t|do not|never) feel safe",
        r"not safe",
        r"unsafe",
        r"threat(?:s|ened|ening)? (?:to (?:kill|hurt|hit|harm|stab|attack)|me|her|him|them|us|the|our|nurses|"
        r"staff|my|by)",
        r"(?:death|violent) threats?",
        r"threatening behaviou?r",
        r"violen\w*",
        r"attack(?:ed|ing|s)? (?:me|her|him|them|us|my|his|their|our|a|the|staff|nurses?|doctors?|by)",
        r"(?:was|were|got|been|being) attacked",
        r"an attack on",
        r"assault\w*",
        r"weapons?",
        r"knife",
        r"stab(?:bed|bing)?",
        r"(?:i'?ll|i will|i'?m going to|i am going to|gonna) (?:hurt|kill|batter|smash|knock|be waiting for) "
        r"(?:you|him|her|them|that|the|those|every)",
        r"(?:i )?know where (?:you|she|he|they|that \w+|the \w+) (?:live|lives|park|parks|work|works)",
        r"where (?:that|the|this|your) \w+ (?:lives|parks)",
        r"knows? what car",
        r"knows? where (?:\w+ ){0,5}(?:lives?|parks?)",
        r"(?:have|see|meet) (?:me|you|him|her) outside",
        r"watch (?:your|his|her|their) backs?",
        r"(?:consider yourselves?|you'?ve been|you have been) warned",
        r"kick(?:ing|ed)? off",
        r"(?:scared|terrified|frightened) (?:of (?:him|her|them|going back)|for (?:him|her|them|my \w+)|"
        r"to go (?:home|back))",
        r"(?:he'?s|she'?s|they'?re|is|was|were) terrified",
    ),
]


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
# Safeguarding has so many phrases that one pattern over all of them is slow and its pre-check passes most posts;
# each kind of harm is checked on its own (FirstMatch gives the same match as _SAFEGUARDING_ANY, tested).
_SAFEGUARDING_FIRST = FirstMatch(_SAFEGUARDING)


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
        concern: float | None = None,
    ) -> dict[str, str]:
        """Flags and their reasons; ``tokens`` are phrases.words(text) and ``runs`` gates.letter_runs(text), both
        computed once by the caller. A news ``article`` is about an organisation, not addressed to it, so it never
        gets ``needs_response``. ``concern`` is the safeguarding model's probability when it reaches the model's
        threshold (None otherwise): the post is flagged even if no rule phrase matches, since recall comes first."""
        tokens = words(text) if tokens is None else tokens
        if not tokens:
            return {}
        runs = trusted(text, letter_runs(text) if runs is None else runs)
        found: dict[str, str] = {}
        first = _SAFEGUARDING_FIRST.search(text, runs)
        if first:
            reason, match = first
            found["safeguarding"] = f'{reason}: "{match.group(0)}"'
        elif concern is not None:
            found["safeguarding"] = f"reads like a safeguarding concern (model score {concern:.2f})"
        abuse = abuse_of_staff(text, runs)
        if abuse:
            found["abuse_of_staff"] = f"{abuse[0]}: {quote(abuse[1])}"
        about_care = NOT_ABOUT_CARE not in themes
        praise = praise_to_share(text, _reads_negative(sentiment), runs) if about_care else None
        if praise:
            found["praise_to_share"] = f"praises {quote(praise[0])} ({quote(praise[1])})"
        if not article:
            # a threat to staff, or thanks for how a concern was handled, is not a concern about someone's care
            concern = "safeguarding" in found and about_care and not (abuse or praise)
            response = (
                "a safeguarding concern about care"
                if concern
                else _needs_response(text, sentiment, themes, runs, praise is not None, abuse is not None)
            )
            if response:
                found["needs_response"] = response
        return found


def _reads_negative(sentiment: Sentiment) -> bool:
    return sentiment.label == "negative" or sentiment.score <= -0.3


def _needs_response(
    text: str,
    sentiment: Sentiment,
    themes: Mapping[str, float],
    runs: list[str] | None,
    praised: bool,
    abusive: bool,
) -> str | None:
    """A request or question (unless only about news, jobs or campaigns), or a complaint about care: addressed to
    the organisation by its handle, or saying what went wrong. Praise that mentions a wait is not a complaint."""
    about_care = NOT_ABOUT_CARE not in themes
    if not about_care and not names_service(text, runs):  # nothing of the NHS to answer for (a handle counts)
        return None
    if public_question(text, runs):
        return None
    asked = request_or_question(text, runs)
    if asked == "?" and praised:  # "what would we do without them?": a rhetorical question in thanks
        asked = None
    if asked:
        only_social = not about_care and any(t in SOCIAL_THEMES for t in themes)
        # (a post not about care gets here only when it names a service: see above)
        if not only_social or addressed(text):
            return f"asks a question or makes a request: {quote(asked)}"
    if praised:
        return None
    handles = "@" in text
    hello = greeting(text) if handles else None
    if hello:
        return f"a message to the organisation: {quote(hello)}"
    negative = _reads_negative(sentiment)
    if not about_care:
        to = organisation_handle(text) if handles and (negative or abusive) else None
        return f"complaint addressed to {quote(to)}" if to else None
    named = names_service(text, runs)
    if abusive and not named:  # insults with no organisation named: nothing to answer
        return None
    if handles and (negative or abusive):
        to = organisation_handle(text) or (handle(text) if named else None)
        if to:
            return f"complaint addressed to {quote(to)}"
    what = complaint(text, runs, negative) if named or names_staff(text, runs) else None
    return f"complaint about care: {quote(what)}" if what else None


def quote(words: str, limit: int = 60) -> str:
    """Matched words in quotes, cut short so a reason stays readable at a glance."""
    words = " ".join(words.split())
    return f'"{words if len(words) <= limit else words[: limit - 3].rstrip() + "..."}"'
