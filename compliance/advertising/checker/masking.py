"""Masking of stored check texts, from the privacy module (``compliance.privacy.pii``).

Phones, e-mail addresses and resident IDs are recognised and masked in one
place; the checker's pages and API import the functions from here. Stored
check texts are free text, so they get ``mask_text``: a mistyped ID (wrong
check digit) or an e-mail address in a pasted draft is personal data too.
"""

from compliance.privacy.pii import mask_personal, mask_text

__all__ = ["mask_personal", "mask_text"]
