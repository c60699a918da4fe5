"""The portal's `invite` fixture, shared by the チェックシート tests."""

from tests.web.test_portal import invite  # noqa: F401
