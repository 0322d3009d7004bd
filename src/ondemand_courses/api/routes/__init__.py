"""One router module per resource.

Services are synchronous and block while the database works or waits for a lock.
Handlers call them through ``api.context.call_service``: on PostgreSQL in the thread pool,
so that a waiting query occupies one thread and not the worker's event loop, which keeps
serving other requests; on SQLite on the event loop, where the thread hand-off cost more
than the waits it would hide.
"""
