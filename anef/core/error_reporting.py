"""Error reporting to a Sentry server, off unless ANEF_SENTRY_DSN is set (docs/operations.md, "Error reporting").

Started by anef.core's AppConfig.ready in every process (web, task workers, commands). Personal data must not
leave: no user, no cookies, no request body, no query string, no headers but the harmless ones, no local
variables of the failing frames; what remains is the error, its traceback, the method and path, the release
and the environment.
"""

SAFE_HEADERS = ["Host", "User-Agent", "Accept", "Accept-Language", "Content-Type", "Content-Length", "X-Request-ID"]
# What the SDK may collect: `data_collection` is the SDK's successor to `send_default_pii=False` (deprecated in
# 2.x), and says it field by field; anything left out would default to collecting.
DATA_COLLECTION = {
    "user_info": False,
    "cookies": {"mode": "off"},
    "http_headers": {"request": {"mode": "allowlist", "terms": SAFE_HEADERS}},
    "http_bodies": [],
    "url_query_params": {"mode": "off"},
    "graphql": {"document": False, "variables": False},
    "gen_ai": {"inputs": False, "outputs": False},
    "database_query_data": False,
    "queues": False,
    "stack_frame_variables": False,
}


SAFE_LOWER = {name.lower() for name in SAFE_HEADERS}


def scrub_event(event, hint):
    """Sentry's before_send: keep only what says where it failed, never who was concerned."""
    request = event.get("request")
    if request:
        headers = request.get("headers") or {}
        event["request"] = {
            "method": request.get("method"),
            "url": request.get("url"),
            "headers": {name: value for name, value in headers.items() if name.lower() in SAFE_LOWER},
        }
    event.pop("user", None)
    return event


def error_reporting_init(*, dsn: str, environment: str, release: str) -> bool:
    """Start Sentry's client when a DSN is given; say whether it was started."""
    if not dsn:
        return False
    import sentry_sdk  # only where reporting is on
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration()],
        data_collection=DATA_COLLECTION,
        max_request_body_size="never",
        before_send=scrub_event,
        traces_sample_rate=None,
        auto_session_tracking=False,
        send_client_reports=False,
    )
    return True
