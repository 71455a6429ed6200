"""JSON Schema of an assessment result (`trygd assess --json`), format `trygd.assessment/1`.

The format is stable: fields are only ever added within version 1. A test validates real
results against this schema.
"""

from __future__ import annotations

from typing import Any

from trygd.rules.benefits import PROFILES

_SCALAR = {"type": ["number", "string", "boolean", "null"]}

_RULE = {
    "type": "object",
    "required": [
        "id",
        "legal_basis",
        "title",
        "status",
        "explanation",
        "facts_used",
        "values",
        "missing_facts",
    ],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "string", "description": "benefit.rule, e.g. dagpenger.minimum_income"},
        "legal_basis": {"type": "string", "description": "e.g. 'ftrl. § 4-4'"},
        "title": {"type": "string"},
        "status": {
            "enum": ["met", "not_met", "undetermined", "determined"],
            "description": "conditions: met, not_met or undetermined; calculations: determined "
            "or undetermined",
        },
        "explanation": {"type": "string", "description": "Plain language, with the values"},
        "facts_used": {"type": "object", "additionalProperties": True},
        "values": {
            "type": "object",
            "additionalProperties": _SCALAR,
            "description": "Values computed by the rule (amounts in NOK, dates ISO)",
        },
        "missing_facts": {"type": "array", "items": {"type": "string"}},
        "not_needed": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Facts that were missing but not needed: the rule was decided "
            "without them (one side of an 'or' met, one side of an 'and' not met). Present "
            "only when there are any.",
        },
    },
}


def output_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://trygd.example/schemas/assessment.json",
        "title": "trygd assessment result",
        "type": "object",
        "additionalProperties": False,
        "required": [
            "format",
            "benefit",
            "chapter",
            "at",
            "language",
            "outcome",
            "summary",
            "failing_conditions",
            "undetermined",
            "conditions",
            "calculations",
            "amounts",
            "parameters",
            "ruleset_version",
            "warnings",
        ],
        "properties": {
            "format": {"const": "trygd.assessment/1"},
            "benefit": {"enum": list(PROFILES)},
            "chapter": {"type": "string"},
            "at": {"type": "string", "format": "date"},
            "language": {"enum": ["nb", "nn", "en"]},
            "outcome": {"enum": ["granted", "rejected", "manual_assessment"]},
            "summary": {"type": "string"},
            "failing_conditions": {"type": "array", "items": {"type": "string"}},
            "undetermined": {"type": "array", "items": {"type": "string"}},
            "conditions": {"type": "array", "items": _RULE},
            "calculations": {"type": "array", "items": _RULE},
            "amounts": {"type": "object", "additionalProperties": _SCALAR},
            "parameters": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": [
                        "name",
                        "value",
                        "unit",
                        "valid_from",
                        "legal_basis",
                        "source",
                        "status",
                    ],
                    "properties": {
                        "name": {"type": "string"},
                        "value": {"type": "number"},
                        "unit": {"type": "string"},
                        "valid_from": {"type": "string", "format": "date"},
                        "legal_basis": {"type": "string"},
                        "source": {"type": "string"},
                        "status": {"enum": ["confirmed", "unconfirmed"]},
                    },
                },
            },
            "ruleset_version": {"type": "string"},
            "warnings": {"type": "array", "items": {"type": "string"}},
        },
    }
