"""Extraction of a large input on several cores: forked worker processes that inherit the loaded
pipelines and send back only each record's fields, in input order.

spaCy's own `nlp.pipe(n_process=...)` pickles every processed Doc back to the parent, which cost
more than the second core gave (measured: 9.5 s against 6.5 s on 2,000 texts). Here a worker runs
`extract_records` on a slice of the input and returns the field dicts it yields, a few hundred
bytes a record. The pipelines and classifiers are loaded once in the parent before the workers
are forked, so no worker loads them again (fork shares those pages until they are written).
The results are the same as `extract_records` gives in one process: each record is extracted on
its own, whatever batch it is in.

Used by `callwatch extract` when the input is large (PARALLEL_MIN_RECORDS) and more than one CPU
is available; a small input gains nothing from it, as forking and warming take longer than its
extraction.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, islice
from typing import Any

from pipeline.extract import extract_records
from pipeline.nlp.build import LANGUAGES, load_nlp

log = logging.getLogger(__name__)

PARALLEL_MIN_RECORDS = 400  # below this one process is as fast (see benchmarks/README.md)
SLICE_RECORDS = 128  # records per task: large enough that sending it costs little, small enough to share out
TASKS_AHEAD = 2  # tasks queued per worker beyond the one it works on, so no worker waits for input
# A text in each pipeline language, so that everything loaded on first use (classifiers, caches) is
# loaded before the fork and shared by the workers.
WARM_UP_TEXTS = {"sv": "Sista ansökningsdag är den 6 mars 2026. Vinnova finansierar projekten.",
                 "en": "The deadline is 6 March 2026. The call is funded by Horizon Europe."}


def available_cpus() -> int:
    """CPUs this process may run on (its affinity, which may be fewer than the machine has)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def extract_records_sharing_cpus(records: Iterable[dict[str, Any]], workers: int = 0) -> Iterator[dict[str, Any]]:
    """What `extract_records(records)` yields: a large input (PARALLEL_MIN_RECORDS or more) shared
    among `workers` forked processes (0: one per available CPU), a small one in this process."""
    iterator = iter(records)
    head = list(islice(iterator, PARALLEL_MIN_RECORDS))  # enough read to know whether the input is large
    workers = workers or available_cpus()
    if workers > 1 and len(head) >= PARALLEL_MIN_RECORDS and can_fork():
        return extract_records_in_parallel(chain(head, iterator), workers)
    return extract_records(chain(head, iterator))


def extract_records_in_parallel(records: Iterable[dict[str, Any]], workers: int) -> Iterator[dict[str, Any]]:
    """What `extract_records(records)` yields, computed by `workers` forked processes. A worker
    that dies (killed, out of memory) loses nothing: the slice it held, the slices queued after it
    and the rest of the input are extracted in this process instead, in the same order."""
    warm_up()
    # The workers are forked at the first submit, before any output is written, so no buffered
    # output is copied into them (a child flushes what it inherited when it exits).
    executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    pending: deque[tuple[list[dict[str, Any]], Future[list[dict[str, Any]]]]] = deque()
    iterator = iter(records)
    unsent: list[dict[str, Any]] = []  # a slice read from the input but in no future yet
    finished = False
    try:
        while True:
            task = list(islice(iterator, SLICE_RECORDS))
            if task:
                unsent = task  # submit raises BrokenProcessPool once a worker has died
                pending.append((task, executor.submit(_extract_slice, task)))
                unsent = []
            if pending and (not task or len(pending) > workers * (1 + TASKS_AHEAD)):
                yield from pending[0][1].result()  # in input order; a worker's exception is raised here
                pending.popleft()
            elif not task:
                break
    except BrokenProcessPool as exc:
        log.warning("an extraction worker process died (%s); the rest of the input is extracted in this process", exc)
        yield from extract_records(chain(*(task for task, _ in pending), unsent, iterator))
    else:
        finished = True
    finally:
        # Done: wait for the idle workers to exit, so that no pool thread is left to write to a
        # closed pipe as the interpreter exits ("Exception ignored ... Bad file descriptor"). On an
        # error, or when the reader stops early: no new tasks; those running finish on their own.
        executor.shutdown(wait=finished, cancel_futures=True)


def warm_up() -> None:
    """Load both pipelines and everything their components load on first use."""
    for lang in LANGUAGES:
        load_nlp(lang)
    for _ in extract_records({"id": f"warm-up-{lang}", "text": text} for lang, text in WARM_UP_TEXTS.items()):
        pass


def _extract_slice(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return list(extract_records(records))
