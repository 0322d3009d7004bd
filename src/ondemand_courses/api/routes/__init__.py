"""One router module per resource.

Services are synchronous and block while the database works or waits for a lock.
Handlers call them through ``run_in_threadpool``, so that a waiting query occupies one
thread and not the worker's event loop, which keeps serving other requests.
"""
