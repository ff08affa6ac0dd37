"""What a mentee's work carries into their next mentorship when they are re-matched.

The mentee's own work goes with them; the old mentor's words stay behind:
- goals still being worked on are copied (text and target date; the old
  mentor's comment is theirs, so it isn't): the old mentorship keeps its goals
  as they were, for its history and the agendas that point at them;
- open action items the mentee owns move to the new mentorship (re-pointed, not
  copied: a copy would list every item twice on the mentee's page, which reads
  a person's items across mentorships); the session they came from stays
  recorded, and items the old mentor owned stay with the old mentorship;
- questions belong to the mentee in the program, not to a mentorship, so the
  open ones are already there; nothing to do;
- notes are written on sessions and are never moved, so the old mentor's
  private notes can't reach the new mentor.
"""

from __future__ import annotations

from dataclasses import dataclass

from mentora.mentoring.models import ActionItem, GoalStatus, MentorshipGoal
from mentora.programs.models import Mentorship


@dataclass(frozen=True)
class CarriedOver:
    goals: int
    action_items: int


def carry_over(*, old: Mentorship, new: Mentorship) -> CarriedOver:
    """Carry the mentee's active goals and open action items from `old` into `new`.

    Called inside the re-match's transaction, with both people locked. Only
    between two mentorships of the same mentee in the same program.
    """
    assert old.mentee_id == new.mentee_id and old.program_id == new.program_id
    goals = [
        MentorshipGoal(mentorship=new, text=g.text, target_date=g.target_date)
        for g in MentorshipGoal.objects.filter(mentorship=old, status=GoalStatus.ACTIVE)
    ]
    MentorshipGoal.objects.bulk_create(goals)
    moved = ActionItem.objects.filter(
        mentorship=old, owner_id=old.mentee_id, done_at__isnull=True
    ).update(mentorship=new)
    return CarriedOver(goals=len(goals), action_items=moved)
