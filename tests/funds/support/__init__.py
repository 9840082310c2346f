"""Helpers shared by the funds tests (no test module imports another): the partnership
(``world``), service-layer steps and row snapshots (``steps``), a live server to race
requests at (``live``), the report scenario (``scenario``), GraphQL documents
(``documents``), and the ledger's reference model and state machine (``reference``,
``ledger_world``, ``ledger_machine``, ``ledger_invariants``)."""
