"""Marks domain messages for translation without importing Django.

``makemessages`` extracts strings passed to ``gettext_noop``; the Django layer translates the
message with ``gettext`` when it shows it (see core.forms.add_rule_error).
"""


def gettext_noop(message: str) -> str:
    return message
