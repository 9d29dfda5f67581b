"""Under load (issue 12): N browser sessions read every page while the CLI imports a month and cancels it.

    .venv/bin/python benchmarks/charge.py                          # 20 sessions, every reader page once
    .venv/bin/python benchmarks/charge.py --sessions 5 --tours 2   # fewer sessions, two rounds each
    .venv/bin/python benchmarks/charge.py --json charge.json       # also keep the figures

A demo base (30 parcours up to October 2026) is built in a temp folder, or copied from ``--base``, and
the app is started on it (``streamlit run app.py``) with no identity: every visitor is a reader. One
headless Debian chromium holds N contexts (one per session); each opens every page a reader may see, in
menu order, by its address, and waits until the page is usable: script finished, no status widget,
every Plotly chart drawn, twice 0.3 s apart. Meanwhile, ``--delai-import`` seconds after the start, the
CLI writes DPE's template for November 2026, fills it with valid values, imports it, then cancels that
import. How long each CLI process waited for the base is read from the « waiting » marker
(``<base>.attente``, written by indicateurs/db.py with the waiting pid inside), polled every 10 ms.

Reported: every error (exception text shown in a page, HTTP status >= 400, page script error, timeout,
failed CLI exit code), p50 / p95 / max usable time per page, the import's and the cancel's wall and CPU
seconds and their wait for the base, the server's CPU seconds, the load average. The machine is shared:
CPU seconds and the load are printed beside wall times.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import re
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

from navigateur_outils import (CHROMIUM, CHROMIUM_ARGS, END_MONTH, PYTHON, ROOT, USABLE_JS, base_and_json_arguments,
                               base_env, demo_folder, fr, percentile, process_cpu, reader_pages, require_chromium,
                               start_server)

IMPORT_MONTH = "2026-11"
IMPORT_DIRECTION = "DPE"
ADMIN = "banc.charge"
PAGE_TIMEOUT_MS = 180_000
# Opened at /<page>, Streamlit's frontend first looks for its server under that path (404), then at the
# root: those two probes per visit are expected, counted apart, not errors.
PROBE = re.compile(r"/[a-z_]+/_stcore/(health|host-config)$")

def admin_env(db: Path, folder: Path) -> dict[str, str]:
    """The environment of the CLI run by the local administrator ``ADMIN`` on ``db``."""
    return base_env(db, folder, OBSERVATOIRE_ADMINISTRATEUR_LOCAL=ADMIN, OBSERVATOIRE_UTILISATEUR=ADMIN)


class MarkerWatch:
    """Polls ``<base>.attente`` and adds up, per pid written inside, how long it was there."""

    def __init__(self, db: Path):
        self.path = Path(str(db) + ".attente")
        self.waits: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        last = time.monotonic()
        while not self._stop.is_set():
            time.sleep(0.01)
            now = time.monotonic()
            try:
                pid = self.path.read_text(encoding="ascii").strip()
            except OSError:
                pid = ""
            if pid:
                self.waits[pid] = self.waits.get(pid, 0.0) + (now - last)
            last = now

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def timed_cli(args: list[str], env: dict[str, str], watch: MarkerWatch) -> dict:
    """Runs the CLI, with its wall and CPU seconds (from wait4) and its time waiting for the base."""
    start = time.perf_counter()
    process = subprocess.Popen([PYTHON, "-m", "indicateurs", *args], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    out, err = process.communicate(timeout=900)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # cumulative: the caller takes the difference
    return {"commande": " ".join(args[:1]), "code": process.returncode, "mur_s": round(wall, 3),
            "attente_base_s": round(watch.waits.get(str(process.pid), 0.0), 3), "pid": process.pid,
            "sortie": out.strip()[-2000:], "erreurs": err.strip()[-2000:], "_rusage": usage}


def last_values(db: Path) -> dict[tuple[str, str], float]:
    """(parcours, indicateur) → its value of the demo's last month: the new month is filled close to it."""
    from indicateurs.db import Database

    rows = Database(db).query_df("SELECT parcours, indicateur, valeur FROM valeurs WHERE mois = ?",
                                 [f"{END_MONTH}-01"])
    return {(r.parcours, r.indicateur): float(r.valeur) for r in rows.itertuples(index=False)}


