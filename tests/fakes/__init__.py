"""Local fakes for tests: a paginated HTTP API, the collector that reads it, and a launcher for subprocesses."""
