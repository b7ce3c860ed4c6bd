"""The words around a name that say whose it is: a member of staff ("Nurse Ali", "Sarah Jones, ward sister"), a
place ("John Radcliffe Hospital"), or a patient or relative ("patient Tom", "Mr Okoro in bed 4", "Tom (82)",
"looking after Gwen", "Lorraine's biopsy").

Each test looks at most ``WINDOW`` characters before a name or matches a pattern with bounded quantifiers right
after it, so each costs a constant amount of work whatever the length of the text.
"""

from __future__ import annotations

import re

WINDOW = 40  # characters looked at before a name: enough for the longest pattern that must end there


def word_set(text: str) -> set[str]:
    """The words of a text written as a list in the source ("Nurse Dr Sister")."""
    return set(text.split())


STAFF = word_set(
    "Nurse Dr Doctor Sister Matron Midwife Consultant Surgeon Professor Prof Paramedic Physio Staff"
)
STAFF |= word_set("Healthcare Porter Registrar")
PLACES = word_set(
    """Hospital Hospitals Ward Trust Unit Clinic Centre Center Centres Infirmary Royal St Saint Street General
    Surgery Practice Health Foundation University Hospice House Road Children Maternity Ambulance Service Services
    Nhs Medical Healthcare Park Avenue Drive Building Wing Block Suite Theatre Theatres Department Community
    College School Academy Council Group Institute Partnership Memorial Lodge Pharmacy Station Integrated Teaching
    Mental Primary Board Network City County Valley Gardens Square Bay Crescent Terrace Mews View Rise"""
)
_PLACES_LOWER = {w.lower() for w in PLACES}
# Words before a name that make it a member of staff, an honour or part of a place ("St George's", "Queen Mary").
BEFORE = {w.lower() for w in STAFF} | word_set(
    """st saint royal queen king princess prince lady sir dame lord baroness cllr councillor rev hca mount
    assistant receptionist therapist manager pharmacist student volunteer cleaner gp"""
)
KIN = (
    "mum|mom|mam|mummy|mommy|mother|dad|daddy|father|parent|son|daughter|child|children|kid|baby|boy|girl"
    "|wife|husband|partner|fianc[eé]e?|boyfriend|girlfriend|brother|sister|twin|nan|nana|nanna|gran|granny"
    "|grandma|grandmother|grandad|granddad|grandpa|grandfather|grandson|granddaughter|grandchild|grandchildren"
    "|aunt|auntie|aunty|uncle|niece|nephew|cousin|step(?:son|daughter|dad|mum|mom)|friend|neighbou?r|carer"
)
_ROLES = (
    r"nurses?|hcas?|healthcare[ \t]assistant|doctors?|dr|consultant|registrar|surgeon|anaesthetist|midwi(?:fe|ves)"
    r"|matron|sister|physio(?:therapist)?|porter|paramedic|receptionist|radiographer|sonographer|pharmacist"
    r"|therapist|ot|manager|cleaner|volunteer|gp|student|housekeeper|phlebotomist|staff|mp|chief[ \t]executive"
)
# A staff role right after a full name: "Sarah Jones, ward sister", "Sarah Jones (staff nurse)", "Sarah Jones
# the lovely HCA", "Sarah Jones who is a nurse". Every quantifier is bounded, so each try is constant work.
_ROLE_AFTER = re.compile(
    rf"[ \t]{{0,3}}(?:[,(–—-][ \t]{{0,3}})?(?:(?:the|our|a|an|your|my|his|her|their|who[ \t]is[ \t](?:a|an|the|our))"
    rf"[ \t]{{1,3}})?(?:[A-Za-z-]{{1,20}}[ \t]{{1,3}}){{0,2}}?(?:{_ROLES})\b",
    re.IGNORECASE,
)
_CALLED = r"[ \t]{1,3}(?:(?:was|is|who[ \t]was|who[ \t]is)[ \t]{1,3})?(?:called|named)"
# "my nurse was called Sarah Smith": staff; "a lady called Precious Mensah": not.
_STAFF_CALLED_BEFORE = re.compile(rf"\b(?:{_ROLES}){_CALLED}[ \t]{{1,3}}$", re.IGNORECASE)
_PLACE_AFTER = re.compile(r"(?:['’]s)?[ \t]{1,3}([A-Za-z]+)")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.?[ \t]{1,3}$")
# The words right before a name that say it is a patient's or a relative's, in one pattern so that a name costs
# one search: "patient X", "a lady called X", "my dad X", "call X (back)", "visiting X (on ward 6)", "looking
# after X", "any news on X". Only the first two say it whatever the name ("person").
_CUE_BEFORE = re.compile(
    rf"\b(?:(?P<person>patient|resident|service[ \t]user|(?:lady|man|woman|gentleman|gent|girl|boy|guy|bloke|chap"
    rf"|patient|person|someone|child|baby|kid|resident|(?:{KIN})s?){_CALLED})"
    rf"|(?P<kin>(?:my|our|his|her|their|your)[ \t]{{1,3}}(?:{KIN})(?:s|-in-law)?,?)"
    rf"|(?P<call>(?:call|ring|phone|text)(?:s|ed|ing)?)"
    rf"|(?P<visit>visit(?:s|ed|ing)?)"
    rf"|(?P<cared_for>look(?:s|ed|ing)?[ \t]{{1,3}}after|car(?:e|es|ed|ing)[ \t]{{1,3}}for"
    rf"|(?:news|updates?)[ \t]{{1,3}}(?:on|of|about)))[ \t]{{1,3}}$",
    re.IGNORECASE,
)
# The last word of each cue above: a name whose word before is none of these has no cue, and needs no search.
_CUE_LAST_WORD = re.compile(
    rf"patient|resident|user|called|named|(?:{KIN})(?:s|-in-law)?|(?:call|ring|phone|text)(?:s|ed|ing)?"
    r"|visit(?:s|ed|ing)?|after|for|on|of|about",
    re.IGNORECASE,
)
_BACK_AFTER = re.compile(r"[ \t]{1,3}back\b", re.IGNORECASE)
# Where patients are and staff are not: "Dennis in bed 12", "Margaret was in bay 3", "in the next bed, Mrs Doyle".
_BED = r"(?:bed|bay|cubicle|side[ \t]?room)\b"
_IN_HOSPITAL_AFTER = re.compile(
    rf"[ \t]{{1,3}}(?:on|in)[ \t]{{1,3}}(?:the[ \t]{{1,3}})?(?:ward|hospital|icu|itu|hdu|intensive[ \t]care|resus|{_BED})",
    re.IGNORECASE,
)
_BED_BEFORE = re.compile(
    rf"\b{_BED}(?:[ \t]{{1,3}}\d{{1,3}})?[ \t]{{0,3}}[,:(–—-][ \t]{{0,3}}$", re.IGNORECASE
)
# The words right after a name that say it is a patient's: an age ("Tom (82)", "Tom, aged 4"), a bed ("Dennis in
# bed 12", "Margaret was in bay 3") and, for a given name, a patient's care as theirs ("Lorraine's biopsy
# results", "told Bob his scan was fine").
_AGE = (
    r"[ \t]{0,3}(?:\([ \t]{0,3}(?:aged?[ \t]{0,3})?\d{1,3}[ \t]{0,3}(?:y(?:ea)?rs?(?:[ \t]old)?|y/?o)?[ \t]{0,3}\)"
    r"|,?[ \t]{1,3}aged?[ \t]{1,3}\d{1,3}\b)"
)
_IN_BED = (
    rf"[ \t]{{1,3}}(?:(?:was|is)[ \t]{{1,3}})?(?:in|from)[ \t]{{1,3}}(?:the[ \t]{{1,3}})?"
    rf"(?:(?:next|same|opposite|end|corner)[ \t]{{1,3}})?{_BED}"
)
_CARE_OF = (
    r"(?:['’]s|[ \t]{1,3}(?:his|her))[ \t]{1,3}(?:(?:latest|last|next|new|first|second)[ \t]{1,3})?"
    r"(?:biopsy|scans?|results?|operation|op|surgery|appointments?|discharge|diagnosis|referral|bloods|blood[ \t]tests?"
    r"|x-?rays?|mri|medications?|meds|treatment|chemo(?:therapy)?|dialysis|prescription|transplant)\b"
)
_PATIENT_AFTER = re.compile(rf"{_AGE}|{_IN_BED}|{_CARE_OF}", re.IGNORECASE)
_AGE_AFTER = re.compile(_AGE, re.IGNORECASE)
_TITLED_PATIENT_AFTER = re.compile(rf"{_AGE}|{_IN_BED}", re.IGNORECASE)


