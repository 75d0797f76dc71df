"""The requests desk: the rules of people, offices and requests, without Telegram.

Every function a person can trigger takes a :class:`desk.uow.UnitOfWork` and a
:class:`desk.actors.Actor`, runs in one transaction, checks permission (``desk.permissions``)
and raises a named error from ``desk.errors`` when the step is impossible (then nothing changed).

- ``desk.requests``  file_request, claim, reply, ask_documents, transfer, resolve, reject,
  reassign, add_information, withdraw, reopen
- ``desk.people``    register, approve_registration, refuse_registration, set_language,
  add_agent, remove_agent, list_agents
- ``desk.roster``    import_roster
- ``desk.views``     my_requests, office_queue, request_history, find_request, …
- ``desk.notifications``  the outbox kinds and their params
"""
