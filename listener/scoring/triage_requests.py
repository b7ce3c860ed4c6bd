"""``needs_response``: a question or request to the organisation, or a complaint about care.

How people ask an organisation for something varies more than any word list: "please sort this", "explain
yourselves", "who do I speak to", "I want answers", "@Trust your letter came after the appointment". So there are
three ways in:

- a request, in words that ask someone to act or answer, with or without a "?";
- a question ("?") that is not put to the public: "anyone know...?", "genuine question: ..." ask other people,
  not the organisation;
- a complaint: a negative post about care that either addresses the organisation by its handle, or says what went
  wrong in words a complaints team would recognise (treated like, spoke to me like, sent home, lost my, wrong
  dose, nobody told us, never again...).
"""

from __future__ import annotations

import re

from listener.scoring.gates import GatedPattern, word_pattern

_ME = r"(?:me|us|him|her|them|my \w+|our \w+)"
_REQUESTS = (
    r"(?:can|could|would|will) (?:someone|anyone|somebody|you|u|i|we)(?! just say)",
    r"please (?:can|could|help|call|ring|confirm|tell|sort|explain|advise|look|get|contact|pass|warn|fix|respond|"
    r"reply|answer|do|stop|let|check|send|update|what|someone|somebody|review|investigate|apologi[sz]e)",
    r"(?:who|where|how) (?:do|can|should|would) (?:i|we)",
    r"what (?:do|should|can) (?:i|we) do",
    r"is there (?:a way|any way|anyone|someone|anything)",
    r"is (?:it|this|that|the) (?:open|real|allowed|still|normal)",
    r"do (?:i|we) need to",
    r"(?:ring|call|phone|email|dm|message|contact) me(?: back)?",
    r"get back to (?:me|us)",
    r"sort (?:it|this|that) out",
    r"sort (?:this|it)",
    r"(?:explain|justify) (?:yourselves|yourself|this|why)",
    r"(?:i|we) (?:want|need|demand|deserve) (?:answers|an answer|an explanation|an apology|to know|to complain|"
    r"to speak|to talk|to change)",
    r"you (?:need|have|ought) to (?:answer|explain|apologi[sz]e|sort|fix|respond|reply|look into|do something)",
    r"apologi[sz]e to",
    r"(?:answer|return) (?:my|our|the|your) (?:calls?|emails?|phone|messages?|letters?)",
    r"(?:urgently|desperately) need",
    r"(?:any|an) update on",
    r"(?:i'?d|i would|i want to|i wish to|we'?d|we would|we want to) (?:like to )?(?:make|raise|lodge|file) a (?:formal )?complaint",
    r"(?:i|we) (?:want|wish|would like) to complain",
    r"(?:who|whoever) (?:at|in) (?:the )?\w+(?: \w+)? (?:decided|thought|approved|signed off)",
    r"whoever decided",
)
REQUEST = word_pattern(*_REQUESTS)
# Questions put to other people rather than the organisation ("anyone know...?", "honest question: ...").
_PUBLIC_QUESTION = word_pattern(
    r"(?:does|has|did|is|can|will|would) (?:anyone|anybody)",
    r"(?:anyone|anybody) (?:know|knows|been|had|have|else|tried|got|recommend|used|seen|here|out there)",
    r"(?:genuine|honest|serious|random|daft|stupid) question",
    r"just curious",
    r"asking for a friend",
    r"am i the only one",
    r"is it just me",
    r"can you believe",
    r"maybe try",
    r"who (?:trains|hires|employs) these",
)
_HANDLE = re.compile(r"(?<![\w@])@\w+")
# A handle that reads as an NHS organisation's: @GSTTnhs, @LeedsHospitals, @OakTreeMedical, @NorthAmbulance...
_ORGANISATION = r"@\w*(?:nhs|hosp|health|trust|amb|surgery|medical|clinic|practice|infirmary|pharm|111|utc|gp|mh)\w*|@\w+ft(?!\w)"
_ORGANISATION_HANDLE = re.compile(rf"(?<![\w@])(?:{_ORGANISATION})", re.IGNORECASE)
# A post that opens by greeting an organisation is a message to it: "hey @Northgate_Surgery ..."
_GREETING = re.compile(rf"^\W*(?:hi|hey|hello|dear|morning|evening)\W+(?:{_ORGANISATION})", re.IGNORECASE)
# Capitalised words after "at" or "from" that are not places: "at Christmas", "from Monday".
_NOT_PLACES = (
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|January|February|March|April|May|June|July|August|September|"
    r"October|November|December|Christmas|Xmas|Easter|Home|Work|School|Uni|Night|Last|First|The End)\b"
)
# A service or organisation named in words ("the ward", "A&E", "at Greenvale", "St Mary's"), where a question or
# complaint has someone to answer it.
_SERVICE_WORDS = GatedPattern(
    word_pattern(
        r"nhs|hospitals?|infirmary|surgery|gp|gps|practice|medical centre|health centre|clinic|a&e|ward|ambulance|"
        r"paramedics?|trust|pharmacy|walk[- ]in|urgent treatment centre|utc|maternity|mental health|camhs|"
        r"crisis (?:team|line)|district nurses?|health visitors?|dentist|dental|outpatients?|reception|receptionists?"
    )
)
_SERVICE_NUMBERS = re.compile(r"(?<!\w)(?:111|999)(?!\w)")
# Case matters here: a capitalised name is a place, "at the general" is not.
_PLACE_NAMED = re.compile(
    r"(?<!\w)(?:the (?:Royal|General|Infirmary)|[A-Z]\w+ (?:General|Royal|Infirmary)|St\.? [A-Z]\w+|"
    r"(?i:at|from) (?:the )?(?!" + _NOT_PLACES + r")[A-Z][a-z]+(?: [A-Z][a-z]+)*)(?!\w)"
)
# Staff by role: a complaint about "the consultant" is about the service they work in.
_STAFF_NAMED = re.compile(
    r"(?<!\w)(?:consultants?|doctors?|drs?|nurses?|midwi(?:fe|ves)|helpline|radiographers?|surgeons?|"
    r"physios?|pharmacists?|call handlers?|crews?|carers?|porters?|security)(?!\w)",
    re.IGNORECASE,
)
_ADDRESSED = re.compile(r"(?<![\w@])@\w+|(?<!\w)(?:you|your|yourselves|dear)(?!\w)", re.IGNORECASE)
_N = r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|multiple|so many|countless)"
# What went wrong, said so plainly that the post is a complaint whatever its overall tone.
_FAILURES = (
    # how someone was treated
    rf"(?:treated|spoke to|speaks to|spoken to|talked to|talks to|looked at) {_ME} like",
    r"treated like (?:a|an|dirt|rubbish|cattle)",
    r"(?:talked|spoke|speaks) down to",
    r"(?:shouted|screamed|snapped|yelled|laughed|swore) at",
    r"rolled (?:her|his|their) eyes",
    r"(?:hung|hang|hangs|hanging) up on",
    rf"(?:ignored|dismissed|belittled|humiliated|fobbed off|brushed off|turned away|kicked out) {_ME}",
    rf"(?:sent|turned|kicked) {_ME} (?:home|away|out)",
    r"(?:got|was|were) kicked out",
    r"(?:need|needs) to learn",
    r"no (?:manners|compassion|empathy|dignity|respect|urgency)",
    # what went wrong
    r"lost (?:my|his|her|our|their)",
    r"(?:have|has|they'?ve) lost",
    r"(?:the|a) wrong \w+",
    r"wrong (?:dose|strength|medication|meds|drugs?|tablets|diagnosis|leg|arm|side|patient|results?|name|date|address)",
    r"misdiagnos\w*",
    r"(?:nobody|no one|no-one|noone) (?:told|tells|came|comes|rang|rings|called|calls|checked|checks|answers|answered|"
    r"replies|replied|listens|listened|cares|cared|had|has|will|is|tops|phoned|returns|returned|got back|helps|"
    r"bothered|explained|introduced)",
    r"(?:don'?t|doesn'?t|didn'?t|never|won'?t|wouldn'?t) (?:return|answer|reply|respond|call back|ring back|"
    r"get back|listen|come|turn up|bother|explain|check|tell)",
    r"not (?:turn up|listened|returned|answered|told|offered|checked|seen)",
    r"no (?:reply|response|answer|call ?back|callback|follow[- ]?up|apology|explanation|updates?|word|one came|"
    r"blankets?|water|food|soap)",
    r"(?:still|yet) (?:no|not|nothing|waiting|haven'?t|hasn'?t|no word)",
    rf"(?:rang|called|phoned|asked|chased|emailed|explained|told them) {_N} times",
    rf"{_N} times (?:i'?ve|i have|we'?ve|we have|now)",
    r"(?:emailed|rang|called|phoned|written|wrote|chased|complained)(?: \w+){0,4} (?:twice|three times|again)",
    r"heard nothing",
    rf"made {_ME} feel (?:like|stupid|small|worthless|silly|guilty|ashamed|invisible|a nuisance)",
    r"wasting (?:his|her|their|your) time",
    r"never (?:again|going back|coming back|going to (?:the|that)|using)",
    r"not (?:coming|going) back",
    r"(?:nearly|almost) (?:died|killed|lost)",
    r"killed (?:him|her|them|my \w+)",
    r"in agony",
    r"could have (?:died|killed|been serious|been fatal)",
    r"(?:should|ought to) be ashamed",
    r"shame on",
    r"how dare",
    rf"(?:failed|let down|failing) {_ME}",
    rf"let {_ME} down",
    r"not (?:good enough|acceptable|ok|okay|on|right|fair)",
    r"(?:make|made|making|raise|raised|lodge|lodged|file|filed) a (?:formal )?complaint",
    r"formal complaint",
)
# Words of complaint that also turn up in mixed or neutral posts: a complaint only in a post that reads negative.
_COMPLAINT_WORDS = (
    r"(?:\d+(?:st|nd|rd|th)|third|fourth|fifth) (?:time|day|week)",
    r"every (?:single )?(?:time|day)",
    r"(?:all )?appointments? (?:gone|taken)",
    r"no appointments?",
    r"(?:can'?t|cannot|couldn'?t) get (?:an? |through|hold)",
    r"(?:was|were|always|arrived|came) late",
    r"(?:doesn'?t|does not|don'?t|didn'?t|never) work",
    r"not working",
    r"out of order",
    r"had to wait (?:over |nearly |almost |more than )?(?:\d+|two|three|four|five|six|hours|days|weeks|months)",
    r"short[- ]staffed|short of staff|understaffed",
    r"took (?:over |nearly |almost |more than )?(?:\d+|two|three|four|five|six|ages|forever) (?:hours?|days|weeks|months)",
    r"for (?:over |nearly |almost |more than )?(?:\d+|two|three|four|five|six) (?:hours|days|weeks|months|years)",
    r"(?:\d+|two|three|four|five|six) (?:hours|days|weeks|months|years) (?:later|and still|on a|in a corridor)",
    r"complain\w*",
    r"waited",
    r"(?:been|still|kept|left) waiting",
    r"waiting (?:since|over|more than)",
    r"waiting for (?:a|an|my|the|any) (?:call|call back|callback|reply|response|letter|appointment|results?|referral|"
    r"ambulance|bed|update)",
    r"(?:week|day|month) (?:\d+|two|three|four|five|six) of",
    rf"{_N} attempts",
    r"black and blue",
    r"cancel+ed",
    r"refused",
    r"on hold",
    r"cut me off",
    r"rings? out|ringing out",
    r"fobbed",
    r"(?:fuming|livid|furious|seething|outraged|disgusted|raging|angry|cross|not impressed|(?:very|really|so) "
    r"disappointed)",
    r"(?:rude\w*|unprofessional|dismissive|disgrace\w*|appalling|useless|filthy|disgusting|scandal\w*|unacceptable|"
    r"terrible|awful|worst|shocking|shambles|shambolic|heartless|negligen\w*|incompetent|horrendous|dreadful|diabolical|"
    r"atrocious|cruel|inhumane|undignified|patronising|condescending|arrogant|freezing|a joke)",
)
FAILURE = word_pattern(*_FAILURES)
COMPLAINT = word_pattern(*_FAILURES, *_COMPLAINT_WORDS)
_REQUEST_GATED, _PUBLIC_GATED, _FAILURE_GATED, _COMPLAINT_GATED = map(
    GatedPattern, (REQUEST, _PUBLIC_QUESTION, FAILURE, COMPLAINT)
)
# most posts have none of the words these need ("at", "from", "general"...; "nurse", "crew"...): a bit test each
_PLACE_NAMED_GATED, _STAFF_NAMED_GATED = map(GatedPattern, (_PLACE_NAMED, _STAFF_NAMED))


