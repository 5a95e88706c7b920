from __future__ import annotations

import json

import pytest
from crawl_helpers import SCHEMA_PATH
from jsonschema import Draft202012Validator


@pytest.fixture(scope="session")
def article_schema() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)
