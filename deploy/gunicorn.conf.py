"""Gunicorn configuration of an application server (``gunicorn -c deploy/gunicorn.conf.py iscg.wsgi``).

Each server is stateless (sessions in PostgreSQL, uploads on object storage when STORAGE_S3_* is
set), so servers are added behind the load balancer as load grows. Everything can be overridden
from the environment (GUNICORN_*), as docs/deploy.md describes.
"""

import multiprocessing
import os

from gunicorn.glogging import Logger

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # the load balancer or reverse proxy in front
# Synchronous workers: the views are short and database-bound; a PDF is a few seconds of CPU.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # a national bilan PDF stays well under it
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then (memory of large exports), with jitter so they do not restart together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
preload_app = True  # import Django once, fork the workers (copy-on-write memory)
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
# No query strings in the access log: a bilan's scope is not personal, but keep logs minimal anyway.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
errorlog = "-"


class MaskingLogger(Logger):
    """The access log with the calendar subscription's token masked in the path (audit.request_id)."""

    def atoms(self, resp, req, environ, request_time):
        from audit.request_id import mask_secrets  # no Django import: a plain module

        return {
            name: mask_secrets(value) if isinstance(value, str) else value
            for name, value in super().atoms(resp, req, environ, request_time).items()
        }


logger_class = MaskingLogger
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")


def when_ready(server):
    """In the master, after the application is loaded and before the workers are forked: import the
    views and compile the templates once for all workers (iscg.warmup)."""
    from iscg.warmup import warm_up  # imported here: Django is set up by now (preload_app)

    server.log.info("Warmed up: URLconf loaded, %d templates compiled.", warm_up())
