"""Only for ``scrapyd-deploy``, which builds the Scrapyd egg with ``python setup.py
bdist_egg``: everything (packages, package data, the ``scrapy`` settings entry point) is
declared in pyproject.toml."""

from setuptools import setup

setup()
