"""Copies of other libraries' internals, each kept because bench/mirrors.py measures what it saves on a
warm lookup, and held to the library it mirrors by tests/test_mirrors.py (docs/performance.md)."""
