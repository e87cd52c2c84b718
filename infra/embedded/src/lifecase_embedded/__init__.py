"""The embedded mode: one command starts nats-server, the Temporal dev server and all four
services behind one base URL, on SQLite files under ``./.lifecase/``."""
