"""Fixed vocabularies of profiles: the words matching and the directory filter on."""

from django.db import models


class KnowledgeArea(models.TextChoices):
    DEVELOPMENT = "development", "Software development"
    FRONTEND = "frontend", "Front-end"
    BACKEND = "backend", "Back-end"
    MOBILE = "mobile", "Mobile"
    DATA = "data", "Data"
    MACHINE_LEARNING = "ml", "Machine learning"
    PRODUCT = "product", "Product"
    UX = "ux", "UX and design"
    DEVOPS = "devops", "DevOps and cloud"
    TESTING = "testing", "Testing and QA"
    SECURITY = "security", "Security"
    CAREER = "career", "Career and job search"
    LEADERSHIP = "leadership", "Leadership"


class CareerStage(models.TextChoices):
    STUDENT = "student", "Student or career changer"
    JUNIOR = "junior", "Junior (0–2 years)"
    MID = "mid", "Mid-level (2–5 years)"
    SENIOR = "senior", "Senior (5+ years)"
    STAFF = "staff", "Staff / principal"
    MANAGER = "manager", "Engineering manager"
    EXECUTIVE = "executive", "Director / executive"


class EducationPath(models.TextChoices):
    BOOTCAMP = "bootcamp", "Bootcamp"
    DEGREE = "degree", "University degree"
    SELF_TAUGHT = "self_taught", "Self-taught"
    OTHER = "other", "Other"


class TechnologyKind(models.TextChoices):
    LANGUAGE = "language", "Language"
    FRAMEWORK = "framework", "Framework"
    TOOL = "tool", "Tool"
    OTHER = "other", "Other"


class SpokenLanguage(models.TextChoices):
    ENGLISH = "en", "English"
    GERMAN = "de", "German"
    SPANISH = "es", "Spanish"
    FRENCH = "fr", "French"
    PORTUGUESE = "pt", "Portuguese"
    ITALIAN = "it", "Italian"
    DUTCH = "nl", "Dutch"
    POLISH = "pl", "Polish"
    TURKISH = "tr", "Turkish"
    ARABIC = "ar", "Arabic"
    HINDI = "hi", "Hindi"
    MANDARIN = "zh", "Mandarin"
    JAPANESE = "ja", "Japanese"
    KOREAN = "ko", "Korean"
    UKRAINIAN = "uk", "Ukrainian"
    RUSSIAN = "ru", "Russian"
    SWAHILI = "sw", "Swahili"
    YORUBA = "yo", "Yoruba"


class BackgroundField(models.TextChoices):
    """Self-identified background: optional, each answer with its own visibility."""

    GENDER = "gender", "Gender"
    ETHNICITY = "ethnicity", "Ethnicity"
    LGBTQIA = "lgbtqia", "LGBTQIA+"
    FIRST_IN_FAMILY = "first_in_family", "First in family in tech"
    CAREER_CHANGER = "career_changer", "Came to tech from another career"
    PARENT = "parent", "Parent or carer"


# Fields answered with a yes (a checkbox), as opposed to free text.
FLAG_BACKGROUND_FIELDS = frozenset(
    {
        BackgroundField.LGBTQIA,
        BackgroundField.FIRST_IN_FAMILY,
        BackgroundField.CAREER_CHANGER,
        BackgroundField.PARENT,
    }
)


class Visibility(models.TextChoices):
    PRIVATE = "private", "Only me and program staff"
    PROGRAM = "program", "Everyone in my programs"
