"""Property-based fuzzing of the REST API against its own OpenAPI document.

Schemathesis reads /api/v1/_openapi from the app served by a real HTTP server
(werkzeug, in a thread, on a free port of 127.0.0.1, over a test database of
its own) and sends each operation generated requests, valid and invalid ones,
with a staff token and a borrower token. No response may be a server error
or differ from what the document says: its status, content type, headers
and body are documented; what the document forbids is refused; and what it
allows is never refused as malformed (400) nor for a field whose rules the
document states (only the domain's rules beyond it may refuse valid input).

FUZZ_EXAMPLES (default 15) bounds the examples per operation and generation
mode: 15 keeps the run near two minutes on two cores.
"""
import os
import threading
import time

import pytest
import schemathesis
from helpers import api_token
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from werkzeug.serving import WSGIRequestHandler, make_server

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
# Fields whose values no document can judge: whether the room exists, is
# visible to the caller and free then; the room's capacity; the reason a role
# must give; whether a checklist covers the room's equipment; a period's
# order and span; which years have a report; what a letter file holds;
# whether a text is an Indonesian phone number (app/domain/phone_numbers.py:
# a pattern could not say it short of copying the rule); attendance over the
# room's capacity; a recurrence's last day (a real date, not before its first,
# within the sessions a request may have), and a request's recurrence as a
# whole (its first session's times, sent beside sessions).
JUDGED_BY_THE_DOMAIN = frozenset({"room_id", "sessions", "participants", "reason",
                                  "checklist", "start", "end", "year", "letter",
                                  "contact_phone", "over_capacity_confirmed", "until",
                                  "recurrence"})


@schemathesis.check
def valid_input_is_refused_only_by_the_domain(ctx, response, case):
    """What the document allows is never malformed (400), and a 422 names only
    fields whose rules lie beyond the document."""
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return
    if response.status_code == 400:
        raise AssertionError(f"Valid input refused as malformed: {response.text[:300]}")
    if response.status_code == 422:
        beyond = set(response.json().get("errors", {})) - JUDGED_BY_THE_DOMAIN
        if beyond:
            raise AssertionError(f"Valid input refused at {sorted(beyond)}, whose "
                                 f"rules the document should state: "
                                 f"{response.text[:300]}")


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance,
          negative_data_rejection, valid_input_is_refused_only_by_the_domain]
# Who fuzzes: a staff member (every operation open to them) and a borrower
# (their own requests; 403 or 404 elsewhere).
ACCOUNTS = ("kasi", "peminjam1")


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


@pytest.fixture(scope="module")
def server(module_app):
    """The app on a free port, served by werkzeug in a background thread."""
    http = make_server("127.0.0.1", 0, module_app, threaded=False,
                       request_handler=_QuietHandler)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    client = module_app.test_client()
    tokens = {name: api_token(client, name) for name in ACCOUNTS}
    try:
        yield {"url": f"http://127.0.0.1:{http.server_port}", "tokens": tokens}
    finally:
        http.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def operations(server):
    """Every operation of the document the server serves (read with a token)."""
    schema = schemathesis.openapi.from_url(
        f"{server['url']}/api/v1/_openapi", headers=server["tokens"]["kasi"], timeout=30)
    found = [result.ok() for result in schema.get_all_operations()]
    labels = {f"{op.method.upper()} {op.path}" for op in found}
    assert {"GET /api/v1/rooms/", "GET /api/v1/availability", "GET /api/v1/loans/",
            "POST /api/v1/security/login"} <= labels
    return found


# Schemathesis's own pytest loader (schemathesis.pytest.from_fixture) sets
# the private Node._nodeid, which pytest 9 no longer has; its strategies with
# Hypothesis's @given and pytest's subtests do the same work.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                         ids=["valid", "invalid"])
def test_api_conforms_to_its_document(operations, server, subtests, mode):
    sent, started = 0, time.monotonic()
    for operation in operations:
        label = f"{operation.method.upper()} {operation.path}"

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case):
            nonlocal sent
            for name in ACCOUNTS:
                sent += 1
                case.call_and_validate(base_url=server["url"],
                                       headers=server["tokens"][name],
                                       checks=CHECKS, timeout=60)

        with subtests.test(msg=label):
            try:
                fuzz()
            except Unsatisfiable:
                # Nothing of it can be made invalid (no parameters, no body).
                if mode is GenerationMode.POSITIVE:
                    raise
    print(f"{mode.value}: {sent} requests over {len(operations)} operations "
          f"in {time.monotonic() - started:.0f} s")
