"""A text progress bar for the demo commands: `[#####-----]  45% titles` on stderr."""

from collections.abc import Callable

WIDTH = 30


class ProgressBar:
    """Call with (phase, fraction); redraws in place with \\r, one finished line per phase."""

    def __init__(self, write: Callable[[str], object], *, enabled: bool = True) -> None:
        self.write = write
        self.enabled = enabled
        self.phase: str | None = None
        self.shown = -1

    def __call__(self, phase: str, fraction: float) -> None:
        if not self.enabled:
            return
        if phase != self.phase:
            self.finish()
            self.phase, self.shown = phase, -1
        percent = int(max(0.0, min(1.0, fraction)) * 100)
        if percent == self.shown:
            return  # redraw only when the number changes: cheap on a slow terminal
        self.shown = percent
        filled = WIDTH * percent // 100
        self.write(f"\r[{'#' * filled}{'-' * (WIDTH - filled)}] {percent:3d}% {phase}")

    def finish(self) -> None:
        if self.enabled and self.phase is not None:
            self.write("\n")
            self.phase = None
