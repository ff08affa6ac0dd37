"""Sentences the demo combines into notes, reflections, feedback, agendas and
working agreements. Each piece is short and written to be combined: `demo.py`
picks parts with its seeded rng, so a program of 200 sessions reads like 200
sessions, not one copied. `{project}`, `{step}` and `{practice}` are filled in."""

from __future__ import annotations

WORKING_ON = (
    "Most evenings went into {project}; the sign-up form finally validates properly.",
    "I rewrote the data layer of {project} after last session's advice.",
    "I spent the week on the course module and only an hour on {project}.",
    "Fixed two bugs in {project} and started the README.",
    "I paired with a classmate on {project}; we got stuck on the same thing.",
    "Work was busy, so only small steps: I read the docs we talked about.",
    "Finished the course exercises and moved the best one into {project}.",
    "I started over on the hardest part of {project}, this time with a plan.",
    "Tests first this week: {project} has its first green test run.",
    "I watched the conference talk you suggested and tried its idea on {project}.",
    "Applied to two jobs and kept {project} going on the weekend.",
    "Mostly reading other people's code this week, to see how they structure things.",
)

NEXT_DAYS = (
    "Finish the part of {project} we plan today and show it to a classmate.",
    "Write it up in the README while it is fresh.",
    "Two evenings of practice and one of applications.",
    "Get the open pull request merged.",
    "Try the exercise alone before looking at the solution.",
    "Ask in the forum the first time I'm stuck for more than an hour.",
)

NOTE_OBSERVATIONS = (
    "You already had most of it; what was missing was naming the trade-off out loud.",
    "The code works, and it reads well once the long function is split.",
    "We spent the first ten minutes on the error you hit; reading the traceback "
    "from the bottom got us there.",
    "Good instinct to stop and ask before rewriting everything.",
    "You explained the design more clearly than last week: shorter, with one example.",
    "The tricky part was the edge case with empty input; worth a test of its own.",
    "We compared two approaches side by side and you picked the simpler one for good reasons.",
    "Your notes from the course helped: we could go straight to the hard question.",
    "We drew it on the whiteboard first and the code was quick after that.",
    "The part you were worried about is fine; the risk is somewhere else.",
    "You were stuck on naming, which usually means the responsibility isn't clear yet.",
    "We paired for half the session; you drove and I only asked questions.",
    "It was a lot for one session: we stopped at a sensible point.",
    "Nice progress since last time; the commit history tells the story well.",
)

NOTE_NEXT = (
    "Next: write the test before the fix.",
    "Next: try it alone, then compare with what we sketched.",
    "Next: one small pull request, not a big one.",
    "Next: explain it in the README in five sentences.",
    "Next: read the docs section we opened, end to end.",
    "Next: bring the error message and what you tried, not only the question.",
    "Next: time-box it to two evenings and tell me where you got.",
    "Next: show the result to a classmate and note their questions.",
    "Next: keep a list of questions as they come up during the week.",
    "Next: look at how one open-source project solves the same problem.",
    "Next: practise it once more from a blank file.",
    "Next: decide what *not* to build this month.",
)

WHY_NOT = (
    "We ran out of time on the second half.",
    "The setup took the first fifteen minutes.",
    "We found a bigger problem and worked on that instead.",
    "I hadn't finished the exercise, so we paired on it.",
    "The goal was too big for one session; we split it.",
    "My internet dropped for ten minutes.",
    "We spent longer on my question from the week than planned.",
    "I realised I didn't understand the basics yet, so we went back to them.",
)

PLAN_NOW = (
    "This week: {practice}.",
    "First: {practice_lower}; then look at it again before the next session.",
    "I'll {practice_lower} on Tuesday evening, while it's fresh.",
    "Start small: {practice_lower}, then go one step further if it goes well.",
    "Two short sessions this week to {practice_lower}.",
    "{practice}, and write down where I get stuck.",
)

MENTOR_PLAN = (
    "Check the pull request before the next session.",
    "Bring an example from work that shows the same problem.",
    "Send the article we talked about.",
    "Start next time with a quick review of the exercise.",
    "Give written feedback on the README.",
    "Next time: less talking from me, more pairing.",
)

