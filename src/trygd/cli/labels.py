"""Words the command line shows around the rules' own texts, in bokmål, nynorsk and English."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "assessed_on": {"nb": "vurdert per", "nn": "vurdert per", "en": "assessed on"},
    "outcome": {"nb": "Resultat", "nn": "Resultat", "en": "Outcome"},
    "granted": {"nb": "INNVILGET", "nn": "INNVILGA", "en": "GRANTED"},
    "rejected": {"nb": "AVSLÅTT", "nn": "AVSLÅTT", "en": "REJECTED"},
    "manual_assessment": {
        "nb": "TIL MANUELL VURDERING",
        "nn": "TIL MANUELL VURDERING",
        "en": "NEEDS MANUAL ASSESSMENT",
    },
    "conditions": {"nb": "Vilkår", "nn": "Vilkår", "en": "Conditions"},
    "calculation": {"nb": "Beregning", "nn": "Berekning", "en": "Calculation"},
    "parameters": {"nb": "Parametere brukt", "nn": "Parametrar brukte", "en": "Parameters used"},
    "ruleset": {"nb": "Regelsett", "nn": "Regelsett", "en": "Rule-set"},
    "warning": {"nb": "Advarsel", "nn": "Åtvaring", "en": "Warning"},
    "met": {"nb": "oppfylt", "nn": "oppfylt", "en": "met"},
    "not_met": {"nb": "ikke oppfylt", "nn": "ikkje oppfylt", "en": "not met"},
    "undetermined": {"nb": "uavklart", "nn": "uavklart", "en": "undetermined"},
    "determined": {"nb": "beregnet", "nn": "berekna", "en": "calculated"},
}


def label(key: str, language: str) -> str:
    return LABELS[key][language]
