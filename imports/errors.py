"""Why an import does not happen: a file we cannot read, or a write we refuse."""


class ImportRejected(Exception):
    """The whole file is refused; the message says why in the user's terms."""


class NoHeader(ImportRejected):
    """A sheet that is empty or has no header we recognise: another sheet may have one."""


class ImportRefused(Exception):
    """Nothing was written; the message says why."""
