"""VADER's ``polarity_scores`` (vaderSentiment 3.3.2) with the same rules and the same results, about three times
faster.

vaderSentiment lower-cases every word of a post again for each rule it checks on each sentiment word (negation,
idioms, "but"), and walks every character of the post looking for emoji. Here each word is lower-cased once per post,
emoji are looked for only when the post has one, and words outside the lexicon cost one dict lookup. The rules are
copied from vaderSentiment in the same order, with the same arithmetic, so every score is identical (see
tests/test_scoring_fast_vader.py and scripts/scoring_equivalence.py).
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass
from itertools import compress, count

from vaderSentiment.vaderSentiment import (
    BOOSTER_DICT,
    C_INCR,
    N_SCALAR,
    NEGATE,
    SPECIAL_CASES,
    SentimentIntensityAnalyzer,
    normalize,
)

_NEGATE = frozenset(NEGATE)
# The idioms check only changes a valence when the words around it form one of its phrases ("kiss of death"),
# so only when one of them has its longest word ("death") nearby.
_IDIOM_WORDS = frozenset(
    max(phrase.split(" "), key=len) for phrase in (*SPECIAL_CASES, *BOOSTER_DICT) if " " in phrase
)
_PUNCTUATION = string.punctuation


@dataclass
class Reading:
    """A post as VADER reads it: its text (emoji described), words, lower-cased words and their valences."""

    text: str
    words: list[str]
    lower: list[str]
    is_cap_diff: bool
    valences: list[float]


class FastVader(SentimentIntensityAnalyzer):
    """A drop-in SentimentIntensityAnalyzer; ``lexicon`` can be replaced on the instance as with the original."""

    def __init__(self) -> None:
        super().__init__()
        # vaderSentiment compares one character at a time, so only one-character emoji can ever match
        self._emoji_chars = frozenset(emoji for emoji in self.emojis if len(emoji) == 1)

    def polarity_scores(self, text):
        if not isinstance(text, str):
            return super().polarity_scores(text)
        return self.scores_of(self.read(text))

    def read(self, text: str) -> Reading:
        """The post's words and the valence of each, before the "but" rule."""
        if not text.isascii() and not self._emoji_chars.isdisjoint(text):  # no emoji is ASCII
            text = self._describe_emoji(text)
        text = text.strip()
        # a token loses its punctuation, unless that leaves two characters or fewer (an emoticon such as ":)")
        words = [word if len(word := token.strip(_PUNCTUATION)) > 2 else token for token in text.split()]
        lower = list(map(str.lower, words))
        allcaps = sum(map(str.isupper, words))
        reading = Reading(text, words, lower, 0 < len(words) - allcaps < len(words), [0] * len(words))
        # only words in the lexicon can score
        for i in compress(count(), map(self.lexicon.__contains__, lower)):
            reading.valences[i] = self._lexicon_valence(reading, i)
        return reading

    def reread(self, reading: Reading, changed: frozenset[str]) -> Reading:
        """``reading`` (of another FastVader whose lexicon differs from this one's only in the ``changed`` words)
        as this one reads it. A word's valence depends on the lexicon only for itself, the three words before it
        and the one after, so only the valences near a changed word are computed again."""
        lower = reading.lower
        hits = compress(count(), map(changed.__contains__, lower))
        near = {i for j in hits for i in range(max(j - 1, 0), min(j + 4, len(lower)))}
        valences = list(reading.valences)
        for i in near:
            valences[i] = self._lexicon_valence(reading, i) if lower[i] in self.lexicon else 0
        return Reading(reading.text, reading.words, lower, reading.is_cap_diff, valences)

    def scores_of(self, reading: Reading) -> dict[str, float]:
        """vaderSentiment's scores from a reading: the "but" rule, then the sums."""
        valences = reading.valences
        if "but" in reading.lower:
            valences = _but_check(list(valences), reading.lower.index("but"))
        return _score_valence(valences, reading.text)

    def _lexicon_valence(self, reading: Reading, i: int) -> float:
        """The valence of word ``i``, a lexicon word: 0 for a booster, or "kind" in "kind of"."""
        lower = reading.lower
        item = lower[i]
        if item in BOOSTER_DICT or (i < len(lower) - 1 and item == "kind" and lower[i + 1] == "of"):
            return 0
        return self._valence(reading.words, lower, i, reading.is_cap_diff)

    def _describe_emoji(self, text: str) -> str:
        """vaderSentiment's emoji step: each emoji becomes its description, after a space unless one precedes it."""
        parts = []
        prev_space = True
        for char in text:
            description = self.emojis.get(char) if char in self._emoji_chars else None
            if description is not None:
                if not prev_space:
                    parts.append(" ")
                parts.append(description)
                prev_space = False
            else:
                parts.append(char)
                prev_space = char == " "
        return "".join(parts)

    def _valence(self, words: list[str], lower: list[str], i: int, is_cap_diff: bool) -> float:
        """vaderSentiment's sentiment_valence for a lexicon word, reading the post's lower-cased words."""
        lexicon = self.lexicon
        item = lower[i]
        valence = lexicon[item]
        if item == "no" and i != len(words) - 1 and lower[i + 1] in lexicon:
            valence = 0.0
        if (
            (i > 0 and lower[i - 1] == "no")
            or (i > 1 and lower[i - 2] == "no")
            or (i > 2 and lower[i - 3] == "no" and lower[i - 1] in ["or", "nor"])
        ):
            valence = lexicon[item] * N_SCALAR
        if words[i].isupper() and is_cap_diff:
            if valence > 0:
                valence += C_INCR
            else:
                valence -= C_INCR
        # vaderSentiment's loop over the three words before (start_i 0, 1, 2), unrolled, each step with its own
        # part of _negation_check inline: every lexicon word of every post comes here, so calls add up
        if i > 0 and lower[i - 1] not in lexicon:
            boost = (
                _boost(valence, words, lower, i - 1, 1.0, is_cap_diff)
                if lower[i - 1] in BOOSTER_DICT
                else 0.0
            )
            valence = valence + boost
            if _negated(lower[i - 1]):
                valence = valence * N_SCALAR
        if i > 1 and lower[i - 2] not in lexicon:
            boost = (
                _boost(valence, words, lower, i - 2, 0.95, is_cap_diff)
                if lower[i - 2] in BOOSTER_DICT
                else 0.0
            )
            valence = valence + boost
            if lower[i - 2] == "never" and (lower[i - 1] == "so" or lower[i - 1] == "this"):
                valence = valence * 1.25
            elif lower[i - 2] == "without" and lower[i - 1] == "doubt":
                pass
            elif _negated(lower[i - 2]):
                valence = valence * N_SCALAR
        if i > 2 and lower[i - 3] not in lexicon:
            boost = (
                _boost(valence, words, lower, i - 3, 0.9, is_cap_diff)
                if lower[i - 3] in BOOSTER_DICT
                else 0.0
            )
            valence = valence + boost
            if (lower[i - 3] == "never" and (lower[i - 2] == "so" or lower[i - 2] == "this")) or (
                lower[i - 1] == "so" or lower[i - 1] == "this"
            ):
                valence = valence * 1.25
            elif lower[i - 3] == "without" and (lower[i - 2] == "doubt" or lower[i - 1] == "doubt"):
                pass
            elif _negated(lower[i - 3]):
                valence = valence * N_SCALAR
            if not _IDIOM_WORDS.isdisjoint(lower[i - 3 : i + 3]):
                valence = _special_idioms_check(valence, lower, i)
        # the 'least' check only changes a valence right after "least"
        return self._least(valence, lower, i) if i > 0 and lower[i - 1] == "least" else valence

    def _least(self, valence: float, lower: list[str], i: int) -> float:
        if i > 1 and lower[i - 1] not in self.lexicon and lower[i - 1] == "least":
            if lower[i - 2] != "at" and lower[i - 2] != "very":
                valence = valence * N_SCALAR
        elif i > 0 and lower[i - 1] not in self.lexicon and lower[i - 1] == "least":
            valence = valence * N_SCALAR
        return valence


