"""Shared plumbing, written once: db, ids, errors, pagination, idempotency, auth."""
