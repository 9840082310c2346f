"""Helpers shared by the funds tests (no test module imports another): the partnership
(``world``), service-layer steps and row snapshots (``steps``), a live server to race
requests at (``live``), and the report scenario (``scenario``)."""
