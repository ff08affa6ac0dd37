"""The OpenAPI document: every operation has an id, a summary and its error
answers, every id is unique, and every write says it may be refused (409/422)."""

import pytest

from mentora.api.api import api

pytestmark = pytest.mark.django_db
METHODS = ("get", "post", "put", "patch", "delete")


def operations():
    for path, item in api.get_openapi_schema()["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_every_operation_has_an_id_a_summary_and_its_error_answers():
    seen = []
    for path, method, op in operations():
        where = f"{method.upper()} {path}"
        assert op.get("operationId"), where
        assert op.get("summary"), where
        answers = {str(code) for code in op["responses"]}
        assert {"401", "404", "422", "429"} <= answers, (where, answers)
        if method != "get":
            assert {"403", "409"} & answers, (where, answers)
        seen.append(op["operationId"])
    assert len(seen) == len(set(seen)), "operation ids repeat"
    assert len(seen) >= 50


def test_the_document_is_served_and_names_the_bearer_scheme(client):
    served = client.get("/api/v1/openapi.json").json()

    assert served["info"]["version"] == "1"
    schemes = served["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
