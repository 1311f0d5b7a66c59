"""Past the cap on queries at once, a query is refused at once with 503 and Retry-After, whether
asked by a client or from the query page; answers from the cache still come; a query that waited
for a busy process until its time ran out is told to come back, one stopped for its own time is
not; and places free up when the queries end."""

from __future__ import annotations

import concurrent.futures
import http.client
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.helpers import RunningServer

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # runs until stopped at the time limit
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def capped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    folder = tmp_path_factory.mktemp("capped")
    # One process for two places: the second query waits for the first, which runs until stopped.
    arguments = ["--max-concurrent-queries", "2", "--query-timeout", "4", "--query-processes", "1"]
    running = RunningServer(folder / "store", *arguments)
    yield running
    running.stop()


def _active(client: httpx.Client) -> int:
    count: int = client.get("/health").json()["queries"]["active"]
    return count


def _until_active(client: httpx.Client, count: int) -> None:
    for _ in range(600):  # polled, not timed: each round is a request
        if _active(client) == count:
            return
        time.sleep(0.01)
    raise AssertionError(f"the server never had {count} queries running")


def test_queries_past_the_cap_are_refused_with_retry_after_until_places_free(capped: RunningServer) -> None:
    with httpx.Client(base_url=capped.url, timeout=60) as client, concurrent.futures.ThreadPoolExecutor(2) as pool:
        assert client.get("/sparql", params={"query": "ASK {}"}, headers=JSON).status_code == 200  # now cached
        slow = [pool.submit(client.get, "/sparql", params={"query": f"# {n}\n{SLOW}"}, headers=JSON) for n in (1, 2)]
        _until_active(client, 2)

        refused = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers=JSON)
        page = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "text/html"})
        cached = client.get("/sparql", params={"query": "ASK {}"}, headers=JSON)

        stopped = [future.result() for future in slow]
        _until_active(client, 0)
        after = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers=JSON)

    assert refused.status_code == 503 and refused.headers["retry-after"].isdigit()
    assert "at once" in refused.text
    assert page.status_code == 503 and "retry-after" in page.headers and "<form" in page.text
    assert cached.status_code == 200 and cached.headers["govlod-cache"] == "hit"
    assert [answer.status_code for answer in stopped] == [503, 503]
    ran, waited = sorted(stopped, key=lambda answer: "retry-after" in answer.headers)
    assert "limit" in ran.text and "retry-after" not in ran.headers  # too slow: no invitation to send it again
    assert "busy" in waited.text and waited.headers["retry-after"].isdigit()  # it never ran: come back
    assert after.status_code == 200 and after.json()["boolean"] is True


def test_health_says_how_many_queries_run_and_the_cap(capped: RunningServer) -> None:
    queries = httpx.get(capped.url + "health").json()["queries"]
    assert queries == {"active": 0, "most": 2}


def test_the_home_page_answers_while_every_query_process_is_busy(capped: RunningServer) -> None:
    with httpx.Client(base_url=capped.url, timeout=60) as client, concurrent.futures.ThreadPoolExecutor(1) as pool:
        slow = pool.submit(client.get, "/sparql", params={"query": f"# home\n{SLOW}"}, headers=JSON)
        _until_active(client, 1)
        home = client.get("/", headers={"Accept": "text/html", "Accept-Language": "en"})
        busy = _active(client)
        slow.result()
    assert busy == 1  # the slow query still held the only process when the page was answered
    assert home.status_code == 200
    assert "Publishers of the sources" in home.text


def test_a_client_waiting_as_told_finds_its_connection_still_open(capped: RunningServer) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", capped.port, timeout=30)
    try:
        connection.request("GET", "/health")
        assert connection.getresponse().read()
        local = connection.sock.getsockname()
        time.sleep(6)  # longer than uvicorn's default keep-alive, which closed connections under waiting clients
        connection.request("GET", "/health")
        answer = connection.getresponse()
        assert answer.status == 200 and answer.read()
        assert connection.sock.getsockname() == local  # the same connection, not a new one
    finally:
        connection.close()
