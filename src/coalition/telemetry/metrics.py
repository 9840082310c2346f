"""Every Prometheus metric the server exports, in one place.

Labels hold only bounded values: route templates (never raw paths), methods, statuses,
operation types, document hashes (capped, ``telemetry.labels``), outcomes, enum values,
and a partnership's slug only when ``metrics_tenant_labels`` is on (capped too). Never a
user, an ID or an email: ``tests/observability/test_labels.py`` scans every series.

In multiprocess mode (``PROMETHEUS_MULTIPROC_DIR``, ``coalition serve --workers`` > 1)
each worker writes its values to files there and ``/metrics`` adds them up; gauges say
how to combine theirs (``multiprocess_mode``).
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

TENANT = "tenant"

HTTP_REQUESTS = Counter(
    "coalition_http_requests",
    "HTTP requests served, by route template, method, status and GraphQL operation type.",
    ["route", "method", "status", "operation_type", TENANT],
)
HTTP_DURATION = Histogram(
    "coalition_http_request_duration_seconds",
    "Time from a request's arrival to the end of its response.",
    ["route", "method", "operation_type", TENANT],
)
GRAPHQL_OPERATIONS = Counter(
    "coalition_graphql_operations",
    "GraphQL operations, by document hash (never the text) and outcome: ok, userErrors, "
    "FORBIDDEN, validation, internal, unavailable.",
    ["operation_type", "operation", "outcome", TENANT],
)
QUERY_COST = Histogram(
    "coalition_graphql_query_cost",
    "The priced cost of each GraphQL operation (api/limits.py), accepted or refused.",
    ["operation_type"],
    buckets=(1, 10, 50, 100, 500, 1_000, 2_500, 5_000, 10_000, 20_000, 50_000),
)
STATEMENTS = Histogram(
    "coalition_db_statements_per_request",
    "SQL statements one HTTP request ran.",
    ["route"],
    buckets=(0, 1, 2, 5, 10, 20, 50, 100, 200, 500),
)

POOL_SIZE = Gauge(
    "coalition_db_pool_size",
    "Connections the pool keeps (per process; summed over live workers).",
    multiprocess_mode="livesum",
)
POOL_MAX_OVERFLOW = Gauge(
    "coalition_db_pool_max_overflow",
    "Connections the pool may open beyond its size.",
    multiprocess_mode="livesum",
)
POOL_CHECKED_OUT = Gauge(
    "coalition_db_pool_checked_out",
    "Connections in use by requests and jobs right now.",
    multiprocess_mode="livesum",
)
POOL_WAITING = Gauge(
    "coalition_db_pool_waiting",
    "Callers waiting for a connection right now (the pool and its overflow are in use).",
    multiprocess_mode="livesum",
)
POOL_WAITS = Counter(
    "coalition_db_pool_waits",
    "Checkouts that had to wait for a connection to come back.",
)

LEDGER_POSTINGS = Counter(
    "coalition_ledger_postings",
    "Balanced transactions posted to the funds ledger (committed), by kind.",
    ["kind", TENANT],
)
DEMAND_RELEASES = Counter(
    "coalition_demand_releases",
    "Pooled demand releases published (committed), by who made them.",
    ["made_by", TENANT],
)
DEMAND_RELEASE_FAILURES = Counter(
    "coalition_demand_release_failures",
    "Scheduled demand releases that failed with an error (logged with its traceback).",
)
EVENT_REGISTRATIONS = Counter(
    "coalition_event_registrations",
    "Places taken at events (committed), by status: confirmed or waitlisted.",
    ["status", TENANT],
)
IMPORTS = Counter(
    "coalition_imports",
    "CSV imports (committed), by what they import and whether they were refused.",
    ["kind", "outcome", TENANT],
)
IMPORTED_ROWS = Counter(
    "coalition_imported_rows",
    "Rows taken in by CSV imports (created, updated or unchanged).",
    ["kind", TENANT],
)
CACHE_LOOKUPS = Counter(
    "coalition_figure_cache_lookups",
    "Lookups in the outcome figure caches (outcomes/figure_cache.py), by cache and result.",
    ["cache", "result"],
)
