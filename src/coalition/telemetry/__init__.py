"""What an operator sees of a running server: Prometheus metrics (``/metrics``),
OpenTelemetry traces (only when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set) and the
counters of domain activity.

Part of the shared kernel: it imports no domain. Domains call ``activity``; the app
wires the rest (``wiring``).
"""