def _word_before(text: str, start: int) -> str:
    """The word right before a name, without a comma after it ("mum" in "my mum, Tom")."""
    before = text[max(0, start - WINDOW) : start].rstrip(" \t,")
    return before[max(before.rfind(" "), before.rfind("\t")) + 1 :]


def kept(text: str, start: int, end: int, first_two: str, places: frozenset[str]) -> bool:
    """A name that belongs to staff, an honour, an organisation or a place."""
    window = max(0, start - WINDOW)
    before = _WORD_BEFORE.search(text, window, start)
    if before and before.group(1).lower() in BEFORE:
        return True
    after = _PLACE_AFTER.match(text, end)
    if after and after.group(1).lower() in _PLACES_LOWER or first_two in places:
        return True
    if _ROLE_AFTER.match(text, end):
        return True
    called = _word_before(text, start).lower() in ("called", "named")
    return called and _STAFF_CALLED_BEFORE.search(text, window, start) is not None


def _cue_before(text: str, start: int) -> re.Match[str] | None:
    if not _CUE_LAST_WORD.fullmatch(_word_before(text, start)):
        return None
    return _CUE_BEFORE.search(text, max(0, start - WINDOW), start)


def said_to_be_a_person(text: str, start: int) -> bool:
    """Words right before a name that say it is someone's, whatever the name: "patient X", "a lady called X"."""
    cue = _cue_before(text, start)
    return cue is not None and cue.lastgroup == "person"