def fill_template(template: Path, target: Path, previous: dict[tuple[str, str], float]) -> int:
    """Writes ``target``: the template's rows each with a valid value (last month's, else a quarter of the
    way from min to max; decimal comma), as a French spreadsheet saves it. Returns the number of values."""
    with open(template, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    header, body = rows[0], rows[1:]
    lo, hi, val = header.index("min"), header.index("max"), header.index("valeur")
    code, indicator = header.index("parcours"), header.index("indicateur")
    for row in body:
        low, high = float(row[lo].replace(",", ".")), float(row[hi].replace(",", "."))
        value = previous.get((row[code], row[indicator]), low + (high - low) / 4)
        row[val] = f"{min(max(value, low), high):.1f}".replace(".", ",")
    with open(target, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, delimiter=";", lineterminator="\r\n").writerows([header, *body])
    return len(body)


def cli_scenario(db: Path, folder: Path, delay: float, watch: MarkerWatch, results: dict,
                 previous: dict[tuple[str, str], float]) -> None:
    """After ``delay`` s: write DPE's November template, fill it, import it, cancel that import."""
    time.sleep(delay)
    env = admin_env(db, folder)
    steps = results["cli"] = []
    template, filled = folder / "modele_dpe.csv", folder / "dpe_2026-11.csv"

    def step(args: list[str]) -> dict:
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        record = timed_cli(args, env, watch)
        after = record.pop("_rusage")
        record["cpu_s"] = round(after.ru_utime + after.ru_stime - cpu_before.ru_utime - cpu_before.ru_stime, 3)
        steps.append(record)
        return record

    made = step(["modele", "--direction", IMPORT_DIRECTION, "--mois", IMPORT_MONTH, "--format", "csv",
                 "--out", str(template), "--db", str(db)])
    if made["code"] != 0:
        return
    results["valeurs_importees"] = fill_template(template, filled, previous)
    imported = step(["import", str(filled), "--dernier-mois", IMPORT_MONTH, "--db", str(db)])
    match = re.search(r"[Ii]mport n°\s*(\d+)", imported["sortie"])
    if imported["code"] != 0 or not match:
        imported["code"] = imported["code"] or -1
        return
    step(["annuler", match.group(1), "--db", str(db)])


async def visit(page, url: str) -> tuple[float, list[str]]:
    """Opens ``url`` and waits until usable; its seconds and the errors seen (exception texts)."""
    start = time.perf_counter()
    await page.goto(url, wait_until="domcontentloaded", timeout=PAGE_TIMEOUT_MS)
    for _ in range(2):
        await page.wait_for_function(USABLE_JS, timeout=PAGE_TIMEOUT_MS, polling=50)
        await page.wait_for_timeout(300)
    await page.wait_for_function(USABLE_JS, timeout=PAGE_TIMEOUT_MS, polling=50)
    elapsed = time.perf_counter() - start - 0.6  # the two 0.3 s confirmations are ours, not the page's
    errors = [text.strip()[:500] for text in await page.locator('[data-testid="stException"]').all_inner_texts()]
    body = await page.locator("body").inner_text()
    if "Traceback" in body and not errors:
        errors.append("« Traceback » affiché dans la page")
    return elapsed, errors


async def session(browser, number: int, base_url: str, pages: list[tuple[str, str]], rounds: int,
                  times: dict, errors: list, probes: list, deadline: float) -> None:
    """One reader: every page in turn, ``rounds`` times, in its own browser context."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
    page = await context.new_page()
    current = {"page": ""}

    def on_response(response) -> None:
        if PROBE.search(response.url):
            probes.append(response.url)
        elif response.status >= 400:
            errors.append({"session": number, "page": current["page"], "type": "HTTP",
                           "texte": f"{response.status} {response.url}"})

    page.on("response", on_response)
    page.on("pageerror", lambda exc: errors.append({"session": number, "page": current["page"],
                                                    "type": "script de la page", "texte": str(exc)[:500]}))
    try:
        for _ in range(rounds):
            for path, title in pages:
                if time.monotonic() > deadline:
                    return
                current["page"] = title
                try:
                    elapsed, shown = await visit(page, f"{base_url}/{path}")
                except Exception as error:  # a timeout or a browser failure is a result, not a crash
                    errors.append({"session": number, "page": title, "type": "échec",
                                   "texte": str(error).splitlines()[0][:500]})
                    continue
                times.setdefault(title, []).append(elapsed)
                print(f"session {number} : {title} {elapsed:.1f} s", file=sys.stderr, flush=True)
                errors.extend({"session": number, "page": title, "type": "exception affichée", "texte": t}
                              for t in shown)
    finally:
        await context.close()


async def run_sessions(base_url: str, pages, sessions: int, rounds: int,
                       budget: float) -> tuple[dict, list, list, float]:
    from playwright.async_api import async_playwright

    times: dict[str, list[float]] = {}
    errors: list[dict] = []
    probes: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        start = time.perf_counter()
        deadline = time.monotonic() + budget
        await asyncio.gather(*(session(browser, n, base_url, pages, rounds, times, errors, probes, deadline)
                               for n in range(1, sessions + 1)))
        wall = time.perf_counter() - start
        await browser.close()
    return times, errors, probes, wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Sessions de lecture simultanées dans chromium pendant un import d'un mois en ligne de "
                    "commande puis son annulation : erreurs, temps des pages (médiane, p95, max), attente "
                    "de l'import.")
    parser.add_argument("--sessions", type=int, default=20, help="sessions de navigateur simultanées (20)")
    parser.add_argument("--tours", type=int, default=1, help="visites de toutes les pages par session (1)")
    parser.add_argument("--delai-import", type=float, default=10.0,
                        help="secondes entre le début des visites et l'import en ligne de commande (10)")
    parser.add_argument("--duree-max", type=float, default=float("inf"), metavar="SECONDES",
                        help="après ce temps, aucune session n'ouvre de nouvelle page (les visites en cours "
                             "finissent) : pour une machine trop chargée ; le rapport dit les visites faites")
    base_and_json_arguments(parser)
    args = parser.parse_args(argv)
    require_chromium()

    pages = reader_pages()
    with demo_folder(args.base, ADMIN, "charge-") as (folder, db):
        previous = last_values(db)
        server, url = start_server(db, folder)
        load_before = os.getloadavg()
        server_cpu_before = process_cpu(server.pid)
        results: dict = {}
        try:
            with MarkerWatch(db) as watch:
                worker = threading.Thread(target=cli_scenario, args=(db, folder, args.delai_import, watch, results,
                                                                           previous))
                worker.start()
                times, errors, probes, wall = asyncio.run(run_sessions(url, pages, args.sessions, args.tours,
                                                                        args.duree_max))
                worker.join()
            server_cpu = process_cpu(server.pid) - server_cpu_before
            load_after = os.getloadavg()
            server_waits = watch.waits.get(str(server.pid), 0.0)
        finally:
            server.terminate()
            server.wait(timeout=30)
        log_tail = (folder / "streamlit.log").read_text(errors="replace")
    server_errors = [line for line in log_tail.splitlines() if "Traceback" in line or "Error" in line][:20]

    for step in results.get("cli", []):
        if step["code"] != 0:
            errors.append({"session": "CLI", "page": step["commande"], "type": f"code de sortie {step['code']}",
                           "texte": (step["erreurs"] or step["sortie"])[:500]})

    report = {
        "sessions": args.sessions, "tours": args.tours, "visites_prevues": args.sessions * args.tours * len(pages),
        "visites_faites": sum(len(v) for v in times.values()), "pages": [t for _, t in pages],
        "duree_visites_mur_s": round(wall, 2), "cpu_serveur_s": round(server_cpu, 2),
        "attente_base_serveur_s": round(server_waits, 3),
        "charge_machine": {"avant": [round(x, 2) for x in load_before], "apres": [round(x, 2) for x in load_after],
                           "coeurs": os.cpu_count()},
        "temps_pages_s": {title: {"visites": len(v), "p50": round(percentile(v, 0.5), 3),
                                  "p95": round(percentile(v, 0.95), 3), "max": round(max(v), 3)}
                          for title, v in times.items() if v},
        "cli": results.get("cli", []), "valeurs_importees": results.get("valeurs_importees"),
        "erreurs": errors, "sondes_404_attendues": len(probes), "journal_serveur": server_errors,
    }
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print_report(report)
    if args.json:
        print(f"Chiffres écrits dans {args.json}")
    return 1 if errors else 0


def print_report(r: dict) -> None:
    """The figures in French, as the README quotes them."""
    load = r["charge_machine"]
    print(f"{r['sessions']} session(s) × {r['tours']} tour(s) × {len(r['pages'])} pages : "
          f"{fr(r['duree_visites_mur_s'])} s (mur) ; serveur {fr(r['cpu_serveur_s'])} s CPU ; "
          f"charge de la machine {fr(load['avant'][0], 2)} → {fr(load['apres'][0], 2)} sur {load['coeurs']} cœurs")
    print(f"Visites faites : {r['visites_faites']} sur {r['visites_prevues']} prévues")
    print(f"{'Page':<36} {'visites':>7} {'médiane':>8} {'p95':>8} {'max':>8}  (s, mur, page utilisable)")
    for title, t in r["temps_pages_s"].items():
        print(f"{title:<36} {t['visites']:>7} {fr(t['p50']):>8} {fr(t['p95']):>8} {fr(t['max']):>8}")
    for step in r["cli"]:
        print(f"CLI {step['commande']:<8} code {step['code']} : {fr(step['mur_s'], 2)} s (mur), "
              f"{fr(step['cpu_s'], 2)} s CPU, attente de la base {fr(step['attente_base_s'], 2)} s")
    print(f"Attente de la base par le serveur (pendant la ligne de commande) : {fr(r['attente_base_serveur_s'], 2)} s")
    print(f"Erreurs : {len(r['erreurs'])} (hors {r['sondes_404_attendues']} sondes 404 attendues de Streamlit "
          "sous l'adresse d'une page)")
    for e in r["erreurs"][:30]:
        print(f"  - session {e['session']}, {e['page']}, {e['type']} : {e['texte']}")
    if r["journal_serveur"]:
        print("Lignes d'erreur du journal du serveur :")
        for line in r["journal_serveur"]:
            print("  " + line)


if __name__ == "__main__":
    sys.exit(main())
