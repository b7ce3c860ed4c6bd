"""The exceptions library code raises; only the command line turns them into messages and exit codes."""


class ListenerError(Exception):
    """Root of every error listener raises on purpose. The message is meant for the operator."""


class ConfigError(ListenerError):
    """config.yaml (or an environment variable it names) is missing, unreadable or invalid."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class UsageError(ListenerError):
    """A command was given an argument it cannot use (the command line exits with code 2)."""


class StoreError(ListenerError):
    """The database cannot be opened or reached: store.url is wrong, or its server or folder is not there."""


class SchemaError(ListenerError):
    """The database schema is not the one this version of listener needs."""


class CollectorError(ListenerError):
    """A source could not be collected; the message says why and, where possible, how to fix it.

    ``status`` is what the collection_runs row records; ``requests`` and ``read`` may carry what the failed
    attempt cost, so budgets stay exact.
    """

    status = "failed"

    def __init__(self, message: str, *, requests: int = 0, read: int = 0):
        super().__init__(message)
        self.requests = requests
        self.read = read


class AuthenticationError(CollectorError):
    """The platform refused the credentials."""


class RateLimited(CollectorError):
    """The platform asked us to wait longer than the source allows; the stream resumes on the next run."""

    status = "rate_limited"


class Interrupted(CollectorError):
    """A stop was requested (SIGTERM, Ctrl-C) while the stream waited; it resumes from its cursor next run."""

    status = "stopped"


class BudgetExhausted(CollectorError):
    """The source's API budget (posts or credits) is used up until the next period."""

    status = "budget_exhausted"


class ReportWriteError(ListenerError):
    """A report's files could not be written (the disk is full, or the folder is not writable)."""


class DeliveryError(ListenerError):
    """A report was written but could not be delivered (the SMTP server refused or could not be reached)."""


class LeaseLost(ListenerError):
    """Our lease on a stream expired and another worker took it: stop, and commit nothing more."""


class PseudonymKeyMismatch(UsageError):
    """The pseudonymisation key is not the one the store's author keys were made with (exit code 2)."""
