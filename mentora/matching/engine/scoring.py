"""One scoring function for every place that ranks or assigns mentors.

Each factor is a value in 0..1 computed by one function from "raw" overlaps
(shared tags, shared hours, ...). The raw overlaps come either as whole
matrices (matrix products, for `score_matrix`) or for chosen pairs (row-wise
products, for `explain`); the factor functions themselves are shared, so an
explanation always adds up to the score the matrix gave the same pair.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, fields
from datetime import time
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from django.utils.translation import gettext

from mentora.accounts.choices import (
    BackgroundField,
    CareerStage,
    EducationPath,
    KnowledgeArea,
    SpokenLanguage,
)
from mentora.matching.engine.features import (
    NO_STAGE,
    STAGE_ORDER,
    BoolArray,
    FloatArray,
    IntArray,
    MenteeArrays,
    MenteeFeatures,
    MentorArrays,
    MentorFeatures,
    vectorise,
)
from mentora.programs.models import Program

# Translations remembered during one `explain_pairs` call: thousands of pairs, one
# language, a few dozen sentences.
_WORDS: ContextVar[dict[str, str] | None] = ContextVar("reason_words", default=None)


def _(message: str) -> str:
    """gettext, remembered for the length of an `explain_pairs` call."""
    seen = _WORDS.get()
    if seen is None:
        return gettext(message)
    found = seen.get(message)
    if found is None:
        found = seen[message] = gettext(message)
    return found


# Overlaps at or above these count as a full match for the factor.
STACK_SATURATION = 4.0  # weighted tags (a tag being learned weighs 2)
AREAS_SATURATION = 2.0  # areas
HOURS_SATURATION = 6.0  # hours a week
BACKGROUND_SATURATION = 2.0  # shared answers
YEARS_SATURATION = 5.0
# Fit by how many stages the mentor is ahead of the mentee (index = gap, 0..6).
STAGE_GAP_FIT = np.array([0.0, 0.6, 1.0, 1.0, 1.0, 0.8, 0.6], dtype=np.float32)


@dataclass(frozen=True)
class Weights:
    """Relative weight per factor; scores are rescaled so the weights total 100."""

    stack: float = 30.0
    areas: float = 20.0
    experience: float = 15.0
    availability: float = 15.0
    language: float = 10.0
    background: float = 10.0

    @classmethod
    def from_program(cls, program: Program) -> Weights:
        return cls(**{f.name: float(getattr(program, f"weight_{f.name}")) for f in fields(cls)})

    def points(self) -> dict[str, float]:
        """Maximum points per factor, totalling 100."""
        raw = {f.name: float(getattr(self, f.name)) for f in fields(self)}
        total = sum(raw.values()) or 1.0
        return {name: 100.0 * w / total for name, w in raw.items()}


# --- raw overlaps: matrix form and pair form -------------------------------------

Overlap = Callable[[FloatArray, FloatArray], FloatArray]


def matrix_overlap(a: FloatArray, b: FloatArray) -> FloatArray:
    """(m, k) x (n, k) -> (m, n): every mentee against every mentor."""
    return np.asarray(a @ b.T, dtype=np.float32)


def pair_overlap(a: FloatArray, b: FloatArray) -> FloatArray:
    """(p, k) x (p, k) -> (p,): row i of a against row i of b."""
    return np.einsum("ij,ij->i", a, b).astype(np.float32)


def _column(values: npt.NDArray[np.generic], matrix: bool) -> FloatArray:
    # A per-mentee quantity broadcasts along rows in matrix form.
    v = values.astype(np.float32)
    return v[:, None] if matrix else v


def _saturate(shared: FloatArray, need: FloatArray) -> FloatArray:
    out = np.divide(shared, need, out=np.zeros_like(shared), where=need > 0)
    return np.minimum(out, 1.0, out=out)


# --- the factors -------------------------------------------------------------------


def stack_value(me: MenteeArrays, mo: MentorArrays, overlap: Overlap, matrix: bool) -> FloatArray:
    covered = overlap(me.stack_weight, mo.stack)
    need = _column(np.minimum(me.stack_weight.sum(axis=1), STACK_SATURATION), matrix)
    return _saturate(covered, need)


def areas_value(me: MenteeArrays, mo: MentorArrays, overlap: Overlap, matrix: bool) -> FloatArray:
    shared = overlap(me.interests, mo.areas)
    need = _column(np.minimum(me.interests.sum(axis=1), AREAS_SATURATION), matrix)
    return _saturate(shared, need)


def experience_fit(mentee_stage: IntArray, mentor_stage: IntArray, years: FloatArray) -> FloatArray:
    """Half stage (a few steps ahead is best), half years of experience."""
    gap = np.clip(mentor_stage - mentee_stage, 0, len(STAGE_GAP_FIT) - 1)
    stage = np.where(mentor_stage == NO_STAGE, 0.0, STAGE_GAP_FIT[gap]).astype(np.float32)
    return (0.5 * stage + 0.5 * np.minimum(years / YEARS_SATURATION, 1.0)).astype(np.float32)


def experience_value(
    me: MenteeArrays, mo: MentorArrays, overlap: Overlap, matrix: bool
) -> FloatArray:
    if not matrix:
        return experience_fit(me.stage, mo.stage, mo.years)
    # Mentees come in few stages: one row per stage, then gather (no (m, n) int temporaries).
    stages, index = np.unique(me.stage, return_inverse=True)
    per_stage = experience_fit(stages[:, None], mo.stage[None, :], mo.years[None, :])
    return per_stage[index.ravel()]


def availability_value(
    me: MenteeArrays, mo: MentorArrays, overlap: Overlap, matrix: bool
) -> FloatArray:
    hours = overlap(me.hours, mo.hours)
    return np.minimum(hours / np.float32(HOURS_SATURATION), 1.0).astype(np.float32)


def language_value(
    me: MenteeArrays, mo: MentorArrays, overlap: Overlap, matrix: bool
) -> FloatArray:
    return (overlap(me.languages, mo.languages) > 0).astype(np.float32)


def background_value(
    me: MenteeArrays, mo: MentorArrays, overlap: Overlap, matrix: bool
) -> FloatArray:
    # Mentee rows are zero unless they asked; mentor columns hold only shared answers.
    shared = overlap(me.background, mo.background)
    return np.minimum(shared / np.float32(BACKGROUND_SATURATION), 1.0).astype(np.float32)


Factor = Callable[[MenteeArrays, MentorArrays, Overlap, bool], FloatArray]
FACTORS: dict[str, Factor] = {
    "stack": stack_value,
    "areas": areas_value,
    "experience": experience_value,
    "availability": availability_value,
    "language": language_value,
    "background": background_value,
}


# --- the matrix ----------------------------------------------------------------------


def score_matrix(
    mentees: MenteeArrays,
    mentors: MentorArrays,
    weights: Weights,
    *,
    not_a_fit: Iterable[tuple[int, int]] = (),
    must_share_language: bool = False,
) -> tuple[FloatArray, BoolArray]:
    """Scores 0..100 (float32, (m, n)) and which pairs the hard rules allow."""
    points = weights.points()
    scores = np.zeros((len(mentees), len(mentors)), dtype=np.float32)
    for name, factor in FACTORS.items():
        # Accumulate in place, factor by factor, to keep one (m, n) temporary alive.
        value = factor(mentees, mentors, matrix_overlap, True)
        value *= np.float32(points[name])
        scores += value
        del value
    return scores, feasibility(
        mentees, mentors, not_a_fit=not_a_fit, must_share_language=must_share_language
    )


def feasibility(
    mentees: MenteeArrays,
    mentors: MentorArrays,
    *,
    not_a_fit: Iterable[tuple[int, int]] = (),
    must_share_language: bool = False,
) -> BoolArray:
    """The hard rules: capacity left, not oneself, no repeat of a "not a fit", language."""
    feasible = np.broadcast_to(mentors.free > 0, (len(mentees), len(mentors))).copy()
    feasible &= mentees.ids[:, None] != mentors.ids[None, :]
    rows = {int(u): i for i, u in enumerate(mentees.ids)}
    cols = {int(u): j for j, u in enumerate(mentors.ids)}
    for mentee_id, mentor_id in not_a_fit:
        if mentee_id in rows and mentor_id in cols:
            feasible[rows[mentee_id], cols[mentor_id]] = False
    if must_share_language:
        feasible &= matrix_overlap(mentees.languages, mentors.languages) > 0
    return feasible


# --- the same scores, a block of mentee rows at a time ----------------------------------

# The one mentee array each factor reads: mentees who share that row share the factor's
# value against every mentor, so a factor with few distinct rows is computed once per
# distinct row (a small table) and gathered, not recomputed for every mentee.
FACTOR_INPUT: dict[str, str] = {
    "stack": "stack_weight",
    "areas": "interests",
    "experience": "stage",
    "availability": "hours",
    "language": "languages",
    "background": "background",
}
TABLE_BYTES = 64 * 1024 * 1024  # at most this much per factor's table of distinct rows

RowSelection = slice | IntArray  # a block of rows, or chosen rows


def _take(arrays: MenteeArrays, rows: RowSelection) -> MenteeArrays:
    if isinstance(rows, slice):  # views, no copy
        return MenteeArrays(**{f.name: getattr(arrays, f.name)[rows] for f in fields(arrays)})
    return arrays.take(rows)


def _patterns(key: npt.NDArray[np.generic], width: int) -> tuple[IntArray, IntArray] | None:
    """(first row of each distinct row, distinct index of every row), when a table of
    distinct rows x `width` mentors is small and worth it; None otherwise."""
    if len(key) == 0:
        return None
    if key.ndim == 1:
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    else:
        flat = np.ascontiguousarray(key).view(
            np.dtype((np.void, key.dtype.itemsize * key.shape[1]))
        )
        _, first, inverse = np.unique(flat.ravel(), return_index=True, return_inverse=True)
    if len(first) * width * 4 > TABLE_BYTES or len(first) > max(1, len(key) // 2):
        return None
    return first.astype(np.int64), inverse.ravel().astype(np.int64)


class RowScorer:
    """`score_matrix` for chosen mentee rows (a block), never the whole matrix.

    `block(rows)` returns exactly the rows `score_matrix` and `feasibility` give for the
    same mentees and mentors (the same factor functions, the same float32 order), so
    matching in blocks and the full matrix agree to the bit. Built once per match:
    factors whose mentee input has few distinct rows become tables; the sparse hard
    rules (oneself, "not a fit") become (row, column) lists.
    """

    def __init__(
        self,
        mentees: MenteeArrays,
        mentors: MentorArrays,
        weights: Weights,
        *,
        not_a_fit: Iterable[tuple[int, int]] = (),
        must_share_language: bool = False,
    ) -> None:
        self.mentees, self.mentors = mentees, mentors
        points = weights.points()
        self._points = {name: np.float32(points[name]) for name in FACTORS}
        n = len(mentors)
        self._tables: dict[str, tuple[IntArray, FloatArray]] = {}
        for name, factor in FACTORS.items():
            found = _patterns(getattr(mentees, FACTOR_INPUT[name]), n)
            if found is not None:
                first, inverse = found
                table = factor(mentees.take(first), mentors, matrix_overlap, True)
                table *= self._points[name]
                self._tables[name] = (inverse, table)
        self._language: tuple[IntArray, BoolArray] | None = None
        self._must_share_language = must_share_language
        if must_share_language:
            found = _patterns(mentees.languages, n)
            if found is not None:
                first, inverse = found
                shared = matrix_overlap(mentees.languages[first], mentors.languages) > 0
                self._language = (inverse, shared)
        self._open = mentors.free > 0
        self._forbidden = self._sparse_rules(not_a_fit)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.mentees), len(self.mentors)

    def _sparse_rules(self, not_a_fit: Iterable[tuple[int, int]]) -> tuple[IntArray, IntArray]:
        """(rows, columns), sorted by row: a mentee who is the mentor, or a past "not a fit"."""
        rows = {int(u): i for i, u in enumerate(self.mentees.ids)}
        cols = {int(u): j for j, u in enumerate(self.mentors.ids)}
        pairs = {(rows[a], cols[b]) for a, b in not_a_fit if a in rows and b in cols}
        same = np.flatnonzero(np.isin(self.mentees.ids, self.mentors.ids))
        for i in same.tolist():
            pairs.update(
                (i, int(j)) for j in np.flatnonzero(self.mentors.ids == self.mentees.ids[i])
            )
        ordered = sorted(pairs)
        return (
            np.array([i for i, _ in ordered], dtype=np.int64),
            np.array([j for _, j in ordered], dtype=np.int64),
        )

    def block(self, rows: RowSelection) -> tuple[FloatArray, BoolArray]:
        """Scores and hard rules for these mentee rows (a slice or row numbers)."""
        me = _take(self.mentees, rows)
        scores: FloatArray | None = None
        for name, factor in FACTORS.items():
            if name in self._tables:
                inverse, table = self._tables[name]
                value = np.take(table, inverse[rows], axis=0)
            else:
                value = factor(me, self.mentors, matrix_overlap, True)
                value *= self._points[name]
            if scores is None:
                scores = value  # 0 + value is value: the same float32 sum as score_matrix
            else:
                scores += value
            del value
        assert scores is not None
        return scores, self._feasible(me, rows)

    def _feasible(self, me: MenteeArrays, rows: RowSelection) -> BoolArray:
        if self._language is not None:
            inverse, shared = self._language
            feasible = np.take(shared, inverse[rows], axis=0)
            feasible &= self._open
        elif self._must_share_language:
            feasible = matrix_overlap(me.languages, self.mentors.languages) > 0
            feasible &= self._open
        else:
            feasible = np.broadcast_to(self._open, (len(me), len(self.mentors))).copy()
        bad_rows, bad_cols = self._forbidden
        if len(bad_rows):
            if isinstance(rows, slice):
                start, stop, _ = rows.indices(len(self.mentees))
                lo, hi = np.searchsorted(bad_rows, [start, stop])
                feasible[bad_rows[lo:hi] - start, bad_cols[lo:hi]] = False
            else:
                where = {int(r): k for k, r in enumerate(rows)}
                for r, c in zip(bad_rows.tolist(), bad_cols.tolist(), strict=True):
                    if r in where:
                        feasible[where[r], c] = False
        return feasible

    def columns(self, cols: IntArray) -> RowScorer:
        """The same scorer against only these mentors (columns renumbered 0..)."""
        other = copy.copy(self)
        other.mentors = self.mentors.take(cols)
        other._tables = {
            name: (inverse, table[:, cols]) for name, (inverse, table) in self._tables.items()
        }
        if self._language is not None:
            other._language = (self._language[0], self._language[1][:, cols])
        other._open = self._open[cols]
        position = np.full(len(self.mentors), -1, dtype=np.int64)
        position[cols] = np.arange(len(cols))
        bad_rows, bad_cols = self._forbidden
        keep = position[bad_cols] >= 0
        other._forbidden = (bad_rows[keep], position[bad_cols[keep]])
        return other


# --- explanations ---------------------------------------------------------------------


@dataclass(frozen=True)
class FactorPoints:
    name: str
    points: float
    max_points: float
    reason: str


@dataclass(frozen=True)
class Explanation:
    score: float
    factors: list[FactorPoints]


def pair_points(
    mentees: MenteeArrays,
    mentors: MentorArrays,
    pairs: Sequence[tuple[int, int]],
    weights: Weights,
) -> dict[str, FloatArray]:
    """Points per factor for chosen (row, column) pairs, vectorised over the pairs."""
    rows = np.array([i for i, _ in pairs], dtype=np.int64)
    cols = np.array([j for _, j in pairs], dtype=np.int64)
    me, mo = mentees.take(rows), mentors.take(cols)
    points = weights.points()
    return {
        name: factor(me, mo, pair_overlap, False) * np.float32(points[name])
        for name, factor in FACTORS.items()
    }


def explain_pairs(
    mentees: Sequence[MenteeFeatures],
    mentors: Sequence[MentorFeatures],
    arrays: tuple[MenteeArrays, MentorArrays],
    pairs: Sequence[tuple[int, int]],
    weights: Weights,
    *,
    to_staff: bool = False,
) -> list[Explanation]:
    """Explanations for many pairs at once: numbers vectorised, words per pair.

    The words speak to the mentee ("you're learning Django") unless `to_staff`, when
    they speak about the mentee by name ("Mia is learning Django"); the same
    reason functions build both, so the facts never differ between the two."""
    if not pairs:
        return []
    found = pair_points(*arrays, pairs, weights)
    total = np.zeros(len(pairs), dtype=np.float32)
    for name in FACTORS:
        total += found[name]  # same float32 order as score_matrix
    scores = total.tolist()
    per_factor = {name: values.tolist() for name, values in found.items()}
    maximum = weights.points()
    explanations = []
    words = _WORDS.set({})
    try:
        for k, (i, j) in enumerate(pairs):
            explanations.append(
                _explain_one(mentees[i], mentors[j], k, scores[k], per_factor, maximum, to_staff)
            )
    finally:
        _WORDS.reset(words)
    return explanations


def _explain_one(
    mentee: MenteeFeatures,
    mentor: MentorFeatures,
    k: int,
    score: float,
    per_factor: dict[str, list[float]],
    maximum: dict[str, float],
    to_staff: bool,
) -> Explanation:
    voice = Voice.about(mentee) if to_staff else TO_MENTEE
    factors = []
    for name in FACTORS:
        if name == "background" and not mentee.wants_shared_background:
            continue  # never a reason about background unless the mentee asked
        points = per_factor[name][k]
        reason = REASONS[name](mentee, mentor, points, voice)
        factors.append(FactorPoints(name, points, maximum[name], reason))
    return Explanation(score=score, factors=factors)


def explain(
    mentee: MenteeFeatures, mentor: MentorFeatures, weights: Weights, *, to_staff: bool = False
) -> Explanation:
    """Why this mentor scores what they score for this mentee, factor by factor."""
    arrays = vectorise([mentee], [mentor])
    return explain_pairs([mentee], [mentor], arrays, [(0, 0)], weights, to_staff=to_staff)[0]


def one_line_why(explanation: Explanation, limit: int = 2) -> str:
    """The strongest reasons, for a directory card."""
    best = sorted((f for f in explanation.factors if f.points > 0), key=lambda f: -f.points)
    return "; ".join(f.reason for f in best[:limit]) or "Few things in common"


# --- words --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Voice:
    """Whom a reason speaks to: the mentee themself ("you"), or staff, to whom it speaks
    about the mentee by name. Each sentence is translated whole in both voices."""

    name: str = ""  # the mentee's name when staff read; empty when the mentee does

    @classmethod
    def about(cls, mentee: MenteeFeatures) -> Voice:
        return cls(mentee.name or _("the mentee"))

    def say(self, to_mentee: str, about_mentee: str, **values: object) -> str:
        """`to_mentee` for the mentee; `about_mentee` (with %(name)s) for staff."""
        if not self.name:
            return to_mentee % values
        text = about_mentee % {**values, "name": self.name}
        if about_mentee.startswith("%(name)s"):  # "the mentee hasn't said…" opens a sentence
            text = text[:1].upper() + text[1:]
        return text


TO_MENTEE = Voice()
# Codes in their order, and their labels: an enum's `values` builds a new list per call.
_AREAS = dict(KnowledgeArea.choices)
_LANGUAGES = dict(SpokenLanguage.choices)
_EDUCATION = dict(EducationPath.choices)
_BACKGROUND_FIELDS = dict(BackgroundField.choices)
_STAGES = dict(CareerStage.choices)


def _join(words: Sequence[str]) -> str:
    return ", ".join(words)


def stack_reason(
    mentee: MenteeFeatures, mentor: MentorFeatures, points: float, voice: Voice = TO_MENTEE
) -> str:
    wanted = set(mentee.stack) | mentee.learning
    common = sorted(
        wanted & set(mentor.stack), key=lambda t: (t not in mentee.learning, mentor.stack[t])
    )
    if not common:
        return _("No stack in common")
    learning = [mentor.stack[t] for t in common if t in mentee.learning]
    text = _("%(tags)s in common") % {"tags": _join([mentor.stack[t] for t in common])}
    if not learning:
        return text
    return voice.say(
        _("%(text)s (you're learning %(learning)s)"),
        _("%(text)s (%(name)s is learning %(learning)s)"),
        text=text,
        learning=_join(learning),
    )


def areas_reason(
    mentee: MenteeFeatures, mentor: MentorFeatures, points: float, voice: Voice = TO_MENTEE
) -> str:
    if not mentee.interests:
        return voice.say(
            _("You haven't said which areas you want help with"),
            _("%(name)s hasn't said which areas they want help with"),
        )
    shared = mentee.interests & mentor.areas
    common = [a for a in _AREAS if a in shared]
    if not common:
        return voice.say(
            _("Not in the areas you asked for help with"),
            _("Not in the areas %(name)s asked for help with"),
        )
    return voice.say(
        _("Knows %(areas)s, which you asked for"),
        _("Knows %(areas)s, which %(name)s asked for"),
        areas=_join([str(_AREAS[a]) for a in common]),
    )


def experience_reason(
    mentee: MenteeFeatures, mentor: MentorFeatures, points: float, voice: Voice = TO_MENTEE
) -> str:
    years = f"{mentor.years} year{'s' if mentor.years != 1 else ''} of experience"
    if mentor.stage_rank == NO_STAGE:
        return f"{years}; career stage not given"
    label = _STAGES[STAGE_ORDER[mentor.stage_rank]]
    gap = mentor.stage_rank - mentee.stage_rank
    if gap <= 0:
        where = voice.say(_("at your own stage"), _("at %(name)s's own stage"))
    elif gap == 1:
        where = voice.say(_("one step ahead of you"), _("one step ahead of %(name)s"))
    elif gap <= 4:
        where = voice.say(_("a few steps ahead of you"), _("a few steps ahead of %(name)s"))
    else:
        where = voice.say(_("far ahead of you"), _("far ahead of %(name)s"))
    return f"{label}, {years}: {where}"


@lru_cache(maxsize=256)
def _day_words(start: time, end: time) -> str:
    return f"{start:%H:%M}–{end:%H:%M}"


def availability_reason(
    mentee: MenteeFeatures, mentor: MentorFeatures, points: float, voice: Voice = TO_MENTEE
) -> str:
    hours = len(mentee.hours & mentor.hours)
    day = _day_words(*mentee.day)
    if not mentor.hours:
        return _("Hasn't published availability yet")
    if not hours:
        return voice.say(
            _("Their availability falls outside your day (%(day)s)"),
            _("Their availability falls outside %(name)s's day (%(day)s)"),
            day=day,
        )
    return voice.say(
        _("%(hours)d h a week of their availability falls in your day (%(day)s)"),
        _("%(hours)d h a week of their availability falls in %(name)s's day (%(day)s)"),
        hours=hours,
        day=day,
    )


def language_reason(
    mentee: MenteeFeatures, mentor: MentorFeatures, points: float, voice: Voice = TO_MENTEE
) -> str:
    shared = mentee.languages & mentor.languages
    common = [c for c in _LANGUAGES if c in shared]
    if not common:
        return "No language in common"
    return f"Both speak {_join([str(_LANGUAGES[c]) for c in common])}"


def _background_words(field_code: str, value: str, voice: Voice) -> str:
    if field_code == "education_path":
        label = str(_EDUCATION[value]).lower() if value in _EDUCATION else value
        return (
            "also self-taught" if value == EducationPath.SELF_TAUGHT else f"also a {label} graduate"
        )
    label = str(_BACKGROUND_FIELDS.get(field_code, field_code))
    if value == "yes":
        return f"also {label.lower()}"
    return voice.say(
        _("shares your answer on %(field)s"),
        _("shares %(name)s's answer on %(field)s"),
        field=label.lower(),
    )


def background_reason(
    mentee: MenteeFeatures, mentor: MentorFeatures, points: float, voice: Voice = TO_MENTEE
) -> str:
    # Both sets are pre-filtered: the mentee asked, the mentor shared with the program.
    common = sorted(mentee.background & mentor.background)
    if not common:
        return "No shared background among what they chose to share"
    words = [_background_words(f, v, voice) for f, v in common]
    return words[0][0].upper() + _join(words)[1:]


REASONS: dict[str, Callable[[MenteeFeatures, MentorFeatures, float, Voice], str]] = {
    "stack": stack_reason,
    "areas": areas_reason,
    "experience": experience_reason,
    "availability": availability_reason,
    "language": language_reason,
    "background": background_reason,
}