def _cued_before(text: str, start: int, end: int, also_a_word: bool = False) -> bool:
    cue = _cue_before(text, start)
    if cue is None:
        return False
    if cue.lastgroup == "call":
        return _BACK_AFTER.match(text, end) is not None
    if also_a_word:  # "news of Hope", "visiting Rose Hill": only "patient Hope" or "my son Will" say a person
        return cue.lastgroup in ("person", "kin")
    if cue.lastgroup == "visit":
        return _IN_HOSPITAL_AFTER.match(text, end) is not None
    return True


def patient_context(text: str, start: int, end: int, also_a_word: bool = False) -> bool:
    """A given name alone that the words around it say is a patient or relative: "call Tom back", "patient Tom",
    "Tom (82)", "my dad keith", "Dennis in bed 12", "looking after Gwen", "Lorraine's biopsy". For a name that is
    also a word (``also_a_word``: "Hope", "Will"), only a call back, "patient", "my son" and the like, or an age."""
    after = _AGE_AFTER if also_a_word else _PATIENT_AFTER
    return after.match(text, end) is not None or _cued_before(text, start, end, also_a_word)


def titled_patient_context(text: str, start: int, end: int) -> bool:
    """Mr, Mrs, Ms, Miss or Mx and a surname that the words around say is a patient or relative, not staff (a
    consultant surgeon is "Mr Davies" too): "patient Mrs Adeyemi", "Mr Okoro (84)", "Mr Thompson in bay 2", "in
    the next bed, Mrs Doyle"."""
    if _TITLED_PATIENT_AFTER.match(text, end) or _cued_before(text, start, end):
        return True
    before = text[max(0, start - WINDOW) : start].rstrip(" \t")
    return (
        before.endswith(tuple(",:(–—-"))
        and _BED_BEFORE.search(text, max(0, start - WINDOW), start) is not None
    )
