"""Fifty clients editing on one server at once (threads on loopback, each with its own
connection, as fifty PCs would): no update is lost, every stale save is refused with the Russian
message, and no one sees a deadlock or a lock wait as an error."""

from __future__ import annotations

import random
import threading
import time

from desktop.services.roadmap import Actor, RoadmapService
from desktop.services.writer import write_roadmap
from models.domain.errors import FileBusyError, StaleEditError
from models.storage.server import open_server
from tests.conftest import SMALL_ROADMAP, operations_of

CLIENTS = 50
SECONDS = 8.0  # the whole storm is bounded in time


def test_fifty_clients_lose_no_update_and_every_stale_save_is_told(pg_url: str) -> None:
    write_roadmap(operations_of(open_server(pg_url)), SMALL_ROADMAP)
    first = RoadmapService(open_server(pg_url), Actor("t", "t"))
    measures = [m.id for m in first.load(1).measures_in_order()]
    first.db.close()
    saved: list[tuple[int, str]] = []
    refused: list[str] = []
    failures: list[BaseException] = []
    start = threading.Barrier(CLIENTS)
    lock = threading.Lock()

    def client(number: int) -> None:
        service = RoadmapService(open_server(pg_url), Actor(f"client{number}", f"PC-{number}"))
        chance = random.Random(number)
        try:
            start.wait()
            stop = time.monotonic() + SECONDS
            count = 0
            while time.monotonic() < stop and count < 12:
                measure_id = chance.choice(measures)  # three measures: they collide a lot
                row = service.measure(measure_id)
                token = f"{number}.{count}"
                try:
                    service.edit_measure(measure_id, row.version, {"note": f"{row.note}|{token}"})
                except StaleEditError as error:
                    with lock:
                        refused.append(error.message)
                except FileBusyError as error:  # waited past the limit: told, nothing written
                    with lock:
                        refused.append(error.message)
                else:
                    with lock:
                        saved.append((measure_id, token))
                count += 1
        except BaseException as error:  # reported below, with the thread's own
            failures.append(error)
        finally:
            service.db.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a client hung"
    assert not failures, failures[:3]
    assert time.monotonic() - began < 90
    final = RoadmapService(open_server(pg_url), Actor("t", "t"))
    try:
        for measure_id in measures:
            tokens = [t for t in final.measure(measure_id).note.split("|")[1:] if t]
            mine = sorted(t for m, t in saved if m == measure_id)
            assert sorted(tokens) == mine  # every acknowledged save there exactly once: none lost
            versions = final.measure(measure_id).version
            assert versions >= len(mine)
    finally:
        final.db.close()
    assert saved and refused, "the clients must actually have collided"
    assert all("уже изменено другим пользователем" in m or "занят" in m for m in refused)
