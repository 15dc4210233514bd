"""gunicorn for the web processes: `gunicorn -c deploy/gunicorn.conf.py anef.wsgi`.

Threads (gthread): a request mostly waits on PostgreSQL, Redis, S3 or clamd, so each process serves
several at once. Every thread may hold one PostgreSQL connection (ANEF_DB_CONN_MAX_AGE keeps it
open), so a machine opens up to workers x threads connections: size PostgreSQL's max_connections
(or the pooler in front of it) for every web machine plus the task workers (docs/operations.md,
"Scaling").

gunicorn never faces the internet: a reverse proxy or load balancer in front terminates TLS, buffers
slow clients and uploads, enforces a request deadline and sets X-Forwarded-For/X-Forwarded-Proto.
Django trusts X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER) and the client address from
X-Forwarded-For (ANEF_TRUSTED_PROXIES) whoever sends them, so bind to an address that only the
proxy can reach. `forwarded_allow_ips` is gunicorn's own list of proxies whose X-Forwarded-Proto it
believes (wsgi.url_scheme); Django does not depend on it.
"""

import os


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this container or cgroup may use
    except AttributeError:
        return os.cpu_count() or 1


bind = os.environ.get("ANEF_WEB_BIND", "0.0.0.0:8000")  # noqa: S104 (a private interface; see above)
worker_class = "gthread"
workers = int(os.environ.get("ANEF_WEB_WORKERS", str(_cpus())))
threads = int(os.environ.get("ANEF_WEB_THREADS", "4"))
# A worker that stops answering its master for this long is killed and replaced. With threads this is
# not a request deadline: the proxy in front enforces that (e.g. 60 s).
timeout = int(os.environ.get("ANEF_WEB_TIMEOUT", "30"))
# On SIGTERM (a deployment, a scale-down) requests in progress get this long to finish.
graceful_timeout = int(os.environ.get("ANEF_WEB_GRACEFUL_TIMEOUT", "30"))
# Longer than the load balancer's idle timeout (often 60 s), so that gunicorn never closes a
# connection the balancer is about to reuse (a source of sporadic 502s).
keepalive = int(os.environ.get("ANEF_WEB_KEEPALIVE", "75"))
# Each process is replaced after about this many requests (WeasyPrint and Pillow keep memory).
max_requests = int(os.environ.get("ANEF_WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# Settings and the signing keys are loaded once, in the master: a misconfiguration stops the start
# with its message instead of looping on worker boots. Connections are opened after the fork.
preload_app = True
# Heartbeat files in memory: a container's overlay filesystem can stall them.
SHM = "/dev/shm"  # noqa: S108 (gunicorn creates its own private files there)
worker_tmp_dir = SHM if os.path.isdir(SHM) else None
forwarded_allow_ips = os.environ.get("ANEF_WEB_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Logs go to stdout/stderr, to the journal or the container runtime. The client is the first address
# of X-Forwarded-For (the proxy's own address is %(h)s); %(D)s is the duration in microseconds.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("ANEF_WEB_LOG_LEVEL", "info")
access_log_format = '%({x-forwarded-for}i)s %(h)s "%(r)s" %(s)s %(B)s %(D)s "%(f)s" "%(a)s" %({x-request-id}i)s'
proc_name = "anef-web"
