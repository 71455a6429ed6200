"""The words for the codes a payment carries, shared by the person's and the caseworker's
payment pages (`routes/citizen_payments.py`, `routes/staff_payments.py`).

The services answer with codes (`held`, `payment_rejected`, `etterbetaling`); a page shows
them as words in its language. Marked here with `N_` so the catalogue check finds them, and
translated in the templates with `_()`. Numbers, dates and legal bases are never part of
these texts: they come from the payment (the stored line and decision record) as
placeholders.
"""

from __future__ import annotations

from trygd.web.i18n import N_

STATUS = {
    "planned": N_("Planned"),
    "held": N_("Held back"),
    "ordered": N_("Sent to the bank"),
    "accepted": N_("Paid"),
    "accepted_with_warning": N_("Paid"),
    "rejected": N_("Rejected by the bank"),
    "recovery": N_("Paid too much"),
    "withheld_in_full": N_("All of it withheld as tax"),
}
STATUS_VARIANT = {
    "planned": "info",
    "held": "warning",
    "ordered": "neutral",
    "accepted": "success",
    "accepted_with_warning": "success",
    "rejected": "error",
    "recovery": "warning",
    "withheld_in_full": "neutral",
}

# What a line is to its period.
CHANGE = {
    "first": N_("Payment"),
    "etterbetaling": N_("Etterbetaling"),
    "feilutbetaling": N_("Feilutbetaling"),
    "new_attempt": N_("New attempt"),
}
CHANGE_SENTENCE = {
    "first": N_("The payment for this period."),
    "etterbetaling": N_(
        "A new decision gives you more for this period than we paid. We pay the difference."
    ),
    "feilutbetaling": N_(
        "A new decision gives you less for this period than we paid. You have been paid too "
        "much. We will write to you about whether you must pay it back."
    ),
    "new_attempt": N_("Your bank could not pay the money in. We pay it again."),
}

# A supplement by the suffix of its kind (the benefit's home declares the suffix).
SUPPLEMENTS = {"_barnetillegg": N_("Barnetillegg")}
SUPPLEMENT = N_("Supplement")
REFUND = N_("%(benefit)s, refunded to the employer")

# Why a payment is held, as the person reads it: what is missing and what to do.
HELD_FOR_PERSON = {
    "account_number": N_(
        "We do not have an account number for you. Give us your account number on nav.no, "
        "and we will pay."
    ),
    "account_number_invalid": N_(
        "The account number we have for you is not valid. Give us your account number on "
        "nav.no, and we will pay."
    ),
    "tax_table_amount": N_(
        "We are waiting for information from Skatteetaten about how much tax to withhold. "
        "We will pay as soon as we have it."
    ),
    "tax_card_invalid": N_(
        "We could not read your tax card from Skatteetaten. A caseworker is looking at it."
    ),
    "payment_rejected": N_(
        "Your bank could not pay the money into your account. Give us an account number that "
        "works on nav.no, and we will pay again."
    ),
}
HELD_FOR_EMPLOYER = N_(
    "We do not have a valid account number for your employer. A caseworker is looking at it."
)
HELD_OTHER = N_("A caseworker is looking at the payment.")

# The same reasons for a caseworker (the task's reason words are in staff_common).
HELD_FOR_STAFF = {
    "account_number": N_("No account number"),
    "account_number_invalid": N_("The account number is not valid"),
    "tax_table_amount": N_("The tax table amount is missing"),
    "tax_card_invalid": N_("The tax card cannot be read"),
    "payment_rejected": N_("The bank rejected the payment"),
}

TAX = {
    "percentage": N_("Withheld by your tax card: %(percent)s"),
    "table": N_("Withheld by your tax card, by Skatteetaten's tax table"),
    "frikort": N_("You have a frikort, so no tax was withheld"),
    "none": N_("We have no tax card for you, so %(percent)s was withheld"),
    "nothing": N_("No tax on this line"),
}

PAYEE = {
    "person": N_("Your bank account"),
    "employer": N_("Your employer, who paid your salary while you were sick"),
}
