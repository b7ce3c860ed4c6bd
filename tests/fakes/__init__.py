"""Local fake API servers (real HTTP on 127.0.0.1) that reproduce each platform's documented behaviour."""
