"""The people and vocabulary of the demo program "Northwind Coding Bootcamp".

Plain data, written out by hand so the demo reads like a real program: the
technologies and learning tracks, the program and its cohorts, its staff,
mentors and mentees, and the first pairings that ended. `demo.py` builds the
program from it; the benchmark seed borrows the vocabulary.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from mentora.accounts.choices import (
    BackgroundField,
    CareerStage,
    EducationPath,
    KnowledgeArea,
    TechnologyKind,
    Visibility,
)
from mentora.programs.models import EndReason

EMAIL_DOMAIN = "northwind.example"

A = KnowledgeArea
G = BackgroundField
L = TechnologyKind.LANGUAGE
F = TechnologyKind.FRAMEWORK
T = TechnologyKind.TOOL
PRIVATE = Visibility.PRIVATE
PROGRAM = Visibility.PROGRAM

# --- Vocabulary (shared with the benchmark seed) ---------------------------

TECHNOLOGIES: dict[str, TechnologyKind] = {
    "Python": L,
    "JavaScript": L,
    "TypeScript": L,
    "Go": L,
    "Java": L,
    "SQL": L,
    "Django": F,
    "React": F,
    "Node.js": F,
    "Spring": F,
    "pandas": F,
    "PostgreSQL": T,
    "Docker": T,
    "Kubernetes": T,
    "AWS": T,
    "Terraform": T,
    "Figma": T,
    "dbt": T,
    "Cypress": T,
    "Playwright": T,
}


@dataclass(frozen=True)
class Track:
    """What a group of mentees learns, and what mentors of that kind know."""

    key: str
    learning: str
    target_roles: str
    stack: tuple[str, ...]
    areas: tuple[KnowledgeArea, ...]
    mentor_roles: tuple[str, ...]


TRACKS: dict[str, Track] = {
    t.key: t
    for t in (
        Track(
            "backend",
            "Back-end web development with Python and Django",
            "Junior backend developer, Python developer",
            ("Python", "Django", "SQL", "PostgreSQL", "Docker"),
            (A.BACKEND, A.DEVELOPMENT, A.CAREER),
            ("Backend Engineer", "Senior Python Developer", "Software Engineer"),
        ),
        Track(
            "fullstack_js",
            "Full-stack JavaScript with React, Node.js and TypeScript",
            "Junior full-stack developer",
            ("JavaScript", "TypeScript", "React", "Node.js"),
            (A.FRONTEND, A.DEVELOPMENT, A.CAREER),
            ("Full-stack Developer", "Senior Software Engineer", "Node.js Engineer"),
        ),
        Track(
            "frontend",
            "Front-end development with React and accessible design",
            "Front-end developer, UI engineer",
            ("JavaScript", "React", "TypeScript", "Figma"),
            (A.FRONTEND, A.UX),
            ("Front-end Engineer", "UI Engineer", "Design Engineer"),
        ),
        Track(
            "data",
            "Data analytics with SQL, pandas and dbt",
            "Data analyst, analytics engineer",
            ("Python", "SQL", "pandas", "dbt"),
            (A.DATA, A.MACHINE_LEARNING, A.CAREER),
            ("Data Engineer", "Analytics Engineer", "Data Scientist"),
        ),
        Track(
            "devops",
            "Cloud and DevOps: Docker, Kubernetes and Terraform on AWS",
            "Junior DevOps engineer, cloud engineer",
            ("Docker", "Kubernetes", "Terraform", "AWS", "Go"),
            (A.DEVOPS, A.SECURITY),
            ("Platform Engineer", "Site Reliability Engineer", "Cloud Engineer"),
        ),
        Track(
            "qa",
            "Test automation with Playwright and Cypress",
            "QA automation engineer, SDET",
            ("JavaScript", "TypeScript", "Playwright", "Cypress"),
            (A.TESTING, A.DEVELOPMENT),
            ("QA Automation Engineer", "SDET", "Test Engineer"),
        ),
        Track(
            "java",
            "Back-end development with Java and Spring",
            "Junior Java developer",
            ("Java", "Spring", "SQL", "PostgreSQL"),
            (A.BACKEND, A.CAREER),
            ("Java Developer", "Backend Engineer", "Senior Software Engineer"),
        ),
    )
}


def email_for(name: str) -> str:
    """first.last@northwind.example, folded to ASCII so it is easy to type."""
    special = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "ß": "ss", "'": "", "’": ""})
    folded = unicodedata.normalize("NFKD", name.translate(special))
    ascii_name = folded.encode("ascii", "ignore").decode().lower()
    return f"{'.'.join(ascii_name.split())}@{EMAIL_DOMAIN}"


def handle_for(name: str) -> str:
    return email_for(name).split("@")[0].replace(".", "-")


# --- The program and its people -------------------------------------------

PROGRAM_SLUG = "northwind"
PROGRAM_DATA = {
    "name": "Northwind Coding Bootcamp",
    "time_zone": "Europe/Berlin",
    "description": (
        "A part-time, ten-month coding bootcamp. Every student has a weekly 1-on-1 "
        "with a working professional and a success manager who keeps an eye on how "
        "it is going."
    ),
    # A demo visitor signs in as each printed login in turn: no authenticator app
    # needed. A real program keeps the default (staff need a second factor); turn
    # it on in the demo's settings page to try the set-up.
    "staff_need_second_factor": False,
}

SPRING = "Spring 2026"
AUTUMN = "Autumn 2026"
# Part-time cohorts run about ten months, so both are under way in late 2026.
COHORTS: dict[str, tuple[date, date]] = {
    SPRING: (date(2026, 3, 2), date(2026, 12, 18)),
    AUTUMN: (date(2026, 9, 14), date(2027, 6, 25)),
}


@dataclass(frozen=True)
class StaffSpec:
    name: str
    email: str
    time_zone: str


ADMIN = StaffSpec("Ada Lindqvist", f"ada.admin@{EMAIL_DOMAIN}", "Europe/Berlin")
SUCCESS_MANAGERS = (
    StaffSpec("Samira Haddad", email_for("Samira Haddad"), "Europe/Berlin"),
    StaffSpec("Tom Whitfield", email_for("Tom Whitfield"), "Europe/London"),
)

Background = tuple[BackgroundField, str, Visibility]


@dataclass(frozen=True)
class MentorSpec:
    name: str
    time_zone: str
    headline: str
    bio: str
    stack: tuple[str, ...]
    areas: tuple[KnowledgeArea, ...]
    years: int
    stage: CareerStage
    role: str
    company: str
    education: EducationPath
    languages: tuple[str, ...]
    capacity: int
    background: tuple[Background, ...] = ()

    @property
    def email(self) -> str:
        return email_for(self.name)


MENTORS: tuple[MentorSpec, ...] = (
    MentorSpec(
        "Priya Raman", "Asia/Kolkata", "Backend engineer who turns messy APIs into calm ones",
        "I build payment APIs in Python and Django and have reviewed more pull requests "
        "from juniors than I can count. I like sessions that start from your own code: "
        "bring a branch and we will refactor it together.",
        ("Python", "Django", "PostgreSQL", "Docker", "AWS"), (A.BACKEND, A.DEVELOPMENT, A.CAREER),
        9, CareerStage.SENIOR, "Senior Backend Engineer", "Lotuswave Payments",
        EducationPath.DEGREE, ("en", "hi"), 4,
        ((G.GENDER, "Woman", PROGRAM), (G.FIRST_IN_FAMILY, "yes", PRIVATE)),
    ),
    MentorSpec(
        "Jonas Weber", "Europe/Berlin", "Staff engineer for distributed systems in Go",
        "I keep a fleet of Go services running for a logistics company and mentor our "
        "platform team. Ask me about debugging production, reading other people's code, "
        "and how to grow from junior to someone the team relies on.",
        ("Go", "Kubernetes", "PostgreSQL", "Terraform", "Docker"),
        (A.BACKEND, A.DEVOPS, A.LEADERSHIP),
        14, CareerStage.STAFF, "Staff Engineer", "Kranich Logistics",
        EducationPath.DEGREE, ("en", "de"), 2,
        ((G.PARENT, "yes", PROGRAM),),
    ),
    MentorSpec(
        "Chiamaka Okonkwo", "Africa/Lagos", "Front-end lead who started at a bootcamp",
        "Six years ago I left accounting for a bootcamp; today I lead the web team at a "
        "health start-up in Lagos. I help with React architecture, portfolio reviews and "
        "the first technical interviews.",
        ("JavaScript", "TypeScript", "React", "Cypress", "Figma"), (A.FRONTEND, A.UX, A.CAREER),
        6, CareerStage.SENIOR, "Front-end Lead", "Sabi Health",
        EducationPath.BOOTCAMP, ("en", "yo"), 4,
        (
            (G.GENDER, "Woman", PROGRAM),
            (G.CAREER_CHANGER, "yes", PROGRAM),
            (G.ETHNICITY, "Black African", PRIVATE),
        ),
    ),
    MentorSpec(
        "Lucas Ferreira", "America/Sao_Paulo", "Data engineer building pipelines with dbt and SQL",
        "I taught myself SQL in a call centre and now run the analytics platform of a "
        "Brazilian fintech. We can work on data modelling, dbt projects and how to talk "
        "about data work in interviews.",
        ("Python", "SQL", "dbt", "pandas", "PostgreSQL", "AWS"), (A.DATA, A.BACKEND),
        7, CareerStage.SENIOR, "Data Engineer", "Cajú Analytics",
        EducationPath.SELF_TAUGHT, ("en", "pt", "es"), 4,
        ((G.LGBTQIA, "yes", PROGRAM), (G.CAREER_CHANGER, "yes", PRIVATE)),
    ),
    MentorSpec(
        "Hannah Clarke", "Europe/London", "QA automation engineer: test what matters",
        "I was a chemistry teacher before I moved into testing. I build Playwright suites "
        "for an insurer and care about tests that catch real bugs, not tests that only "
        "turn green.",
        ("TypeScript", "Playwright", "Cypress", "JavaScript", "Docker"), (A.TESTING, A.FRONTEND),
        8, CareerStage.SENIOR, "Senior QA Automation Engineer", "Brightfold Insurance",
        EducationPath.DEGREE, ("en", "fr"), 3,
        ((G.PARENT, "yes", PRIVATE), (G.CAREER_CHANGER, "yes", PROGRAM)),
    ),
    MentorSpec(
        "Marcus Johnson", "America/New_York", "Engineering manager who hires juniors",
        "I came out of a bootcamp twelve years ago and now hire for a team of ten at a "
        "bank. I am most useful on CVs, interview practice and knowing what a first job "
        "should teach you.",
        ("Java", "Spring", "SQL", "AWS"), (A.LEADERSHIP, A.CAREER, A.BACKEND),
        12, CareerStage.MANAGER, "Engineering Manager", "Harborline Bank",
        EducationPath.BOOTCAMP, ("en",), 2,
        (
            (G.ETHNICITY, "Black American", PROGRAM),
            (G.FIRST_IN_FAMILY, "yes", PROGRAM),
        ),
    ),
    MentorSpec(
        "Aiko Tanaka", "Australia/Sydney", "Product designer who codes a little",
        "I lead design for a travel app and prototype in React when Figma is not enough. "
        "Good for anyone who wants to understand how designers think and how to build "
        "interfaces people can actually use.",
        ("Figma", "JavaScript", "React"), (A.UX, A.PRODUCT, A.FRONTEND),
        10, CareerStage.SENIOR, "Lead Product Designer", "Eucalypt Travel",
        EducationPath.DEGREE, ("en", "ja"), 1,
        ((G.GENDER, "Woman", PRIVATE),),
    ),
    MentorSpec(
        "Mateusz Kowalski", "Europe/Warsaw",
        "Platform engineer: Kubernetes, Terraform, sane on-call",
        "I run the Kubernetes platform of a cloud consultancy and wrote most of its "
        "Terraform. I like pairing on infrastructure as code and explaining why a "
        "deployment failed at 3 a.m.",
        ("Kubernetes", "Terraform", "Docker", "AWS", "Go"), (A.DEVOPS, A.SECURITY),
        5, CareerStage.MID, "Platform Engineer", "Wisła Cloud",
        EducationPath.SELF_TAUGHT, ("en", "pl"), 2,
    ),
    MentorSpec(
        "Sofia Rossi", "Europe/Rome", "Full-stack developer, Django and React",
        "I was an architect until a bootcamp four years ago; now I ship Django and React "
        "for a small agency. I remember the first year well and like helping with "
        "project scope, Git habits and asking good questions.",
        ("Python", "Django", "React", "TypeScript", "PostgreSQL"),
        (A.DEVELOPMENT, A.FRONTEND, A.BACKEND),
        4, CareerStage.MID, "Full-stack Developer", "Ponte Software",
        EducationPath.BOOTCAMP, ("en", "it", "es"), 4,
        ((G.CAREER_CHANGER, "yes", PROGRAM), (G.GENDER, "Woman", PROGRAM)),
    ),
    MentorSpec(
        "Daniel Mensah", "Africa/Accra", "Mobile and Node.js developer",
        "I build the React Native app and Node.js back end of a mobile-money company. "
        "Happy to review your JavaScript, talk about mobile work and help you plan "
        "a portfolio project that stands out.",
        ("JavaScript", "TypeScript", "Node.js", "React"), (A.MOBILE, A.BACKEND, A.DEVELOPMENT),
        6, CareerStage.SENIOR, "Senior Software Engineer", "Kente Mobile",
        EducationPath.DEGREE, ("en", "fr"), 3,
        ((G.FIRST_IN_FAMILY, "yes", PROGRAM),),
    ),
    MentorSpec(
        "Fatma Yılmaz", "Europe/Istanbul", "Machine-learning engineer who loves clean data",
        "I train demand-forecasting models for a retail group and spend most of my time "
        "making data trustworthy first. We can work through pandas notebooks, SQL and "
        "what an ML job really looks like.",
        ("Python", "pandas", "SQL", "Docker"), (A.MACHINE_LEARNING, A.DATA),
        5, CareerStage.MID, "ML Engineer", "Anatolia Retail Labs",
        EducationPath.DEGREE, ("en", "tr", "de"), 3,
        ((G.GENDER, "Woman", PROGRAM), (G.FIRST_IN_FAMILY, "yes", PRIVATE)),
    ),
    MentorSpec(
        "Ben Carter", "America/Los_Angeles", "Security-minded backend developer",
        "I taught myself to program while working night shifts and now lead application "
        "security for a payments ledger. I help with secure Java and Go, code review and "
        "threat modelling your own projects.",
        ("Java", "Spring", "Go", "SQL", "Docker"), (A.SECURITY, A.BACKEND, A.TESTING),
        11, CareerStage.STAFF, "Principal Engineer, Security", "Redwood Ledger",
        EducationPath.SELF_TAUGHT, ("en", "es"), 2,
        ((G.LGBTQIA, "yes", PRIVATE),),
    ),
)  # fmt: skip


@dataclass(frozen=True)
class MenteeSpec:
    name: str
    time_zone: str
    track: str
    prior: str
    languages: tuple[str, ...] = ()  # besides English
    cohort: str = SPRING
    shared: bool = False  # wants a mentor with a shared background
    background: tuple[Background, ...] = ()
    education: EducationPath = EducationPath.BOOTCAMP
    matched: bool = True  # False: waits for a mentor

    @property
    def email(self) -> str:
        return email_for(self.name)


M = MenteeSpec
MENTEES: tuple[MenteeSpec, ...] = (
    # Spring 2026
    M("Lena Hoffmann", "Europe/Berlin", "backend",
      "Former nurse: eight years on a cardiology ward.", ("de",),
      shared=True, background=((G.PARENT, "yes", PROGRAM), (G.CAREER_CHANGER, "yes", PROGRAM))),
    M("Tariq Al-Masri", "Europe/Berlin", "data", "Logistics coordinator at a freight forwarder.",
      ("ar", "de")),
    M("Emma Dubois", "Europe/Paris", "frontend", "Graphic designer at a print studio.", ("fr",)),
    M("Oluwaseun Adeyemi", "Europe/London", "fullstack_js", "Retail store manager.", ("yo",),
      shared=True, background=((G.FIRST_IN_FAMILY, "yes", PROGRAM),)),
    M("Marta Nowak", "Europe/Warsaw", "qa", "Call-centre team lead for a software vendor.", ("pl",),
      background=((G.GENDER, "Woman", PRIVATE),)),
    M("Giulia Bianchi", "Europe/Rome", "data", "Secondary-school maths teacher.", ("it",),
      education=EducationPath.DEGREE),
    M("Kemal Aydın", "Europe/Istanbul", "devops", "IT support technician.", ("tr",)),
    M("Sarah O'Brien", "Europe/Dublin", "backend", "Pharmacy assistant.",
      background=((G.PARENT, "yes", PRIVATE),)),
    M("Pedro Alves", "Europe/Lisbon", "java", "Mechanical engineering graduate.", ("pt",),
      education=EducationPath.DEGREE),
    M("Anna Svensson", "Europe/Stockholm", "frontend", "Journalist at a regional newspaper."),
    M("Yusuf Ibrahim", "Europe/Berlin", "backend", "Studied civil engineering in Aleppo.",
      ("ar", "de"),
      education=EducationPath.DEGREE),
    M("Chloé Martin", "Europe/Paris", "qa", "Hotel receptionist.", ("fr", "es")),
    M("Ravi Patel", "Europe/London", "data", "Chartered accountant.", ("hi",)),
    M("Nora Jansen", "Europe/Amsterdam", "fullstack_js", "Barista and hobby game modder.", ("nl",),
      shared=True, background=((G.LGBTQIA, "yes", PROGRAM),)),
    M("Dmytro Kovalenko", "Europe/Berlin", "devops", "Network technician.", ("uk", "ru")),
    M("Amara Diallo", "Europe/Paris", "fullstack_js", "Social worker.", ("fr",), shared=True,
      background=((G.GENDER, "Woman", PROGRAM), (G.ETHNICITY, "Black West African", PROGRAM))),
    M("Laura García", "Europe/Madrid", "backend", "Lab technician at a biotech company.", ("es",)),
    M("Jakob Berger", "Europe/Vienna", "java", "Electrician.", ("de",)),
    M("Mei Lin", "Asia/Singapore", "data", "Market-research analyst.", ("zh",),
      education=EducationPath.DEGREE),
    M("Carlos Mendoza", "America/Mexico_City", "frontend", "Ran a family restaurant.", ("es",)),
    M("Zanele Dlamini", "Africa/Johannesburg", "qa", "Bank teller.", matched=False,
      background=((G.FIRST_IN_FAMILY, "yes", PRIVATE),)),
    M("Felix Wagner", "Europe/Berlin", "backend", "Left a physics degree; years of tinkering.",
      ("de",),
      education=EducationPath.SELF_TAUGHT, matched=False),
    # Autumn 2026
    M("Isabel Costa", "Europe/Lisbon", "frontend", "Architect.", ("pt",), AUTUMN,
      education=EducationPath.DEGREE),
    M("Hamza Benali", "Europe/Paris", "backend", "Taxi driver.", ("ar", "fr"), AUTUMN, shared=True,
      background=((G.FIRST_IN_FAMILY, "yes", PROGRAM), (G.PARENT, "yes", PRIVATE))),
    M("Sophie Müller", "Europe/Zurich", "data", "Biology PhD.", ("de", "fr"), AUTUMN,
      education=EducationPath.DEGREE),
    M("Kwame Asante", "Europe/London", "devops", "Avionics technician in the air force.", (),
      AUTUMN),
    M("Elif Şahin", "Europe/Berlin", "fullstack_js", "Customer success at a SaaS start-up.",
      ("tr", "de"), AUTUMN),
    M("Tomás Ruiz", "Europe/Madrid", "java", "Warehouse supervisor.", ("es",), AUTUMN),
    M("Ingrid Larsen", "Europe/Oslo", "qa", "Air-traffic control assistant.", (), AUTUMN),
    M("Arjun Nair", "Asia/Dubai", "data", "Petroleum engineer.", ("hi",), AUTUMN,
      education=EducationPath.DEGREE),
    M("Chiara Romano", "Europe/Rome", "backend", "Musician and sound engineer.", ("it",), AUTUMN,
      background=((G.LGBTQIA, "yes", PRIVATE),)),
    M("Niamh Kelly", "Europe/Dublin", "frontend", "Primary-school teacher.", (), AUTUMN,
      background=((G.CAREER_CHANGER, "yes", PROGRAM),)),
    M("Ahmed Hassan", "Africa/Cairo", "backend", "Pharmacist.", ("ar",), AUTUMN,
      education=EducationPath.DEGREE, matched=False),
    M("Julia Schmidt", "Europe/Berlin", "data", "HR generalist.", ("de",), AUTUMN, matched=False),
    M("Mateo Silva", "America/Bogota", "fullstack_js", "Sales representative.", ("es",), AUTUMN,
      matched=False),
    M("Hana Novák", "Europe/Prague", "qa", "Translator.", ("de",), AUTUMN, matched=False),
    M("Samuel Osei", "Europe/London", "devops", "Night-shift lead at a supermarket.", (), AUTUMN,
      shared=True, matched=False, background=((G.ETHNICITY, "Black British", PROGRAM),)),
    M("Leila Karimi", "Europe/Stockholm", "frontend", "Illustrator.", (), AUTUMN, matched=False,
      education=EducationPath.SELF_TAUGHT),
    M("Viktor Petrov", "Europe/Sofia", "java", "Chef.", ("ru",), AUTUMN, matched=False),
    M("Grace Wanjiru", "Africa/Nairobi", "data", "Community health worker.", ("sw",), AUTUMN,
      background=((G.FIRST_IN_FAMILY, "yes", PROGRAM),)),
)  # fmt: skip


@dataclass(frozen=True)
class EndedSpec:
    """A first pairing that did not work out; the mentee was re-matched."""

    mentee: str
    mentor: str
    reason: EndReason
    note: str


ENDED: tuple[EndedSpec, ...] = (
    EndedSpec(
        "Marta Nowak",
        "Marcus Johnson",
        EndReason.NOT_A_FIT,
        "Sessions kept drifting to interview practice while Marta wanted hands-on help "
        "with test automation. Both agreed a QA mentor would serve her better.",
    ),
    EndedSpec(
        "Kemal Aydın",
        "Mateusz Kowalski",
        EndReason.MENTOR_UNAVAILABLE,
        "Mateusz joined an on-call rotation and cut back from three mentees to two; "
        "Kemal moved to a new mentor, with his notes and action items kept.",
    ),
    EndedSpec(
        "Laura García",
        "Aiko Tanaka",
        EndReason.NOT_A_FIT,
        "Nine hours apart, every session fell late at night for one of them, and Laura "
        "wants a backend mentor. Re-matched to someone in a closer time zone.",
    ),
)

# Who the printed login table shows, besides the admin and the success managers,
# each with a journey to walk:
# - Priya Raman: a session awaiting attendance (inside the window), a report to write;
# - Sofia Rossi: has room and mentor requests waiting;
# - Lena Hoffmann: a held session awaiting her reflection and feedback, the next one ahead;
# - Marta Nowak: re-matched after a first pairing that was not a fit;
# - Zanele Dlamini: no mentor yet and no request sent: finds a mentor.
SAMPLE_MENTORS = ("Priya Raman", "Sofia Rossi")
SAMPLE_MENTEES = ("Lena Hoffmann", "Marta Nowak", "Zanele Dlamini")
# The sample journeys, by role, for the demo modules that build them.
AWAITING_ATTENDANCE_MENTOR = SAMPLE_MENTORS[0]
REQUESTED_MENTOR = SAMPLE_MENTORS[1]
AWAITING_REFLECTION_MENTEE = SAMPLE_MENTEES[0]
UNMATCHED_MENTEE = SAMPLE_MENTEES[2]
