"""Schemathesis over the OpenAPI document as admin and as leadership (the method: tests/security/fuzzing.py)."""

from tests.security.fuzzing import fuzz_roles, fuzzed, schema  # noqa: F401  (fixtures)


def test_every_operation_as_admin_and_leadership_keeps_the_documented_contract(fuzzed, schema):  # noqa: F811
    fuzz_roles(fuzzed, schema, ("admin", "leadership"))
