"""Team mode: a laptop's SQLite file kept in step with the firm's PostgreSQL server.

Small modules, one job each: ``address`` (parsing and checking a server address, TLS),
``credentials`` (the password in the operating system's keyring, never in a file),
``connection`` (connecting, with one clear line for each way it fails, and the version
check), ``admin`` (preparing a server, adding consultants), ``membership`` (join, leave,
share from a laptop).
"""