def _negated(word: str) -> bool:
    return word in _NEGATE or "n't" in word


def _scalar_inc_dec(word: str, word_lower: str, valence: float, is_cap_diff: bool) -> float:
    scalar = 0.0
    if word_lower in BOOSTER_DICT:
        scalar = BOOSTER_DICT[word_lower]
        if valence < 0:
            scalar *= -1
        if word.isupper() and is_cap_diff:
            if valence > 0:
                scalar += C_INCR
            else:
                scalar -= C_INCR
    return scalar


def _boost(
    valence: float, words: list[str], lower: list[str], before: int, damping: float, is_cap_diff: bool
) -> float:
    """What the booster at ``before`` adds to a valence: vaderSentiment's _scalar_inc_dec, times 0.95 two words
    back and 0.9 three back. Any other word adds 0.0 (which still turns a valence of -0.0 into 0.0)."""
    s = _scalar_inc_dec(words[before], lower[before], valence, is_cap_diff)
    if damping != 1.0 and s != 0:
        s = s * damping
    return s


def _but_check(sentiments: list[float], but_index: int) -> list[float]:
    """vaderSentiment's _but_check, given the index of the first "but": valences before it halved, after it raised
    by half. vaderSentiment lower-cases every word again and visits every valence; here the words are lower-cased
    already and only valences that are not zero are visited: a zero's visit writes a zero over a zero, and only how
    many zeros there are reaches the scores. Each value is still found with ``list.index`` (so the first equal
    value is the one changed, a quirk kept for identical scores); a visit only changes a valence at or before the
    one visited, so each is read before any visit changes it.
    """
    for i in [i for i, sentiment in enumerate(sentiments) if sentiment]:
        sentiment = sentiments[i]
        si = sentiments.index(sentiment)
        if si < but_index:
            sentiments[si] = sentiment * 0.5
        elif si > but_index:
            sentiments[si] = sentiment * 1.5
    return sentiments


