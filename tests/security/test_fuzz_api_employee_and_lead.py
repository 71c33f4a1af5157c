"""Schemathesis over the OpenAPI document as employee and as lead (the method: tests/security/fuzzing.py)."""

from tests.security.fuzzing import fuzz_roles, fuzzed, schema  # noqa: F401  (fixtures)


def test_every_operation_as_employee_and_lead_keeps_the_documented_contract(fuzzed, schema):  # noqa: F811
    fuzz_roles(fuzzed, schema, ("employee", "lead"))
