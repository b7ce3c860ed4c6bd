"""Privacy by design: pseudonymised authors, redaction of personal data, retention and erasure."""

from listener.privacy.pseudonyms import KEY_HINT, Pseudonymiser, load_pseudonym_key
from listener.privacy.redaction import CATEGORIES, Redactor, nhs_number_is_valid, redact

__all__ = [
    "CATEGORIES",
    "KEY_HINT",
    "Pseudonymiser",
    "Redactor",
    "load_pseudonym_key",
    "nhs_number_is_valid",
    "redact",
]