ANSWERS = (
    "Talked it through; see the notes.",
    "Short answer: it depends on the team, so we looked at two real examples.",
    "We tried both on a small example and compared.",
    "Start with the simple option and change it when it hurts.",
    "Yes, and say why in one sentence.",
    "There is a good chapter on this in the docs; we read the key part together.",
    "Ask yourself what you'd want to debug at 2 a.m.",
    "Not yet: learn it when a project needs it.",
)

FEEDBACK_USEFUL = (
    "The concrete examples from real projects.",
    "Pairing on my own code instead of a toy example.",
    "You let me find the bug myself and only nudged.",
    "Drawing the design before writing code.",
    "The honest answer about what junior jobs are really like.",
    "Reading the error message together, line by line.",
    "The list of next steps at the end, in writing.",
    "Hearing how your team handles the same problem.",
    "The mock interview questions: harder than I expected, in a good way.",
    "You explained why, not only how.",
    "Reviewing my CV line by line.",
    "Starting from my questions rather than a plan of yours.",
    "The shortcut for searching the docs; it saved me hours this week.",
    "That we stopped to check I'd understood before moving on.",
    "Your story about your own first year.",
    "Splitting my big task into three small ones.",
    "The link to the example repository.",
    "Being clear about what to ignore for now.",
)

FEEDBACK_LESS = (
    "We went fast through the part I find hardest.",
    "The first part repeated what I knew from the course.",
    "I'd have liked more time on my second question.",
    "Screen sharing problems ate the first minutes.",
    "It got quite theoretical in the middle.",
    "I didn't get to ask about applications.",
    "Next time I'd like to drive more and watch less.",
)

HOW_OFTEN = (
    "Weekly, 45 minutes, at our regular time",
    "Every week at our regular time; every other week we pair on code",
    "Weekly; the first session of each month is for career questions",
    "Once a week, and a short check-in by message when a deadline is close",
)

CONTACT = (
    "Short questions by email; answers within two days",
    "Messages in the program chat on weekdays; no replies needed at weekends",
    "Email for anything that can wait; a message if a session has to move",
    "Questions in the shared doc; I'll look at it before each session",
)

MENTEE_EXPECTS = (
    "Honest feedback on my code and my applications",
    "Help to see what matters most when everything feels urgent",
    "Real examples from your work, and telling me when I'm overthinking",
    "Reviews of my pull requests and straight answers about the job market",
    "Patience with basic questions, and a push when I'm avoiding something",
    "Someone to check my plan against how the industry really works",
)

MENTOR_EXPECTS = (
    "An agenda the day before, and questions written down",
    "Come even when the work isn't done: we'll use the time anyway",
    "Tell me early when something isn't working for you",
    "A link to the code before the session, and one clear goal",
    "Try on your own first, then bring what you tried",
    "Notes after each session, in your own words",
)

# Once a mentee's planned steps are used up, sessions start from a goal template,
# worded about their own project.
TEMPLATE_STEPS = {
    "roles": "Which roles make sense for me, given {project} and my old job?",
    "study": "What to study next, judging from what {project} still lacks",
    "interviews": "Practise interview answers about {project}",
    "portfolio": "Review my portfolio and profiles, starting with {project}",
    "unblock": "Unblock me on the part of {project} I've been stuck on",
    "code_review": "Review the latest changes to {project}",
    "networking": "Who I could show {project} to, and how to ask",
}

FEEDBACK_AFTER = (
    "I went home and fixed {project} the same evening.",
    "It made {project} feel doable again.",
    "I've already used it twice this week.",
    "Now I know what to do first on {project}.",
    "I explained it to a classmate the next day, so I think it stuck.",
    "It changed how I'll structure the next part of {project}.",
    "I left with less to worry about.",
    "My notes from it are the best I've taken so far.",
    "That's the kind of thing the course can't give me.",
    "I feel more confident talking about {project} now.",
)

MENTOR_PLAN_AFTER = (
    "Ask how the exercise went before anything else.",
    "Keep the session more hands-on.",
    "Make sure the question from the week gets time first.",
    "Leave ten minutes for career questions.",
    "Let them explain the fix to me, not the other way round.",
    "Check that the goal for next time is small enough.",
)

MENTEE_PLAN_PLAIN = (
    "Practise what we covered on {project} before next time.",
    "Redo today's example alone, then apply it to {project}.",
    "Read back through the notes and try one idea on {project}.",
    "Spend two evenings on {project} and write down my questions.",
    "Start small: one change to {project}, then the next.",
    "Keep going on {project} and come back with what I tried.",
)
