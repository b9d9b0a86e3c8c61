"""The team server's PostgreSQL schema, roles and row-level security policies.

``schema`` generates the record tables from the same peewee models the laptop's SQLite file
uses (``bind_ctx``), adds the server-only columns and tables, and versions them;
``policies`` holds the roles, grants and row-level security; ``roles`` creates consultants
and shares engagements. Everything here takes an open psycopg 3 connection and runs each
change as one transaction; nothing here imports the core.
"""
