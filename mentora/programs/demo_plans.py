"""Each demo mentee's own plan: what they learn, the role they aim for, and the
portfolio project the workspace text talks about. Keyed by the names in
`demo_people.MENTEES`, so no two mentees read alike (their track only groups them)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Plan:
    """What one mentee learns, aims for, and builds: their own words, not the track's."""

    learning: str
    aim: str
    project: str  # the portfolio project the workspace text talks about


PLANS: dict[str, Plan] = {
    # Back-end
    "Lena Hoffmann": Plan(
        "Python and Django, with an eye on software for hospitals",
        "Junior backend developer in health tech",
        "a shift-swap app for ward nurses",
    ),
    "Sarah O'Brien": Plan(
        "REST APIs with Django REST framework and PostgreSQL",
        "Backend developer at a pharmacy or retail chain",
        "a prescription-refill reminder API",
    ),
    "Yusuf Ibrahim": Plan(
        "Python back ends and geospatial data with PostGIS",
        "Backend developer, GIS or mapping software",
        "a map of accessible entrances for Berlin U-Bahn stations",
    ),
    "Laura García": Plan(
        "Django and Celery for lab and research workflows",
        "Python developer in biotech or research software engineer",
        "a sample-tracking system for a small lab",
    ),
    "Felix Wagner": Plan(
        "Turning years of Python tinkering into professional habits: tests, Git, code review",
        "Python developer, any domain with hard problems",
        "a simulator for home solar batteries",
    ),
    "Hamza Benali": Plan(
        "Back-end web development from scratch, Python first",
        "Junior developer at a mobility or logistics company",
        "a fare-splitting app for shared taxi rides",
    ),
    "Chiara Romano": Plan(
        "Python, Django and audio processing on the side",
        "Backend developer at a music or streaming company",
        "a rehearsal-room booking site for bands",
    ),
    "Ahmed Hassan": Plan(
        "Python and Django, moving from pharmacy into health software",
        "Backend developer for clinical or pharmacy systems",
        "a drug-interaction lookup service",
    ),
    # Data
    "Tariq Al-Masri": Plan(
        "SQL and Python for supply-chain analytics",
        "Data analyst in logistics",
        "a dashboard of late freight deliveries by route",
    ),
    "Giulia Bianchi": Plan(
        "Statistics in Python, pandas and a first look at machine learning",
        "Data scientist, education or public sector",
        "an analysis of Italian school drop-out rates by region",
    ),
    "Ravi Patel": Plan(
        "Analytics engineering with dbt and SQL, coming from accounting",
        "Analytics engineer in fintech",
        "a dbt project that reconciles invoices and payments",
    ),
    "Mei Lin": Plan(
        "Python and SQL to automate survey analysis",
        "Data analyst in market research or e-commerce",
        "a survey-results pipeline with automatic charts",
    ),
    "Sophie Müller": Plan(
        "Data science after lab biology: pandas, scikit-learn, clean notebooks",
        "Data scientist in life sciences",
        "a model predicting protein stability from public data",
    ),
    "Arjun Nair": Plan(
        "Time-series analysis and data engineering for energy data",
        "Data engineer in the energy sector",
        "a pipeline for hourly solar-farm output",
    ),
    "Julia Schmidt": Plan(
        "SQL, spreadsheets to pandas, and people analytics",
        "People-analytics or HR data analyst",
        "a staff-turnover report built from anonymised HR data",
    ),
    "Grace Wanjiru": Plan(
        "Data analysis for public health with SQL and Python",
        "Data analyst at an NGO or health ministry",
        "a vaccination-coverage map for Nairobi's sub-counties",
    ),
    # Front-end
    "Emma Dubois": Plan(
        "Moving from print to the web: HTML, CSS and React",
        "Front-end developer at a design agency",
        "a portfolio site for small print studios",
    ),
    "Anna Svensson": Plan(
        "React and data visualisation for news",
        "Front-end developer in a newsroom",
        "an interactive election-results page",
    ),
    "Carlos Mendoza": Plan(
        "Front-end development with React and TypeScript",
        "Front-end developer, hospitality or food-tech",
        "an online ordering page for family restaurants",
    ),
    "Isabel Costa": Plan(
        "Design systems, accessibility and React",
        "UI engineer working on a design system",
        "a component library with accessible form controls",
    ),
    "Niamh Kelly": Plan(
        "Accessible front-end development for learning tools",
        "Front-end developer in ed-tech",
        "a reading-practice app for primary-school children",
    ),
    "Leila Karimi": Plan(
        "CSS animation, SVG and React for illustrated interfaces",
        "Creative front-end developer",
        "an illustrated, animated children's story site",
    ),
    # Full-stack JavaScript
    "Oluwaseun Adeyemi": Plan(
        "Node.js and React, with TypeScript everywhere",
        "Junior full-stack developer in retail tech",
        "a stock-level tracker for small shops",
    ),
    "Nora Jansen": Plan(
        "React Native and Node.js for mobile apps and games",
        "Mobile developer (React Native)",
        "a mobile app for organising board-game nights",
    ),
    "Amara Diallo": Plan(
        "Full-stack JavaScript for community services",
        "Full-stack developer at a non-profit or civic-tech team",
        "a directory of free legal and social services in Paris",
    ),
    "Elif Şahin": Plan(
        "TypeScript, Node.js and testing for SaaS products",
        "Full-stack developer at a SaaS company",
        "a customer-feedback inbox with tagging",
    ),
    "Mateo Silva": Plan(
        "React Native and Node.js, aiming at mobile first",
        "Junior mobile developer",
        "a field-sales app that works offline",
    ),
    # Test automation
    "Marta Nowak": Plan(
        "Test automation with Playwright, coming from software support",
        "QA automation engineer",
        "an end-to-end suite for an open-source helpdesk",
    ),
    "Chloé Martin": Plan(
        "Cypress and API testing for booking systems",
        "QA engineer in travel or hospitality software",
        "a test suite for a hotel-booking demo site",
    ),
    "Zanele Dlamini": Plan(
        "Manual testing to automation: Playwright and TypeScript",
        "QA automation engineer in banking",
        "automated checks for an online-banking demo",
    ),
    "Ingrid Larsen": Plan(
        "Test automation and test design for safety-minded software",
        "SDET, ideally in aviation or transport",
        "a Playwright suite for a flight-status page",
    ),
    "Hana Novák": Plan(
        "Testing localised software: Playwright, i18n checks, accessibility",
        "QA engineer for multilingual products",
        "translation-coverage tests for an open-source app",
    ),
    # Cloud and DevOps
    "Kemal Aydın": Plan(
        "Linux, Docker and CI/CD pipelines",
        "Junior DevOps engineer",
        "a CI pipeline that builds and deploys a small web app",
    ),
    "Dmytro Kovalenko": Plan(
        "Kubernetes and networking in the cloud",
        "Cloud or network engineer",
        "a home-lab Kubernetes cluster with monitoring",
    ),
    "Kwame Asante": Plan(
        "Terraform on AWS and site reliability",
        "Site reliability engineer",
        "Terraform modules for a three-tier app on AWS",
    ),
    "Samuel Osei": Plan(
        "Cloud fundamentals, Docker and a first AWS certification",
        "Cloud support engineer, then DevOps",
        "a containerised rota planner for shift teams",
    ),
    # Java
    "Pedro Alves": Plan(
        "Java and Spring Boot for industrial systems",
        "Java developer in manufacturing or energy",
        "a maintenance-ticket service for factory machines",
    ),
    "Jakob Berger": Plan(
        "Java, Spring and a bit of IoT",
        "Junior Java developer in building tech",
        "a service that logs smart-meter readings",
    ),
    "Tomás Ruiz": Plan(
        "Spring Boot, SQL and warehouse software",
        "Backend developer (Java) in logistics",
        "a pick-list optimiser for a small warehouse",
    ),
    "Viktor Petrov": Plan(
        "Java and Spring, starting from zero",
        "Junior Java developer",
        "a recipe-costing tool for restaurant kitchens",
    ),
}
