"""A text progress bar for the demo commands: `[#####-----]  45% titles` on stderr."""

import threading
from collections.abc import Callable

WIDTH = 30
WIDTH_SHARED = 20  # two phases running side by side share the line


class ProgressBar:
    """Call with (phase, fraction); redraws in place with \\r, one line per phase.

    Phases that run at the same time (the history and the posters) share one line. Safe to
    call from several threads.
    """

    def __init__(self, write: Callable[[str], object], *, enabled: bool = True) -> None:
        self.write = write
        self.enabled = enabled
        self.active: dict[str, int] = {}  # phase -> percent shown, in order of appearance
        self.lock = threading.Lock()

    def __call__(self, phase: str, fraction: float) -> None:
        if not self.enabled:
            return
        percent = int(max(0.0, min(1.0, fraction)) * 100)
        with self.lock:
            if (
                phase not in self.active
                and self.active
                and all(p == 100 for p in self.active.values())
            ):
                self._end_line()  # the previous phase is done: the new one gets its own line
            if self.active.get(phase) == percent:
                return  # redraw only when a number changes: cheap on a slow terminal
            self.active[phase] = percent
            width = WIDTH if len(self.active) == 1 else WIDTH_SHARED
            self.write(
                "\r"
                + "  ".join(
                    f"[{'#' * (width * p // 100)}{'-' * (width - width * p // 100)}] {p:3d}% {name}"
                    for name, p in self.active.items()
                )
            )

    def _end_line(self) -> None:
        if self.active:
            self.write("\n")
            self.active.clear()

    def finish(self) -> None:
        if self.enabled:
            with self.lock:
                self._end_line()
