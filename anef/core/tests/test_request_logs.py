"""Every request log line says which request it belongs to and who sent it: in production one JSON object a
line, with the request's id (the load balancer's when well formed) echoed to the client, and the client's
real address behind the trusted proxies."""

import copy
import io
import json
import logging
import logging.config

import pytest
from django.conf import settings as django_settings

from anef.settings.base import console_handler

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_logs():
    """The project's logging configuration in its JSON format, written to a buffer; restored afterwards."""
    stream = io.StringIO()
    config = copy.deepcopy(django_settings.LOGGING)
    config["handlers"]["console"] = {**console_handler("json"), "stream": stream}
    logging.config.dictConfig(config)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines()]

    yield lines
    logging.config.dictConfig(django_settings.LOGGING)


def test_a_request_writes_a_json_line_with_its_id_and_the_clients_address(client, settings, json_logs):
    settings.ANEF_TRUSTED_PROXIES = 1
    request_id = "3f2b8c1e-5d6a-4e7f-9a0b-1c2d3e4f5a6b"

    response = client.get("/", HTTP_X_REQUEST_ID=request_id, HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="10.0.0.2")

    assert response.status_code == 200
    assert response["X-Request-ID"] == request_id
    [line] = [line for line in json_logs() if line["logger"] == "anef.request"]
    assert line["request_id"] == request_id
    assert line["client"] == "203.0.113.7"  # the client, not the load balancer
    assert (line["method"], line["path"], line["status"], line["level"]) == ("GET", "/", 200, "INFO")
    assert "time" in line and line["message"] == "GET / 200"


def test_a_malformed_or_missing_request_id_is_replaced_by_a_new_one(client, json_logs):
    first = client.get("/", HTTP_X_REQUEST_ID='"><script>alert(1)</script>')
    second = client.get("/")

    ids = [first["X-Request-ID"], second["X-Request-ID"]]
    assert all(len(value) == 32 and int(value, 16) >= 0 for value in ids)
    assert ids[0] != ids[1]
    assert [line["request_id"] for line in json_logs() if line["logger"] == "anef.request"] == ids
    assert "<script>" not in json.dumps(json_logs())


def test_djangos_own_lines_about_a_request_carry_its_id_too(client, json_logs):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-0123456789")

    assert response.status_code == 404
    not_found = [line for line in json_logs() if line["logger"] == "django.request"]
    assert [(line["message"], line["request_id"]) for line in not_found] == [
        ("Not Found: /no-such-page/", "req-0123456789")
    ]


def test_lines_written_outside_a_request_have_no_request_fields(json_logs):
    logging.getLogger("anef.somewhere").warning("a worker's line")

    [line] = [line for line in json_logs() if line["logger"] == "anef.somewhere"]
    assert "request_id" not in line and "client" not in line


def test_the_text_format_of_the_demo_names_the_request_too(client):
    stream = io.StringIO()
    config = copy.deepcopy(django_settings.LOGGING)
    config["handlers"]["console"] = {**console_handler("text"), "stream": stream}
    logging.config.dictConfig(config)
    try:
        client.get("/", HTTP_X_REQUEST_ID="req-text-0001")
        logging.getLogger("anef.somewhere").warning("outside")
    finally:
        logging.config.dictConfig(django_settings.LOGGING)

    text = stream.getvalue()
    assert "INFO anef.request [req-text-0001 127.0.0.1] GET / 200" in text
    assert "WARNING anef.somewhere [- -] outside" in text


def test_weasyprint_and_django_q_stay_quiet_below_warnings():
    assert logging.getLogger("weasyprint").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("django-q").getEffectiveLevel() == logging.WARNING
