"""Database access: engines, the embedded server, tenant-scoped transactions."""
