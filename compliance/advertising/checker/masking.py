"""Masking of stored check texts: the privacy module's ``mask_personal``, under its old name.

Phones and resident IDs are recognised and masked in one place,
``compliance.privacy.pii``; the checker's pages and API import it from here.
"""

from compliance.privacy.pii import mask_personal

__all__ = ["mask_personal"]
