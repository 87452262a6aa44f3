# Read by gunicorn from the working directory (the web container, the benchmarks).
import gc

logger_class = "portal.gunicorn_logging.RedactingLogger"

# Load the application once, in the master, before the workers fork. Nothing
# connects to PostgreSQL or Redis at import time, so no connection is shared
# between processes. (A code change then needs a restart, not a HUP.)
preload_app = True


def when_ready(server):  # noqa: ARG001 - gunicorn's hook signature
    """Hide everything the application allocated at start-up from the garbage collector.

    Django's modules, models, URL patterns and templates are ~130,000 objects
    that live as long as the process. Frozen before the fork, the workers' full
    collections walk only what requests allocate: shorter pauses (the list's
    p99 fell from ~107-119 ms to ~83-91 ms at 20 connections, bench/README.md)
    and memory pages that stay shared between workers.
    """
    gc.collect()
    gc.freeze()
