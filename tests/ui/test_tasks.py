"""Slow work runs on a worker thread and reports back on the UI thread."""

from __future__ import annotations

import threading

from PySide6.QtWidgets import QWidget

from mwms_desktop.errors import ValidationError
from ui.tasks import run_task


def test_work_runs_off_the_ui_thread_and_results_come_back_on_it(qtbot, services):
    """The worker is another thread, can use the services (its own connection), reports
    progress, and the callback runs on the UI thread."""
    parent = QWidget()
    qtbot.addWidget(parent)
    seen: dict[str, object] = {}

    def work(progress):
        seen["worker"] = threading.get_ident()
        progress(1, 2)
        card = services.portfolio.add("Worker Client")
        progress(2, 2)
        return card.id

    def done(result):
        seen["callback"] = threading.get_ident()
        seen["result"] = result

    task = run_task(parent, "Working…", work, done)
    with qtbot.waitSignal(task.done, timeout=5000):
        pass
    assert seen["worker"] != threading.get_ident()
    assert seen["callback"] == threading.get_ident()
    assert services.portfolio.card(seen["result"]).client == "Worker Client"


def test_a_failing_job_reports_its_message(qtbot):
    """A typed error in the worker arrives as its message; nothing is left running."""
    parent = QWidget()
    qtbot.addWidget(parent)

    def work(progress):
        raise ValidationError("Folder /nowhere does not exist.")

    task = run_task(parent, "Failing…", work, show_errors=False)
    with qtbot.waitSignal(task.failed, timeout=5000) as blocker:
        pass
    assert blocker.args == ["Folder /nowhere does not exist."]


def test_work_that_ends_after_its_window_has_gone_says_nothing(capfd) -> None:
    """The window (and with it the object the worker reports through) is gone when the work
    ends, say at quitting: the report has nobody to reach, and nothing is printed (it was
    "RuntimeError: Signal source has been deleted" from the worker thread)."""
    import shiboken6

    from ui.tasks import _Job

    for work in (lambda progress: progress(1, 2), lambda progress: 1 / 0):
        job = _Job(work)
        job.setAutoDelete(False)
        shiboken6.delete(job.signals)
        job.run()  # on this thread: an exception would reach the test
    err = capfd.readouterr().err
    assert "Signal source has been deleted" not in err
    assert "ZeroDivisionError" in err  # a bug in the work is still printed
