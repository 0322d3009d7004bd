"""One router module per resource.

Services are synchronous and block while the database works or waits for a lock.
Handlers call them through ``api.context.call_service``. On PostgreSQL it uses the thread
pool, so that a waiting query occupies one thread and not the worker's event loop, which
keeps serving other requests. On SQLite it calls them on the event loop, because there the
thread hand-off cost more than the waits it would hide.
"""
