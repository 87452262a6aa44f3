# Read by gunicorn from the working directory (the web container, the benchmarks).
logger_class = "portal.gunicorn_logging.RedactingLogger"
