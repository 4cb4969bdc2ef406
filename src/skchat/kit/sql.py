"""SQL fragments shared by modules that cannot import each other (kit/db imports kit/notify)."""

# A FROM item that lets the statement's transaction commit without waiting for its WAL to reach
# disk (synchronous_commit = off for that transaction only). For bookkeeping whose loss in a
# PostgreSQL crash costs nothing but a repeat: the workers' leases and outcomes, wake-ups.
ASYNC_COMMIT = "set_config('synchronous_commit', 'off', true) AS async_commit"