def _special_idioms_check(valence: float, lower: list[str], i: int) -> float:
    onezero = f"{lower[i - 1]} {lower[i]}"
    twoonezero = f"{lower[i - 2]} {lower[i - 1]} {lower[i]}"
    twoone = f"{lower[i - 2]} {lower[i - 1]}"
    threetwoone = f"{lower[i - 3]} {lower[i - 2]} {lower[i - 1]}"
    threetwo = f"{lower[i - 3]} {lower[i - 2]}"
    for seq in (onezero, twoonezero, twoone, threetwoone, threetwo):
        if seq in SPECIAL_CASES:
            valence = SPECIAL_CASES[seq]
            break
    if len(lower) - 1 > i:
        zeroone = f"{lower[i]} {lower[i + 1]}"
        if zeroone in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroone]
    if len(lower) - 1 > i + 1:
        zeroonetwo = f"{lower[i]} {lower[i + 1]} {lower[i + 2]}"
        if zeroonetwo in SPECIAL_CASES:
            valence = SPECIAL_CASES[zeroonetwo]
    for n_gram in (threetwoone, threetwo, twoone):
        if n_gram in BOOSTER_DICT:
            valence = valence + BOOSTER_DICT[n_gram]
    return valence


def _score_valence(sentiments: list[float], text: str) -> dict[str, float]:
    """vaderSentiment's score_valence, its helpers inlined: the same arithmetic in the same order."""
    if not sentiments:
        return {"neg": 0.0, "neu": 0.0, "pos": 0.0, "compound": 0.0}
    if not any(sentiments):  # no word scored (a quarter of posts): what the arithmetic below gives for zeros
        return {"neg": 0.0, "neu": 1.0, "pos": 0.0, "compound": 0.0}
    sum_s = float(sum(sentiments))
    qm_count = text.count("?")
    qm_amplifier = 0.0 if qm_count <= 1 else qm_count * 0.18 if qm_count <= 3 else 0.96
    punct_emph_amplifier = min(text.count("!"), 4) * 0.292 + qm_amplifier
    if sum_s > 0:
        sum_s += punct_emph_amplifier
    elif sum_s < 0:
        sum_s -= punct_emph_amplifier
    compound = normalize(sum_s)
    scored = list(filter(None, sentiments))  # the rest are 0: neutral
    pos_sum, neg_sum, neu_count = 0.0, 0.0, len(sentiments) - len(scored)
    for sentiment_score in scored:
        if sentiment_score > 0:
            pos_sum += float(sentiment_score) + 1
        else:
            neg_sum += float(sentiment_score) - 1
    if pos_sum > math.fabs(neg_sum):
        pos_sum += punct_emph_amplifier
    elif pos_sum < math.fabs(neg_sum):
        neg_sum -= punct_emph_amplifier
    total = pos_sum + math.fabs(neg_sum) + neu_count
    pos, neg, neu = math.fabs(pos_sum / total), math.fabs(neg_sum / total), math.fabs(neu_count / total)
    return {"neg": round(neg, 3), "neu": round(neu, 3), "pos": round(pos, 3), "compound": round(compound, 4)}
