"""The benchmarks' own parts, tested against the pages they model: the web tests' cast."""

from tests.web.conftest import web_cast

__all__ = ["web_cast"]
