"""The JSON API at /api/v1/ (django-ninja): the same services, queries and access
rules as the pages, with personal access tokens (docs/architecture.md)."""
