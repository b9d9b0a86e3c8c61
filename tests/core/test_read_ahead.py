"""The board's first read on the quick check's worker (mwms_desktop/services/read_ahead.py):
the window takes it when nothing else committed since it began, reads afresh otherwise,
and nothing is read from a file whose check failed."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from mwms_desktop.errors import DatabaseDamaged
from mwms_desktop.services import open_services
from mwms_desktop.services.portfolio import PortfolioService
from tests.db.test_deferred_check import corrupt
from tests.factories import filled_database


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of the thread of every bulk read of the board."""
    names: list[str] = []
    read = PortfolioService._read_cards

    def recorded(self):
        names.append(threading.current_thread().name)
        return read(self)

    monkeypatch.setattr(PortfolioService, "_read_cards", recorded)
    return names


def test_the_window_takes_the_read_made_ahead_on_the_worker(tmp_path: Path, reads: list[str]) -> None:
    path = tmp_path / "p.sqlite"
    filled_database(path, clients=30)
    services = open_services(path, defer_check=True)
    try:
        services.portfolio.read_ahead()
        services.checked()
        source = services.portfolio.card_source()
        assert reads == ["mwms-read-ahead"]  # read once, on the worker
        assert [source.card(e).client for e in source.order] == [f"Client {n:03d}" for n in range(30)]
        assert services.portfolio.card_source().rows == source.rows  # later reads are fresh
        assert reads == ["mwms-read-ahead", "MainThread"]
    finally:
        services.close()


def test_a_commit_elsewhere_after_the_read_began_makes_the_window_read_afresh(
    tmp_path: Path, reads: list[str]
) -> None:
    path = tmp_path / "p.sqlite"
    filled_database(path, clients=5)
    services = open_services(path, defer_check=True)
    try:
        services.portfolio.read_ahead()
        services.portfolio._ahead._worker.join()  # the read is done...
        other = sqlite3.connect(path)  # ...then another program renames a client
        with other:
            other.execute("UPDATE engagement SET client = 'Renamed elsewhere' WHERE id = 1")
        other.close()
        source = services.portfolio.card_source()
        assert source.card(1).client == "Renamed elsewhere"
        assert reads == ["mwms-read-ahead", "MainThread"]
    finally:
        services.close()


def test_only_the_thread_that_started_it_takes_the_read(tmp_path: Path, reads: list[str]) -> None:
    path = tmp_path / "p.sqlite"
    filled_database(path, clients=3)
    services = open_services(path, defer_check=True)
    try:
        services.portfolio.read_ahead()
        services.checked()
        ahead = services.portfolio._ahead
        taken: list[object] = []
        worker = threading.Thread(target=lambda: taken.append(ahead.take()))
        worker.start()
        worker.join()
        assert taken == [None]  # another thread's connection cannot tell what changed since
    finally:
        services.close()


def test_a_read_of_a_file_whose_check_failed_is_never_handed_over(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite"
    filled_database(path, clients=200)
    corrupt(path)  # the table pages the check finds damaged
    services = open_services(path, defer_check=True)
    try:
        services.portfolio.read_ahead()
        ahead = services.portfolio._ahead
        ahead._worker.join()
        ahead._result = object()  # as if the read had got through the damage
        with pytest.raises(DatabaseDamaged):
            services.checked()
        assert ahead.take() is None
    finally:
        services.close()


def test_closing_waits_for_the_read_ahead(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's connection is closed before the window's: the last connection to close
    a WAL file checkpoints it, and a damaged file must not be written to."""
    path = tmp_path / "p.sqlite"
    filled_database(path, clients=5)
    release = threading.Event()
    read = PortfolioService._read_cards
    monkeypatch.setattr(PortfolioService, "_read_cards", lambda self: release.wait(5) and read(self))
    services = open_services(path, defer_check=True)
    services.portfolio.read_ahead()
    worker = services.portfolio._ahead._worker
    threading.Timer(0.3, release.set).start()
    services.close()
    assert not worker.is_alive()


def test_a_read_ahead_that_fails_unexpectedly_prints_nothing_and_the_window_reads_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """A row the read cannot turn into a card (say a stage no version knows) raises on the
    worker: nothing is printed there ("Exception in thread"), and the window's own read meets
    the same row and reports it as it always did."""
    path = tmp_path / "p.sqlite"
    filled_database(path, clients=3)
    failures = iter([KeyError("bogus")])
    read = PortfolioService._read_cards

    def first_fails(self):
        err = next(failures, None)
        if err is not None:
            raise err
        return read(self)

    monkeypatch.setattr(PortfolioService, "_read_cards", first_fails)
    services = open_services(path, defer_check=True)
    try:
        services.portfolio.read_ahead()
        services.checked()
        source = services.portfolio.card_source()
        assert len(source.order) == 3
    finally:
        services.close()
    assert "Exception in thread" not in capfd.readouterr().err
