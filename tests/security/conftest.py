"""Fixtures the security tests share with the web tests."""

from tests.web.conftest import invite  # noqa: F401
