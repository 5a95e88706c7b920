"""healtharchive's application layer: Scrapy settings, spiders and the command line."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("healtharchive")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"
