"""Fixtures for the knowledge tests: `demo_store` and `demo_tenant` live in tests/conftest.py."""