def request_or_question(text: str, runs: list[str] | None) -> str | None:
    """The words that ask for something (a request, or a "?"), or None; see public_question for questions that
    ask other people rather than the organisation."""
    request = _REQUEST_GATED.search(text, runs)
    if request:
        return request.group(0)
    return "?" if "?" in text else None


def greeting(text: str) -> str | None:
    """The greeting, when a post opens by greeting an organisation's handle ("hey @Northgate_Surgery")."""
    match = _GREETING.search(text)
    return match.group(0) if match else None


def public_question(text: str, runs: list[str] | None) -> bool:
    """A question put to other people ("anyone know...?") and to no organisation's handle."""
    return _PUBLIC_GATED.search(text, runs) is not None and not _HANDLE.search(text)


def names_service(text: str, runs: list[str] | None) -> bool:
    """Whether the post names an NHS organisation or service: in words, by name, or by an organisation's handle.
    ``runs``: gates.letter_runs of the text (or None)."""
    return (
        _SERVICE_WORDS.search(text, runs) is not None
        or ("@" in text and _ORGANISATION_HANDLE.search(text) is not None)
        or (("111" in text or "999" in text) and _SERVICE_NUMBERS.search(text) is not None)
        or _PLACE_NAMED_GATED.search(text, runs) is not None
    )


def names_staff(text: str, runs: list[str] | None = None) -> bool:
    """Whether the post names staff by role ("the consultant", "nurses", "the helpline"). ``runs``: as for
    names_service."""
    return _STAFF_NAMED_GATED.search(text, runs) is not None


def organisation_handle(text: str) -> str | None:
    """The first handle that reads as an NHS organisation's, if any."""
    match = _ORGANISATION_HANDLE.search(text) if "@" in text else None  # every handle starts with "@"
    return match.group(0) if match else None


def addressed(text: str) -> bool:
    """Whether the post speaks to someone: a handle, "you", "your", "dear"."""
    return _ADDRESSED.search(text) is not None


def handle(text: str) -> str | None:
    """The first @handle in the post, if any."""
    match = _HANDLE.search(text)
    return match.group(0) if match else None


def complaint(text: str, runs: list[str] | None, negative: bool) -> str | None:
    """Words that say what went wrong (any word of complaint when the post reads ``negative``), or None."""
    match = (_COMPLAINT_GATED if negative else _FAILURE_GATED).search(text, runs)
    return match.group(0) if match else None
