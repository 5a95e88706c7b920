"""The error the command line prints as one line (its own module, so that every
command module raises the same class, also when run as ``python -m crawler.cli``)."""


class UserError(Exception):
    """A problem the user can fix; printed as one line, no traceback."""
