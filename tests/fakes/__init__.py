"""Local fakes for tests: fake API servers (real HTTP on 127.0.0.1) reproducing each platform's documented
behaviour, a paginated API with the collector that reads it, and a launcher for subprocesses."""
