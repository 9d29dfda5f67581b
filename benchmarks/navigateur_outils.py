"""What the browser benchmarks share (charge.py, navigateur_chaud.py, premier_demarrage.py): the app started
on a base of its own, Debian's chromium, the reader's pages, « usable page » detection, CPU seconds of a
process read from /proc, French numbers."""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
END_MONTH = "2026-10"

# Usable: script over, no status widget (running / reconnecting), every Plotly chart has drawn its SVG.
USABLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  for (const chart of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    if (!chart.querySelector('.main-svg')) return false;
  }
  return true;
}"""


def require_chromium() -> None:
    """Stops the benchmark with a French message when Debian's chromium is missing."""
    if not Path(CHROMIUM).exists():
        sys.exit("chromium est absent de /usr/bin/chromium : apt-get install chromium.")


def reader_pages() -> list[tuple[str, str]]:
    """(address, title) of every page a reader may open, in menu order, from the app's own navigation."""
    from indicateurs.roles import Utilisateur
    from ui.navigation import SECTIONS

    reader = Utilisateur("banc.lecteur")
    return [(e.url_path, e.title) for entries in SECTIONS.values() for e in entries if e.allowed(reader)]


def base_env(db: Path, folder: Path, **extra: str) -> dict[str, str]:
    """The environment of a server or CLI process on ``db``: no developer identity or roles file leaks in."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OBSERVATOIRE_")}
    env.update({"OBSERVATOIRE_DB": str(db), "OBSERVATOIRE_HABILITATIONS": str(folder / "aucune-habilitation.csv"),
                **extra})
    return env


def cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    """``python -m indicateurs <args>`` from the project's root, its output kept."""
    return subprocess.run([PYTHON, "-m", "indicateurs", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)


def build_base(folder: Path, source: Path | None, admin: str) -> Path:
    """The demo base in ``folder`` (copied from ``source`` when given, else built by ``init --demo`` up to
    ``END_MONTH`` by the local administrator ``admin``)."""
    db = folder / "base.duckdb"
    if source is not None:
        shutil.copy(source, db)
        return db
    env = base_env(db, folder, OBSERVATOIRE_ADMINISTRATEUR_LOCAL=admin, OBSERVATOIRE_UTILISATEUR=admin)
    result = cli(["init", "--demo", "--fin", END_MONTH, "--db", str(db)], env)
    if result.returncode != 0:
        sys.exit(f"La base de démonstration n'a pas pu être créée :\n{result.stdout}\n{result.stderr}")
    return db


def base_and_json_arguments(parser: argparse.ArgumentParser) -> None:
    """``--base`` (a demo base to copy) and ``--json`` (where to keep the figures), as every bench says them."""
    parser.add_argument("--base", type=Path, help="base de démonstration à copier (sinon créée par init --demo)")
    parser.add_argument("--json", type=Path, metavar="FICHIER", help="écrire aussi les chiffres en JSON")


@contextmanager
def demo_folder(source: Path | None, admin: str, prefix: str):
    """A temp folder holding the demo base (see ``build_base``) until the block ends; yields (folder, base)."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        folder = Path(tmp)
        yield folder, build_base(folder, source, admin)


def free_port() -> int:
    """A local TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, folder: Path) -> tuple[subprocess.Popen, str]:
    """``streamlit run app.py`` on ``db`` (no identity: read-only, every visitor a reader), once healthy."""
    port = free_port()
    log = open(folder / "streamlit.log", "w")
    process = subprocess.Popen(
        [PYTHON, "-m", "streamlit", "run", "app.py", "--server.headless=true", "--server.address=127.0.0.1",
         f"--server.port={port}", "--browser.gatherUsageStats=false", "--server.fileWatcherType=none"],
        cwd=ROOT, env=base_env(db, folder), stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                return process, url
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            sys.exit("Le serveur Streamlit n'a pas démarré :\n" + (folder / "streamlit.log").read_text())
        time.sleep(0.3)


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system, all threads) used so far by a running process: psutil when installed,
    else /proc."""
    try:
        import psutil
    except ImportError:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    times = psutil.Process(pid).cpu_times()
    return times.user + times.system


def descendants(pid: int) -> list[int]:
    """Every live process below ``pid`` (children, their children…), from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def tree_cpu(pids: list[int]) -> float:
    """CPU seconds used so far by the processes ``pids`` still alive (gone ones count for nothing)."""
    total = 0.0
    for pid in pids:
        try:
            total += process_cpu(pid)
        except Exception:  # ended meanwhile (OSError from /proc, psutil.NoSuchProcess)
            continue
    return total


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1), linear between the nearest ranks (statistics' « inclusive » method)."""
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def fr(x: float, digits: int = 1) -> str:
    """``x`` written in French with ``digits`` decimals (the project's one number formatter)."""
    from indicateurs.format_fr import format_number

    return format_number(x, digits)
