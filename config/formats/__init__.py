"""Date formats (``FORMAT_MODULE_PATH``): one shape, on every page, in both languages.

Dates read 2028-01-05 and times 2028-01-05 14:30 whether a template prints a
date as it is, through ``|date`` without a format, through the ``formats``
filters, or code writes one into a sentence with
``django.utils.formats.date_format`` or ``isoformat()`` (reasons, audit lines
and task titles do). One shape for Chinese and English alike: it is what the
date inputs show, it sorts, it fits a table column at phone width, and a
sentence with a date reads the same as the table beside it.
"""
