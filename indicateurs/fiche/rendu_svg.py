"""Plotly figures to SVG with kaleido and the system's chromium: one browser per process, calls serialised.

Starting kaleido's browser costs seconds: it is started once, on the first chart, and kept. The shared
kaleido server is not thread-safe (two threads can swap their results), so every call holds a lock. When
no browser can be started (none installed, a broken one), the renderer says why in French and every
later call fails fast: the fiche is then printed without its charts, with that reason.
``kaleido.get_chrome_sync()`` downloads a browser from the internet: it is never called here.
"""

from __future__ import annotations

import os
import shutil
import threading

import plotly.graph_objects as go

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CALL_TIMEOUT = 60.0  # seconds; a first call includes starting the browser


class RenduImpossible(Exception):
    """The charts cannot be drawn; ``str(error)`` is the French reason printed on the fiche."""


def find_browser() -> str | None:
    """The browser kaleido will drive: $BROWSER_PATH when set (kaleido's own setting), else chromium."""
    configured = os.environ.get("BROWSER_PATH")
    if configured:
        return configured if os.path.isfile(configured) and os.access(configured, os.X_OK) else None
    return next((path for path in map(shutil.which, BROWSERS) if path), None)


class RenduSVG:
    """A chart renderer; use the process-wide ``renderer()`` rather than building one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._started = False
        self.erreur: str | None = None

    def _start(self) -> None:
        browser = find_browser()
        if browser is None:
            where = os.environ.get("BROWSER_PATH")
            raise RenduImpossible(
                f"le navigateur indiqué par BROWSER_PATH ({where}) est introuvable" if where else
                "aucun navigateur chromium n'est installé sur ce serveur (paquet Debian « chromium »)")
        import kaleido

        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
        self._started = True

    def _call(self, fig: go.Figure | dict, width: int, height: int) -> bytes:
        import kaleido

        result: dict = {}

        def work() -> None:
            try:
                result["svg"] = kaleido.calc_fig_sync(fig, opts={"format": "svg", "width": width, "height": height})
            except Exception as error:  # noqa: BLE001 - any failure of the browser means « no chart »
                result["error"] = error

        # A browser that died leaves kaleido waiting forever: the call runs in a thread we can stop waiting for.
        worker = threading.Thread(target=work, daemon=True)
        worker.start()
        worker.join(CALL_TIMEOUT)
        if worker.is_alive():
            raise RenduImpossible(f"le navigateur n'a pas répondu en {int(CALL_TIMEOUT)} secondes")
        if "error" in result:
            raise RenduImpossible(f"le navigateur n'a pas pu dessiner le graphique ({type(result['error']).__name__})")
        return result["svg"]

    def svg(self, fig: go.Figure | dict, width: int, height: int) -> bytes:
        """The figure as SVG bytes, ``width`` × ``height`` CSS pixels. Raises ``RenduImpossible``."""
        with self._lock:
            if self.erreur is not None:
                raise RenduImpossible(self.erreur)
            try:
                if not self._started:
                    self._start()
                return self._call(fig, width, height)
            except RenduImpossible as error:
                self.erreur = str(error)
                raise

    def warm_up(self) -> str | None:
        """Start the browser now (a tiny chart); None when ready, else the French reason it cannot."""
        try:
            self.svg(go.Figure(go.Scatter(x=[0, 1], y=[0, 1])), 100, 100)
        except RenduImpossible as error:
            return str(error)
        return None


_RENDERER = RenduSVG()


def renderer() -> RenduSVG:
    """The process-wide renderer: one browser per process, shared by the app's sessions and the CLI."""
    return _RENDERER
