"""Everything a person can do with a request, one function each (one transaction each).

Requester side: :func:`file_request`, :func:`add_information`, :func:`withdraw`, :func:`reopen`.
Office side: :func:`claim`, :func:`reply`, :func:`ask_documents`, :func:`transfer`, :func:`resolve`,
:func:`reject`; the office head also :func:`reassign`. Reading: see ``desk.views``.

Statuses: new → in_progress (claimed) → awaiting_requester (documents asked) → in_progress
(requester answered) → resolved | rejected; withdrawn by the requester while open; reopened within
``settings.reopen_window_days`` after resolution. An impossible step raises a named error from
``desk.errors`` and changes nothing.
"""

from desk.filing import file_request
from desk.lifecycle import claim, reassign, reject, reopen, resolve, transfer, withdraw
from desk.records import FileRef
from desk.thread import add_information, ask_documents, reply

__all__ = [
    "FileRef",
    "add_information",
    "ask_documents",
    "claim",
    "file_request",
    "reassign",
    "reject",
    "reopen",
    "reply",
    "resolve",
    "transfer",
    "withdraw",
]
