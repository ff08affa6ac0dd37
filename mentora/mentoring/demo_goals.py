"""The demo's goals, per learning track: each goal with the session goals that
work towards it, the questions a mentee brings about it, and practice items.

Plain data written by hand, in the spirit of the source articles (a specific
goal per relationship and per session, questions written down as they come
up, small exercises soon after). `{project}` is the mentee's own portfolio
project (demo_plans.PLANS), so two mentees on one goal still prepare
different sessions. `demo.py` draws from these pools with a seeded rng.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GoalText:
    text: str
    steps: tuple[str, ...]  # agenda goals for sessions on this goal
    questions: tuple[str, ...]
    practice: tuple[str, ...]


G = GoalText

TRACK_GOALS: dict[str, tuple[GoalText, ...]] = {
    "backend": (
        G(
            "Design a database schema I can defend in an interview",
            (
                "Review the models of {project} and spot missing constraints",
                "Decide between a join table and a JSON field for tags",
                "Add the indexes that the slowest page of {project} needs",
            ),
            (
                "When is a unique constraint better than checking in the form?",
                "How do I read an EXPLAIN plan without getting lost?",
            ),
            ("Draw the schema of {project} on one page", "Add two database constraints"),
        ),
        G(
            "Write tests that let me refactor without fear",
            (
                "Write the first pytest tests for the sign-up flow",
                "Replace fixtures that hit the network with factories",
                "Find the untested corner of {project} and cover it",
            ),
            (
                "Should I test views or services first?",
                "How many tests does a portfolio project need to look serious?",
            ),
            ("Reach one test per service function", "Turn one bug into a failing test first"),
        ),
        G(
            "Ship a REST API other people can use from its docs alone",
            (
                "Agree the URL design and error format of the API",
                "Add pagination and filtering to the list endpoint",
                "Write the README section on authentication",
            ),
            (
                "Token or session authentication for a small API?",
                "How do real teams version an API?",
            ),
            ("Document three endpoints with examples", "Return the same error shape everywhere"),
        ),
        G(
            "Deploy {project} so a recruiter can click a link and try it",
            (
                "Pick a host and write down the deploy steps",
                "Move secrets out of settings and into environment variables",
                "Set up a health check and error emails",
            ),
            (
                "Is a free hosting tier good enough for a portfolio?",
                "What should happen when a migration fails during a deploy?",
            ),
            ("Deploy a staging copy", "Write a one-page runbook"),
        ),
        G(
            "Understand background jobs well enough to use them wisely",
            (
                "Move the slow email sending out of the request",
                "Make the nightly job safe to run twice",
            ),
            (
                "Celery or a simple cron job: how do I choose?",
                "How do I test code that runs in a worker?",
            ),
            ("Make one task idempotent", "Log how long each job takes"),
        ),
        G(
            "Read an unfamiliar Django codebase without panicking",
            (
                "Trace one request through an open-source Django project",
                "Find where permissions are checked in a real project",
            ),
            (
                "Where do I start reading a codebase of 50,000 lines?",
                "How do I ask a question about code I only half understand?",
            ),
            ("Fix a 'good first issue' in an open-source project", "Map one app's URLs to views"),
        ),
    ),
    "data": (
        G(
            "Write SQL I trust: window functions, CTEs and honest joins",
            (
                "Rewrite the monthly report query of {project} with CTEs",
                "Use a window function for running totals",
                "Find the join that silently duplicated rows",
            ),
            (
                "Why does my LEFT JOIN behave like an INNER JOIN?",
                "When should logic live in SQL rather than pandas?",
            ),
            ("Solve five window-function exercises", "Add row-count checks after each join"),
        ),
        G(
            "Turn a messy dataset into a clean, documented table",
            (
                "List the data-quality problems in the raw data of {project}",
                "Decide how to handle missing and duplicated records",
                "Write a data dictionary for the clean table",
            ),
            (
                "Is it honest to drop rows with missing values?",
                "How much cleaning should happen in a notebook?",
            ),
            ("Write a data dictionary", "Move the cleaning steps from the notebook into a module"),
        ),
        G(
            "Tell a story with one chart a manager understands in ten seconds",
            (
                "Pick the one question the dashboard of {project} answers",
                "Redesign the cluttered chart together",
                "Practise presenting the findings in three minutes",
            ),
            (
                "Bar chart or line chart for this comparison?",
                "How do I present a result that is not significant?",
            ),
            ("Remake one chart with half the ink", "Record a three-minute walkthrough"),
        ),
        G(
            "Build my first dbt project with tests and docs",
            (
                "Set up staging and mart models for {project}",
                "Add not-null and unique tests to the key models",
                "Generate the docs site and read it as a stranger would",
            ),
            (
                "How do I name dbt models so others can find them?",
                "Incremental models: when are they worth the trouble?",
            ),
            ("Add tests to every mart model", "Write descriptions for ten columns"),
        ),
        G(
            "Explain a simple model's results without overclaiming",
            (
                "Set a baseline before trying a real model",
                "Check the validation split for leakage",
                "Write the limitations paragraph of {project}",
            ),
            (
                "How do I explain precision and recall to a non-technical person?",
                "Is a model that beats the baseline by 2% worth shipping?",
            ),
            ("Compare the model with a naive baseline", "Write five limitations honestly"),
        ),
        G(
            "Get ready for data-analyst interviews",
            (
                "Do a timed SQL take-home together",
                "Practise the 'tell me about a project' answer with {project}",
            ),
            (
                "What do interviewers look for in a take-home?",
                "How technical should my CV be for analyst roles?",
            ),
            ("Do two timed SQL exercises", "Rewrite my CV's project section with numbers"),
        ),
    ),
    "frontend": (
        G(
            "Build a layout that works from a phone to a wide screen",
            (
                "Rebuild the header of {project} with CSS grid",
                "Fix the page that scrolls sideways on a phone",
                "Choose breakpoints from the content, not from devices",
            ),
            (
                "Flexbox or grid for a card list?",
                "How do I test on phones I don't own?",
            ),
            ("Make one page work at 320 px wide", "Replace fixed widths with fluid ones"),
        ),
        G(
            "Make {project} usable with a keyboard and a screen reader",
            (
                "Walk the main flow with only the keyboard",
                "Fix form labels and error messages",
                "Run an accessibility checker and triage the results",
            ),
            (
                "When is ARIA the right fix and when does it make things worse?",
                "How do I write alt text for a complex illustration?",
            ),
            ("Fix every missing label", "Try the site with a screen reader for ten minutes"),
        ),
        G(
            "Structure React state so components stay simple",
            (
                "Lift the duplicated state in the form into one place",
                "Split the biggest component of {project} in two",
                "Decide what belongs in the URL instead of in state",
            ),
            (
                "Do I need a state library for an app this size?",
                "How do I stop a useEffect from running twice?",
            ),
            ("Remove one useEffect", "Write down the state of each page"),
        ),
        G(
            "Move my JavaScript project to TypeScript without stalling",
            (
                "Turn on strict mode for one folder",
                "Type the API responses of {project}",
            ),
            (
                "Is 'any' ever acceptable in a portfolio project?",
                "Types or runtime validation for data from the server?",
            ),
            ("Convert three files to TypeScript", "Remove five uses of any"),
        ),
        G(
            "Have a portfolio site that shows how I think, not only what I made",
            (
                "Write the case study of {project}: problem, process, result",
                "Cut the portfolio to the three strongest pieces",
                "Review the portfolio as a hiring manager would",
            ),
            (
                "How much of my design background should the portfolio show?",
                "Should I show unfinished work?",
            ),
            ("Write one case study", "Ask two people to find my contact link in ten seconds"),
        ),
        G(
            "Get faster pages without guessing",
            (
                "Measure the load time of {project} and pick one fix",
                "Lazy-load the images below the fold",
            ),
            (
                "Which performance numbers do interviewers ask about?",
                "Is a bundle of 400 kB too big?",
            ),
            ("Halve the size of the largest image", "Record a performance profile"),
        ),
    ),
    "fullstack_js": (
        G(
            "Build a Node.js API with validation and clear errors",
            (
                "Validate request bodies in the API of {project}",
                "Handle errors in one middleware instead of everywhere",
                "Add rate limiting to the login route",
            ),
            (
                "Express or a framework with more structure?",
                "Where should validation live: route, service or database?",
            ),
            ("Add validation to two routes", "Write a test for each error response"),
        ),
        G(
            "Connect the front end and the back end without CORS headaches",
            (
                "Set up the dev proxy and environment files",
                "Decide where authentication tokens live in {project}",
            ),
            (
                "Cookies or local storage for a session token?",
                "How do I keep front-end and API types in sync?",
            ),
            ("Share one type between client and server", "Log in and out in both tabs"),
        ),
        G(
            "Ship a mobile version of {project} with React Native",
            (
                "Set up the React Native project and run it on my phone",
                "Reuse the API client from the web app in the mobile app",
                "Handle the app going offline in the middle of a save",
            ),
            (
                "Expo or bare React Native for a first app?",
                "How do I test on Android if I only have an iPhone?",
            ),
            ("Build one screen end to end", "Make the app survive losing the network"),
        ),
        G(
            "Write tests across the stack that catch real bugs",
            (
                "Test the API with a real database in Docker",
                "Add one end-to-end test for the main flow of {project}",
            ),
            (
                "Mocking the database: when is it fine?",
                "How slow is too slow for a test suite?",
            ),
            ("Write the first end-to-end test", "Make the test suite run in CI"),
        ),
        G(
            "Use Git the way a team does",
            (
                "Split my giant commit into a reviewable pull request",
                "Practise a rebase on a throwaway branch",
            ),
            (
                "Merge or rebase: what do teams expect from a junior?",
                "What makes a pull request description good?",
            ),
            ("Open three small pull requests instead of one", "Write commit messages that say why"),
        ),
        G(
            "Land a first full-stack job within six months",
            (
                "Decide which two kinds of companies to target",
                "Practise explaining {project} in two minutes",
                "Do a mock technical interview on JavaScript basics",
            ),
            (
                "How many applications a week is realistic next to a job?",
                "Should I mention my previous career in the first line of my CV?",
            ),
            ("Apply to three roles that stretch me", "Ask one engineer for a coffee chat"),
        ),
    ),
    "qa": (
        G(
            "Write Playwright tests that don't flake",
            (
                "Replace the sleeps in the suite with proper waits",
                "Choose locators by role and label in {project}",
                "Find out why one test fails only in CI",
            ),
            (
                "Is retrying a flaky test ever acceptable?",
                "How do I test a page that loads data slowly?",
            ),
            ("Remove every hard-coded wait", "Run the suite ten times and log the failures"),
        ),
        G(
            "Design tests from risks, not from screens",
            (
                "List the riskiest flows of {project} with the mentor",
                "Turn one user story into test cases with boundaries",
            ),
            (
                "How do I decide what not to automate?",
                "What's the difference between a test plan and a test strategy?",
            ),
            ("Write a one-page risk list", "Find the boundaries of one form field"),
        ),
        G(
            "Test APIs as well as pages",
            (
                "Write the first API tests for {project}",
                "Set up test data through the API instead of the UI",
            ),
            (
                "Postman or code for API tests?",
                "How do I check an API's error responses properly?",
            ),
            ("Cover one endpoint's error cases", "Create test data with one API call"),
        ),
        G(
            "Run my test suite in CI with readable reports",
            (
                "Add the suite to a CI workflow",
                "Keep screenshots and traces of failed tests",
            ),
            (
                "Should every pull request run the whole suite?",
                "How do I share a test report with people who don't code?",
            ),
            ("Make CI fail on a broken test", "Publish the report as an artefact"),
        ),
        G(
            "Write bug reports that developers thank me for",
            (
                "Rewrite three of my old bug reports together",
                "Practise reproducing a vague bug step by step",
            ),
            (
                "How much detail is too much in a bug report?",
                "How do I push back when a bug is closed as 'works for me'?",
            ),
            ("Report one real bug in an open-source project", "Attach a trace to a bug report"),
        ),
        G(
            "Move from my current job into a QA automation role",
            (
                "Map my support experience to QA job descriptions",
                "Prepare a demo of {project} for interviews",
            ),
            (
                "Do I need ISTQB to get hired?",
                "How do I explain test automation to a recruiter?",
            ),
            ("Rewrite my CV's first paragraph", "Record a five-minute demo of my suite"),
        ),
    ),
    "devops": (
        G(
            "Build a CI/CD pipeline I can explain line by line",
            (
                "Write the build-and-test stage for {project}",
                "Cache dependencies so the pipeline takes under five minutes",
                "Add a deploy stage that needs a manual approval",
            ),
            (
                "GitHub Actions or GitLab CI for a portfolio?",
                "How do real teams roll back a bad deploy?",
            ),
            ("Make the pipeline fail on a lint error", "Cut the pipeline time in half"),
        ),
        G(
            "Understand Kubernetes deeply enough to debug it",
            (
                "Deploy {project} with a Deployment, a Service and an Ingress",
                "Debug a pod stuck in CrashLoopBackOff together",
                "Add readiness and liveness probes",
            ),
            (
                "Do I need Kubernetes for a small app, or is it résumé-driven?",
                "How do I read kubectl describe output quickly?",
            ),
            ("Break the deployment on purpose and fix it", "Write a probe for each container"),
        ),
        G(
            "Write Terraform that a team could review",
            (
                "Split the Terraform of {project} into modules",
                "Set up remote state with locking",
            ),
            (
                "How big should a Terraform module be?",
                "What belongs in variables and what in locals?",
            ),
            ("Run terraform plan in CI", "Document every module's inputs"),
        ),
        G(
            "Make my containers small, safe and reproducible",
            (
                "Rewrite the Dockerfile as a multi-stage build",
                "Scan the image of {project} and fix the worst findings",
            ),
            (
                "Alpine or slim base images?",
                "Why shouldn't a container run as root?",
            ),
            ("Cut the image size by half", "Pin every base image version"),
        ),
        G(
            "Set up monitoring that tells me something is wrong before users do",
            (
                "Choose three metrics that matter for {project}",
                "Write an alert that wouldn't wake someone for nothing",
            ),
            (
                "Logs, metrics or traces: where do I start?",
                "What does a good on-call runbook contain?",
            ),
            ("Build one dashboard", "Write a runbook for one alert"),
        ),
        G(
            "Pass my first cloud certification and get interviews",
            (
                "Plan the study weeks for the AWS exam",
                "Practise explaining {project} in an infrastructure interview",
            ),
            (
                "Is a certification worth more than a project?",
                "How do I talk about my support or military experience in DevOps interviews?",
            ),
            ("Do one practice exam", "Add the architecture diagram to the README"),
        ),
    ),
    "java": (
        G(
            "Build a Spring Boot service with a clean structure",
            (
                "Split the controller of {project} into service and repository layers",
                "Handle validation errors with one exception handler",
                "Decide what a DTO is for and where it ends",
            ),
            (
                "Field or constructor injection, and why does it matter?",
                "How thin should a controller be?",
            ),
            ("Move business logic out of one controller", "Add validation to one request type"),
        ),
        G(
            "Get comfortable with JPA without being surprised by it",
            (
                "Find the N+1 query in the list page of {project}",
                "Write a migration with Flyway instead of ddl-auto",
            ),
            (
                "When should I write plain SQL instead of JPA?",
                "Lazy or eager loading by default?",
            ),
            ("Log the SQL of one slow endpoint", "Write the first Flyway migration"),
        ),
        G(
            "Test a Spring application at the right levels",
            (
                "Write unit tests for the pricing logic",
                "Add an integration test with Testcontainers for {project}",
            ),
            (
                "How many @SpringBootTest tests are too many?",
                "Mockito everywhere, or real objects where possible?",
            ),
            ("Reach one test per service method", "Run the database tests in Docker"),
        ),
        G(
            "Understand modern Java beyond what the course covered",
            (
                "Refactor loops in {project} into streams where it reads better",
                "Use records and Optional sensibly",
            ),
            (
                "Which Java version do companies actually run?",
                "Are streams slower than loops?",
            ),
            ("Rewrite three classes with records", "Read one chapter of Effective Java"),
        ),
        G(
            "Get through a Java technical interview with confidence",
            (
                "Do a mock interview on collections and equals/hashCode",
                "Explain the design of {project} on a whiteboard",
            ),
            (
                "How much algorithms practice do Java interviews need?",
                "What do interviewers mean by 'clean code'?",
            ),
            ("Do three LeetCode easy problems in Java", "Explain my project to a friend"),
        ),
    ),
}

# Goals any mentee may add next to their track's, for the second or third goal.
CAREER_GOALS: tuple[GoalText, ...] = (
    G(
        "Build a study routine that survives a full-time job",
        (
            "Plan a realistic week of study around work and family",
            "Review what got in the way of last week's plan",
        ),
        (
            "How do other part-time students keep going when they're tired?",
            "Is it better to study a little every day or in long blocks?",
        ),
        ("Block three study slots in the calendar", "Keep a short study log for a week"),
    ),
    G(
        "Learn to ask for help before I'm stuck for a whole day",
        (
            "Write down how I got stuck last week and what I tried",
            "Practise asking a question with context, attempt and error",
        ),
        (
            "How long should I try on my own before I ask?",
            "How do I ask a senior colleague without feeling like a burden?",
        ),
        ("Set a 45-minute rule before asking", "Post one well-written question in the forum"),
    ),
    G(
        "Tell my career-change story in a way that helps, not apologises",
        (
            "Draft the two-minute story of why I'm changing careers",
            "Find the skills from my old job that a team needs",
        ),
        (
            "Should my old career be on the first page of my CV?",
            "How do I answer 'why should we hire you over a CS graduate'?",
        ),
        ("Write my story in five sentences", "Tell it to someone outside tech"),
    ),
    G(
        "Grow a small network in the industry I want to join",
        (
            "List ten people whose work I admire and why",
            "Write a first message that isn't asking for a job",
        ),
        (
            "Is it weird to message people I don't know on LinkedIn?",
            "Which meetups are worth the evening?",
        ),
        ("Go to one meetup", "Send two thoughtful messages"),
    ),
    G(
        "Get feedback on my work and act on it without taking it personally",
        (
            "Go through the review comments on my last pull request",
            "Decide which feedback to act on first",
        ),
        (
            "How do I know if feedback is about my code or about me?",
            "What should I do when two reviewers disagree?",
        ),
        ("Ask for one review this week", "Reply to every review comment"),
    ),
)
