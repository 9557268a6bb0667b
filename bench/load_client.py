"""The simulated learners of bench/load_learners.py: one thread and one keep-alive connection
each, asking the API what to do next and answering it, as the mobile client does.

Plain threads and http.client rather than locust: nothing here needs gevent (whose monkey-patching
would have to stay out of the Django process that sets the run up and counts the rows), and 50
blocking clients are well within what threads do on 2 cores.
"""

import http.client
import json
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# How a learner answers each item type: right or wrong does not matter for the load, only that
# the answer is well formed (the grader then does its full work).
ANSWER_FOR_TYPE: dict[str, Callable[[dict[str, Any]], Any]] = {
    "single_choice": lambda item: item["choices"][0]["key"],
    "multiple_choice": lambda item: [item["choices"][0]["key"]],
    "numeric": lambda item: "1",
    "short_text": lambda item: "x",
}


@dataclass
class Stats:
    """What every learner thread saw; appended to under one lock."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    acknowledged: dict[str, int] = field(default_factory=dict)  # client_id -> response_id
    retry_mismatches: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, kind: str, seconds: float, status: int) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)
            if status >= 400 or status == 0:
                self.errors[f"{kind} {status or 'network'}"] = (
                    self.errors.get(f"{kind} {status or 'network'}", 0) + 1
                )


class Learner(threading.Thread):
    def __init__(
        self,
        *,
        port: int,
        token: str,
        course: str,
        stats: Stats,
        deadline: float,
        retry_share: float,
        race_share: float = 0.0,
        seed: int,
    ) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.course = course
        self.stats = stats
        self.deadline = deadline
        self.retry_share = retry_share
        self.race_share = race_share
        self.random = random.Random(seed)
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, kind: str, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        payload = json.dumps(body) if body is not None else None
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=payload, headers=self.headers)
            response = self.connection.getresponse()
            raw = response.read()
            status = response.status
        except (OSError, http.client.HTTPException):
            # A dropped connection is an error for the figures; reconnect and go on.
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.stats.record(kind, time.perf_counter() - started, 0)
            return 0, None
        self.stats.record(kind, time.perf_counter() - started, status)
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, None

    def answer(self, item: dict[str, Any]) -> None:
        body = {
            "client_id": str(uuid.uuid4()),
            "item": item["id"],
            "answer": ANSWER_FOR_TYPE[item["type"]](item),
            "time_taken_ms": self.random.randint(2_000, 30_000),
        }
        twin = None
        if self.random.random() < self.race_share:
            # A double tap: the same answer sent twice at once, on a second connection.
            twin = Twin(port=self.port, headers=self.headers, body=body, stats=self.stats)
            twin.start()
        status, feedback = self.request("answer", "POST", "/api/v1/practice/answers/", body)
        if twin is not None:
            twin.join()
            if {status, twin.status} != {200, 201} or twin.response_id != (feedback or {}).get(
                "response_id"
            ):
                with self.stats.lock:
                    self.stats.retry_mismatches += 1
        if status not in (200, 201) or not feedback:
            return
        with self.stats.lock:
            self.stats.acknowledged[body["client_id"]] = feedback["response_id"]
        if self.random.random() < self.retry_share:
            # The phone never saw the answer's reply and sends it again: same client_id.
            status, again = self.request("retry", "POST", "/api/v1/practice/answers/", body)
            if status != 200 or not again or again["response_id"] != feedback["response_id"]:
                with self.stats.lock:
                    self.stats.retry_mismatches += 1

    def run(self) -> None:
        while time.monotonic() < self.deadline:
            status, activity = self.request(
                "next", "GET", f"/api/v1/practice/next/?course={self.course}"
            )
            if status != 200 or not activity:
                time.sleep(0.1)
                continue
            if activity.get("item"):
                self.answer(activity["item"])
            elif activity.get("lesson"):
                lesson = activity["lesson"]["slug"]
                path = f"/api/v1/courses/{self.course}/lessons/{lesson}/read/"
                self.request("lesson", "POST", path, {})
            else:
                return  # the course is complete for this learner
        self.connection.close()


class Twin(threading.Thread):
    """The second of two simultaneous submits of one answer; keeps what it was answered."""

    def __init__(self, *, port: int, headers: dict[str, str], body: Any, stats: Stats) -> None:
        super().__init__(daemon=True)
        self.port, self.headers, self.body, self.stats = port, headers, body, stats
        self.status = 0
        self.response_id: int | None = None

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        started = time.perf_counter()
        try:
            connection.request(
                "POST", "/api/v1/practice/answers/", json.dumps(self.body), self.headers
            )
            response = connection.getresponse()
            self.status = response.status
            self.response_id = json.loads(response.read()).get("response_id")
        except (OSError, http.client.HTTPException, ValueError):
            pass  # status 0: counted as an error below
        finally:
            connection.close()
        self.stats.record("race", time.perf_counter() - started, self.status)


class Poster(threading.Thread):
    """The baseline's client: the same loop shape, one POST per round, no parsing."""

    def __init__(self, *, port: int, path: str, stats: Stats, deadline: float) -> None:
        super().__init__(daemon=True)
        self.learner = Learner(
            port=port, token="", course="", stats=stats, deadline=deadline, retry_share=0, seed=0
        )
        self.path = path

    def run(self) -> None:
        while time.monotonic() < self.learner.deadline:
            self.learner.request("baseline", "POST", self.path, {})
        self.learner.connection.close()


def run_threads(threads: list[threading.Thread]) -> float:
    """Start them together, wait for all; the wall-clock seconds they took."""
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (``share`` in 0..1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]
