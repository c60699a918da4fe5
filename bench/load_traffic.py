"""bench_load's traffic: what a vendor, a staff member and a client of the bare route do in a loop
until the run ends, each request timed and counted by status."""

from __future__ import annotations

import functools
import random
import re
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import requests
from http_bench import csrf_token
from load_setup import STAFF_PASSWORD, VendorPlan

from tests.answering import TINY_PDF

REVISION = re.compile(r'name="revision" value="(\d+)"')
AUTOSAVE_SCRIPT = Path(__file__).resolve().parents[1] / "vendorcheck/web/static/js/autosave.js"


def autosave_delay() -> float:
    """Seconds the portal's script waits after the last keystroke before it saves (its DELAY):
    a vendor in a browser cannot save more often than this."""
    found = re.search(r"var DELAY = (\d+);", AUTOSAVE_SCRIPT.read_text(encoding="utf-8"))
    if found is None:
        raise RuntimeError(f"no DELAY in {AUTOSAVE_SCRIPT}")
    return int(found.group(1)) / 1000


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    lock: threading.Lock = field(default_factory=threading.Lock)

    def timed(self, kind: str, call):
        start = time.perf_counter()
        try:
            response = call()
            status = response.status_code
        except requests.RequestException:
            response, status = None, 599
        elapsed = (time.perf_counter() - start) * 1000
        with self.lock:
            self.latencies[kind].append(elapsed)
            self.statuses[kind][status] += 1
        return response

    def server_errors(self) -> int:
        return sum(n for by in self.statuses.values() for s, n in by.items() if s >= 500)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def _revision(html: str) -> int | None:
    match = REVISION.search(html)
    return int(match.group(1)) if match else None


def _upload(session, portal: str, plan: VendorPlan, stats: Stats, question_id: str) -> None:
    """Attach a file the way the page's form does: the section's answers go with it."""
    section_id = next(s for s, q in plan.files if q == question_id)
    _id, form, marker = next(entry for entry in plan.sections if entry[0] == section_id)
    answers = dict(form)
    if marker and marker in plan.acknowledged:
        answers[f"q__{marker}"] = plan.acknowledged[marker]
    page = session.get(f"{portal}/s/{section_id}", timeout=60)
    post = functools.partial(
        session.post,
        f"{portal}/s/{section_id}",
        data={
            **answers,
            "csrf_token": csrf_token(page.text),
            "revision": str(_revision(page.text)),
            "action": "save",
        },
        files={f"file__{question_id}": (f"証跡{plan.uploads}.pdf", TINY_PDF)},
        allow_redirects=False,
        timeout=60,
    )
    upload = stats.timed("upload", post)
    if upload is not None and upload.status_code == 302:
        plan.uploads += 1


def _submit(session, portal: str, plan: VendorPlan, stats: Stats) -> None:
    confirm = session.get(f"{portal}/confirm", timeout=60)
    current = _revision(confirm.text)
    if current is None:  # not ready: the page has no submit form
        return
    post = functools.partial(
        session.post,
        f"{portal}/submit",
        data={"csrf_token": csrf_token(confirm.text), "revision": str(current)},
        allow_redirects=False,
        timeout=60,
    )
    submitted = stats.timed("submit", post)
    plan.submitted = bool(
        submitted is not None
        and submitted.status_code == 302
        and submitted.headers["Location"].rstrip("/").endswith(plan.token)
    )


def vendor_loop(
    base: str,
    plan: VendorPlan,
    stats: Stats,
    until: float,
    think: float,
    after_input: float,
    ramp: float,
) -> None:
    """Open the link at a moment within the first `ramp` seconds (vendors open their mail at
    different times), then view a section, autosave it (a marked text answer), now and then
    attach a file; submit in the last seconds. Between steps the vendor types for 0.5–1.5 ×
    think seconds and the save follows after_input seconds later (the page script's delay; 0
    for a vendor faster than any browser); picking a file to attach takes as long as a step's
    typing."""
    session = requests.Session()
    portal = f"{base}/p/{plan.token}"
    rng = random.Random(plan.assessment_id)
    time.sleep(rng.uniform(0, ramp))
    iteration = 0
    while time.monotonic() < until - 4:
        for section_id, form, marker in plan.sections:
            if time.monotonic() >= until - 4:
                break
            get = functools.partial(session.get, f"{portal}/s/{section_id}", timeout=60)
            page = stats.timed("view", get)
            if page is None or page.status_code != 200:
                continue
            data = {**form, "section_id": section_id, "revision": str(_revision(page.text))}
            if marker:
                data[f"q__{marker}"] = f"計測{plan.assessment_id}-{iteration}"
            post = functools.partial(
                session.post,
                f"{portal}/autosave",
                data=data,
                headers={"X-CSRFToken": csrf_token(page.text)},
                timeout=60,
            )
            saved = stats.timed("autosave", post)
            ok = saved is not None and saved.status_code == 200 and saved.json().get("ok")
            if ok and marker:
                plan.acknowledged[marker] = data[f"q__{marker}"]
            iteration += 1
            for file_section, question_id in plan.files:
                if file_section == section_id and plan.uploads < 2 * len(plan.files):
                    time.sleep(think * rng.uniform(0.5, 1.5))
                    _upload(session, portal, plan, stats, question_id)
            time.sleep(after_input + think * rng.uniform(0.5, 1.5))
    _submit(session, portal, plan, stats)


def staff_loop(base: str, login_id: str, pages: dict, stats: Stats, until: float, think: float):
    session = requests.Session()
    token = csrf_token(session.get(f"{base}/login", timeout=60).text)
    session.post(
        f"{base}/login",
        data={"login_id": login_id, "password": STAFF_PASSWORD, "csrf_token": token},
        timeout=60,
    )
    while time.monotonic() < until:
        for kind, path in pages.items():
            stats.timed(kind, functools.partial(session.get, f"{base}{path}", timeout=60))
            time.sleep(think * random.uniform(0.5, 1.5))


def bare_loop(base: str, stats: Stats, until: float, think: float) -> None:
    session = requests.Session()
    while time.monotonic() < until:
        stats.timed("bare", lambda: session.get(f"{base}/", timeout=60))
        time.sleep(think * random.uniform(0.5, 1.5))
