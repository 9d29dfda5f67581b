"""Warm pages in the browser (issue 12, « Banc et vitesse »): how long each reader page takes until usable
in one headless Debian chromium, once the server and the browser are warm; target ≤ 1,5 s at 1x.

    .venv/bin/python benchmarks/navigateur_chaud.py                   # 5 times each, demo base built here
    .venv/bin/python benchmarks/navigateur_chaud.py --fois 10 --base data/observatoire.duckdb --json m.json

The app is started on a copy of the demo base (``--base``, else ``init --demo`` in a temp folder), with no
identity: a reader. Every reader page is opened once (warm-up), then each is measured ``--fois`` times
(a) reached by a click on its sidebar link from the previous page of the menu, (b) reloaded in full. Then
(c) « Les 4 engagements » is opened afresh and its tabs are chosen in turn, 2, 3, 4 then back to 1, once
unmeasured (warm-up: an engagement's figures are built at its first opening) then ``--fois`` times: its tabs
are lazy (only the open one is drawn), so each choice reruns the page's script on the server.

A recorder injected before the app's own scripts (Playwright ``add_init_script``) timestamps everything
with the page's clock (``performance.now()``): the click itself, every websocket message in and out (and
its size), the first frame where the new page's ``h1`` shows in the main block (« 1er affichage »), the
moment the page becomes usable and stays so 0,6 s (script finished, no status widget, every Plotly chart
drawn: ``navigateur_outils.USABLE_JS``; for a tab, « 1er affichage » is the first frame where the chosen
tab's heading shows), the long tasks of the browser's main thread, the time spent
in MutationObserver callbacks (the French override of ui/francais.py apart from the others), and every full
Plotly draw of a chart (« dessins »), those Plotly redoes to grow a chart's margins apart (« marges »). Around each
navigation, the CPU seconds of the server process and of chromium's processes are read from /proc, and
the renderer's own counters (Chrome DevTools ``Performance.getMetrics``: script, layout, style).

What dominates a navigation is read from: the last message from the server before the page is usable
(until then the browser waits on the server: its script and the websocket), then the browser's tail
(usable − last message: Plotly drawing, layout); CPU seconds of each side say who was busy.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

from navigateur_outils import (CHROMIUM, CHROMIUM_ARGS, USABLE_JS, base_and_json_arguments, demo_folder, descendants,
                               fr, process_cpu, reader_pages, require_chromium, start_server, tree_cpu)

ADMIN = "banc.navigateur"
TARGET_S = 1.5
STABLE_MS = 600  # usable this long without a break: the page is done
TIMEOUT_MS = 300_000

# Runs in every document before the app's scripts. ``__banc.start(heading)`` opens a measure (``heading``: for
# a tab switch, how the chosen tab's h2 starts; else the first paint is the page's h1 changing); ``__banc.done()``
# says it is over; ``__banc.result()`` gives its figures, in ms from the start (0 = navigation start on reload).
RECORDER = """(() => {
  if (window.__banc) return;
  const usable = %(usable)s;
  const B = window.__banc = {t0: 0, previousTitle: null, heading: null, lastFalse: -1, usableAt: null, firstPaint: null,
                             states: [], received: [], sent: [], observers: {francais: [0, 0], autres: [0, 0]},
                             longTasks: [], charts: 0, draws: []};
  const size = (data) => data == null ? 0 : (data.byteLength ?? data.size ?? data.length ?? 0);
  const NativeSocket = window.WebSocket;
  window.WebSocket = class extends NativeSocket {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => { B.received.push([performance.now(), size(event.data)]); });
    }
    send(data) { B.sent.push([performance.now(), size(data)]); return super.send(data); }
  };
  // Every full Plotly draw of a chart (``Plotly._doPlot`` triggers ``plotly_beforeplot`` once Events.init has
  // given the chart's div its ``_ev``), and whether Plotly's margin check asked for it (doAutoMargin).
  Object.defineProperty(HTMLElement.prototype, '_ev', {configurable: true, get() { return undefined; },
    set(value) {
      Object.defineProperty(this, '_ev', {value, writable: true, configurable: true, enumerable: true});
      const div = this;
      value.on('plotly_beforeplot', () => {
        const layout = div._fullLayout;
        B.draws.push([performance.now(), layout && layout._redrawFromAutoMarginCount > 0]);
      });
    }});
  const NativeObserver = window.MutationObserver;
  window.MutationObserver = class extends NativeObserver {
    constructor(callback) {
      const kind = String(callback).includes('fixAll') ? 'francais' : 'autres';
      super(function (records, observer) {
        const start = performance.now();
        try { return callback.call(this, records, observer); }
        finally { B.observers[kind][0] += performance.now() - start; B.observers[kind][1] += 1; }
      });
    }
  };
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.longTasks.push([e.startTime, e.duration]);
    })
      .observe({type: 'longtask', buffered: true});
  } catch (e) {}
  let lastState = null;
  const tick = () => {
    const now = performance.now();
    if (usable()) { if (B.usableAt === null) B.usableAt = now; }
    else { B.lastFalse = now; B.usableAt = null; }
    const app = document.querySelector('[data-testid="stApp"]');
    const state = app ? app.getAttribute('data-test-script-state') : null;
    if (state !== lastState) { B.states.push([now, state]); lastState = state; }
    if (B.firstPaint === null && shown()) B.firstPaint = now;
  };
  const shown = () => {
    if (B.heading === null) {
      const text = B.title() || '';
      return text !== '' && text !== B.previousTitle;
    }
    return [...document.querySelectorAll('[data-testid="stMain"] h2')]
      .some(h => h.textContent.trim().startsWith(B.heading) && h.checkVisibility());
  };
  const frame = () => { tick(); requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
  setInterval(tick, 10);
  B.title = () => {
    const title = document.querySelector('[data-testid="stMain"] h1');
    return title ? title.textContent.trim() : null;
  };
  B.start = (heading = null) => {
    B.previousTitle = B.title(); B.heading = heading;
    B.t0 = performance.now(); B.lastFalse = -1; B.usableAt = null; B.firstPaint = null;
    B.observers = {francais: [0, 0], autres: [0, 0]};
  };
  const failed = () => document.querySelector('[data-testid="stMain"] [data-testid="stException"]') !== null;
  B.done = () => B.lastFalse > B.t0 && B.usableAt !== null && (B.firstPaint !== null || failed())
    && performance.now() - B.usableAt >= %(stable)d && B.received.some(([t]) => t > B.t0);
  B.result = () => {
    const end = B.usableAt, t0 = B.t0;
    const inside = (t) => t > t0 && t <= end;
    const received = B.received.filter(([t]) => inside(t));
    const tasks = B.longTasks.filter(([t, d]) => t + d > t0 && t < end);
    const running = B.states.filter(([t, s]) => inside(t) && s === 'running');
    return {
      utilisable_ms: end - t0, premier_affichage_ms: B.firstPaint === null ? null : B.firstPaint - t0,
      exception: failed() ? document.querySelector('[data-testid="stException"]').innerText.slice(0, 300) : null,
      premier_message_ms: received.length ? received[0][0] - t0 : null,
      dernier_message_ms: received.length ? received[received.length - 1][0] - t0 : null,
      debut_script_ms: running.length ? running[0][0] - t0 : null,
      messages_recus: received.length, octets_recus: received.reduce((s, [, n]) => s + n, 0),
      messages_envoyes: B.sent.filter(([t]) => inside(t)).length,
      taches_longues: tasks.length, taches_longues_ms: tasks.reduce((s, [, d]) => s + d, 0),
      observateur_francais_ms: B.observers.francais[0], observateur_francais_appels: B.observers.francais[1],
      autres_observateurs_ms: B.observers.autres[0],
      graphiques: document.querySelectorAll('[data-testid="stPlotlyChart"]').length,
      dessins_plotly: B.draws.filter(([t]) => inside(t)).length,
      redessins_marges: B.draws.filter(([t, margins]) => inside(t) && margins).length,
      noeuds_dom: document.getElementsByTagName('*').length,
    };
  };
})();"""

CLICK = """(title) => {
  const links = [...document.querySelectorAll('[data-testid="stSidebar"] a[data-testid="stPageLink-NavLink"]')];
  const link = links.find(a => a.innerText.trim().split('\\n').pop().trim() === title);
  if (!link) return false;
  window.__banc.start();
  link.click();
  return true;
}"""

TAB_CLICK = """([label, heading]) => {
  const tabs = [...document.querySelectorAll('[data-testid="stMain"] [role="tab"]')];
  const tab = tabs.find(t => t.innerText.trim() === label);
  if (!tab) return false;
  window.__banc.start(heading);
  tab.click();
  return true;
}"""
TABS_PAGE = "engagements"  # the page whose tabs are measured (pages/engagements.py, lazy tabs)
TAB_ORDER = (2, 3, 4, 1)

METRICS = ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "TaskDuration")
STATE = """() => { const B = window.__banc; return B && {depuis_debut_ms: performance.now() - B.t0,
  dernier_non_utilisable_ms: B.lastFalse - B.t0, utilisable_depuis_ms: B.usableAt && B.usableAt - B.t0,
  premier_affichage_ms: B.firstPaint && B.firstPaint - B.t0, titre: B.title(), etats: B.states.slice(-3)}; }"""
HASHED = re.compile(r"[.-][\w-]{8}\.js$")


class Browser:
    """One chromium tab on the app, with the recorder and a DevTools session for the renderer's counters."""

    def __init__(self, playwright, url: str):
        self.url = url
        self.browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        self.context = self.browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR")
        self.context.add_init_script(RECORDER % {"usable": USABLE_JS, "stable": STABLE_MS})
        self.page = self.context.new_page()
        self.devtools = self.context.new_cdp_session(self.page)
        self.devtools.send("Performance.enable")
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)[:300]))

    def chromium_pids(self) -> list[int]:
        return [pid for pid in descendants(os.getpid()) if _name(pid).startswith("chrom")]

    def metrics(self) -> dict[str, float]:
        found = {m["name"]: m["value"] for m in self.devtools.send("Performance.getMetrics")["metrics"]}
        return {name: found.get(name, 0.0) for name in METRICS}

    def open(self, path: str) -> None:
        """Opens ``path`` by its address and waits until it is done (not measured)."""
        self.page.goto(f"{self.url}/{path}", wait_until="domcontentloaded", timeout=TIMEOUT_MS)
        self.wait()

    def wait(self) -> None:
        """Until the recorder says the page is done; else a RuntimeError with the page's state."""
        try:
            self.page.wait_for_function("() => window.__banc && window.__banc.done()", timeout=TIMEOUT_MS,
                                        polling=50)
        except Exception as error:
            raise RuntimeError(f"page jamais finie : {self.page.evaluate(STATE)}") from error

    def measure(self, action, server_pid: int) -> dict:
        """Runs ``action`` (a click or a reload), waits until the page is done; its figures."""
        chromium = self.chromium_pids()
        before = (tree_cpu([server_pid, *descendants(server_pid)]), tree_cpu(chromium), self.metrics(),
                  time.perf_counter())
        action()
        self.wait()
        wall = time.perf_counter() - before[3]
        after_metrics = self.metrics()
        chromium = sorted(set(chromium) | set(self.chromium_pids()))
        figures = self.page.evaluate("() => window.__banc.result()")
        figures["cpu_serveur_s"] = tree_cpu([server_pid, *descendants(server_pid)]) - before[0]
        figures["cpu_navigateur_s"] = tree_cpu(chromium) - before[1]
        for name in METRICS:  # a reload may start the renderer's counters again
            delta = after_metrics[name] - before[2][name]
            figures[f"rendu_{name}_s"] = delta if delta >= 0 else after_metrics[name]
        figures["mur_python_s"] = wall
        return figures

    def profile(self, title: str) -> dict[str, float]:
        """A click to ``title`` under the DevTools sampling profiler: ms of the main thread per script file
        (hash left out), a native call counted to the script that made it; « (program) » is the browser's
        own work outside any script (style, layout, paint, parsing), « (garbage collector) » its GC."""
        self.devtools.send("Profiler.enable")
        self.devtools.send("Profiler.setSamplingInterval", {"interval": 1000})
        self.devtools.send("Profiler.start")
        try:
            _click(self, title)
            self.wait()
        finally:
            profile = self.devtools.send("Profiler.stop")["profile"]
            self.devtools.send("Profiler.disable")
        return by_script(profile)

    def close(self) -> None:
        self.context.close()
        self.browser.close()


def _name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def engagement_tabs(title: str) -> list[tuple[str, str, str]]:
    """The tabs of « Les 4 engagements » in the order they are chosen (TAB_ORDER): (tab label, how its heading
    starts, row of the report), as pages/engagements.py writes them."""
    from indicateurs.referentiel import ENGAGEMENTS

    return [(f"{n}. {ENGAGEMENTS[n]}", f"Engagement {n} –", f"{title}, onglet {n}") for n in TAB_ORDER]


def run(url: str, server_pid: int, pages: list[tuple[str, str]], times: int, profiled: bool) -> dict:
    """Warm-up, then ``times`` clicks and ``times`` reloads per page, then one round of the engagements' tabs
    (warm-up) and ``times`` measured rounds, then (``profiled``) one click per page under the profiler; every
    navigation's figures."""
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, list[dict]]] = {title: {"clic": [], "rechargement": []} for _, title in pages}
    tabs_page = next(((path, title) for path, title in pages if path == TABS_PAGE), None)
    tabs = engagement_tabs(tabs_page[1]) if tabs_page else []
    results.update({row: {"onglet": []} for _, _, row in tabs})
    profiles: dict[str, dict[str, float]] = {}
    failures: list[str] = []

    def record(title: str, how: str, action) -> None:
        try:
            figures = tab.measure(action, server_pid)
        except RuntimeError as error:  # a page that never ends is a result, not a crash
            failures.append(f"{how}, {title} : {error}")
            print(f"{how} : {title} ÉCHEC {error}", file=sys.stderr, flush=True)
            return
        if figures["exception"]:
            failures.append(f"{how}, {title} : exception affichée : {figures['exception']}")
        results[title][how].append(figures)
        print(f"{how} {len(results[title][how])} : {title} {figures['utilisable_ms'] / 1000:.2f} s",
              file=sys.stderr, flush=True)

    with sync_playwright() as playwright:
        tab = Browser(playwright, url)
        try:
            for path, title in pages:
                try:
                    tab.open(path)
                except RuntimeError as error:
                    failures.append(f"échauffement, {title} : {error}")
                print(f"échauffement : {title}", file=sys.stderr, flush=True)
            for _ in range(times):
                for _, title in pages:
                    record(title, "clic", lambda: _click(tab, title))
            for path, title in pages:
                try:
                    tab.open(path)
                except RuntimeError as error:
                    failures.append(f"rechargement, {title} : {error}")
                    continue
                for _ in range(times):
                    record(title, "rechargement", lambda: tab.page.reload(wait_until="commit", timeout=TIMEOUT_MS))
            if tabs_page is None:
                failures.append(f"onglets : la page « {TABS_PAGE} » n'est pas dans le menu d'un lecteur")
            else:
                measure_tabs(tab, tabs_page[0], tabs, times, record, failures)
            if profiled:
                for _, title in pages:
                    try:
                        profiles[title] = tab.profile(title)
                    except RuntimeError as error:
                        failures.append(f"profil, {title} : {error}")
                    print(f"profil : {title}", file=sys.stderr, flush=True)
        finally:
            errors = tab.errors
            tab.close()
    return {"mesures": results, "erreurs_script_page": errors, "profils": profiles, "echecs": failures}


def measure_tabs(tab: Browser, path: str, tabs: list[tuple[str, str, str]], times: int, record,
                 failures: list[str]) -> None:
    """Opens ``path`` afresh (first tab open), chooses every tab once unmeasured, then ``times`` times each
    measured by ``record(row, "onglet", action)``."""
    try:
        tab.open(path)
        for label, heading, row in tabs:
            _choose_tab(tab, label, heading)
            tab.wait()
    except RuntimeError as error:
        failures.append(f"échauffement des onglets : {error}")
        return
    print("échauffement : onglets", file=sys.stderr, flush=True)
    for _ in range(times):
        for label, heading, row in tabs:
            record(row, "onglet", lambda: _choose_tab(tab, label, heading))


def by_script(profile: dict) -> dict[str, float]:
    """Milliseconds of samples per script file in a DevTools CPU profile (idle left out)."""
    nodes = {node["id"]: node for node in profile["nodes"]}
    parent = {child: node["id"] for node in profile["nodes"] for child in node.get("children", [])}

    def owner(node_id: int) -> str:
        first = nodes[node_id]["callFrame"]
        current = node_id
        while current is not None:
            url = nodes[current]["callFrame"]["url"]
            if url:
                return HASHED.sub("", url.rsplit("/", 1)[-1].split("?")[0])
            current = parent.get(current)
        name = first["functionName"]
        return name if name.startswith("(") else "(script sans fichier : ui/francais.py, enregistreur du banc)"

    totals: collections.Counter = collections.Counter()
    for sample, delta in zip(profile["samples"], profile["timeDeltas"]):
        totals[owner(sample)] += delta / 1000
    totals.pop("(idle)", None)
    return {name: round(ms, 1) for name, ms in totals.most_common()}


def _click(tab: Browser, title: str) -> None:
    if not tab.page.evaluate(CLICK, title):
        raise RuntimeError(f"lien « {title} » absent du menu")


def _choose_tab(tab: Browser, label: str, heading: str) -> None:
    if not tab.page.evaluate(TAB_CLICK, [label, heading]):
        raise RuntimeError(f"onglet « {label} » absent de la page")


def summary(samples: list[dict]) -> dict:
    """Median and max of the usable time; medians of everything else."""
    def median(key: str) -> float | None:
        values = [s[key] for s in samples if s.get(key) is not None]
        return round(statistics.median(values), 4) if values else None

    usable = [s["utilisable_ms"] / 1000 for s in samples]
    keys = list(dict.fromkeys(k for s in samples for k, v in s.items()
                              if isinstance(v, (int, float)) and not isinstance(v, bool)))
    return {"fois": len(samples), "utilisable_mediane_s": round(statistics.median(usable), 3),
            "utilisable_max_s": round(max(usable), 3), "medianes": {k: median(k) for k in keys}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Pages à chaud dans chromium : temps jusqu'à la page utilisable, par clic dans le menu, "
                    "par rechargement complet et par choix d'un onglet des 4 engagements, et d'où vient ce temps "
                    "(serveur, messages, dessin).")
    parser.add_argument("--fois", type=int, default=5,
                        help="mesures par page et par manière d'y aller, et par onglet des 4 engagements (5)")
    parser.add_argument("--sans-profil", action="store_true",
                        help="ne pas refaire un clic par page sous le profileur de DevTools (temps par script)")
    base_and_json_arguments(parser)
    args = parser.parse_args(argv)
    require_chromium()

    pages = reader_pages()
    with demo_folder(args.base, ADMIN, "navigateur-chaud-") as (folder, db):
        server, url = start_server(db, folder)
        load_before, cpu_before, start = os.getloadavg(), process_cpu(server.pid), time.perf_counter()
        try:
            measured = run(url, server.pid, pages, args.fois, not args.sans_profil)
            load_after, server_cpu = os.getloadavg(), process_cpu(server.pid) - cpu_before
        finally:
            server.terminate()
            server.wait(timeout=30)
        wall = time.perf_counter() - start

    report = {
        "fois": args.fois, "cible_s": TARGET_S, "duree_mur_s": round(wall, 1),
        "cpu_serveur_total_s": round(server_cpu, 2),
        "charge_machine": {"avant": [round(x, 2) for x in load_before], "apres": [round(x, 2) for x in load_after],
                           "coeurs": os.cpu_count()},
        "pages": {title: {how: summary(samples) for how, samples in ways.items() if samples}
                  for title, ways in measured["mesures"].items()},
        "erreurs_script_page": measured["erreurs_script_page"],
        "profil_clic_ms_par_script": measured["profils"],
        "echecs": measured["echecs"],
        "detail": measured["mesures"],
    }
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print_report(report)
    if args.json:
        print(f"Chiffres écrits dans {args.json}")
    return 1 if report["echecs"] else 0


def print_report(r: dict) -> None:
    """The figures in French: one line per page and way of reaching it (a tab of the engagements: its own line,
    access « onglet »), then where the time went."""
    load = r["charge_machine"]
    print(f"Pages et onglets des 4 engagements à chaud dans chromium, {r['fois']} fois chacun ; "
          f"cible : utilisable en {fr(r['cible_s'])} s ; "
          f"charge de la machine {fr(load['avant'][0], 2)} → {fr(load['apres'][0], 2)} sur {load['coeurs']} cœurs ; "
          f"{fr(r['duree_mur_s'])} s en tout, serveur {fr(r['cpu_serveur_total_s'])} s CPU")
    header = (f"{'Page':<34} {'accès':<6} {'médiane':>7} {'max':>6} {'1er aff.':>8} {'dern. msg':>9} "
              f"{'CPU serv.':>9} {'CPU nav.':>8} {'script nav.':>11} {'mise en p.':>10} {'français':>8} "
              f"{'Kio reçus':>9} {'graph.':>6} {'dessins':>7} {'marges':>6}")
    print(header)
    print("(secondes, médianes ; mur sauf « CPU » ; « dern. msg » : dernier message du serveur avant la page "
          "utilisable ; « script nav. », « mise en p. » : JavaScript et mise en page + styles du navigateur ; "
          "« français » : observateur de ui/francais.py ; « dessins » : dessins complets de Plotly, "
          "« marges » : ceux que Plotly refait pour agrandir des marges)")
    for title, ways in r["pages"].items():
        for how, s in ways.items():
            m = s["medianes"]
            mark = "" if s["utilisable_max_s"] <= r["cible_s"] else " *"
            print(f"{title[:34]:<34} {how[:6]:<6} {fr(s['utilisable_mediane_s'], 2):>7} "
                  f"{fr(s['utilisable_max_s'], 2):>6} {fr((m['premier_affichage_ms'] or 0) / 1000, 2):>8} "
                  f"{fr((m['dernier_message_ms'] or 0) / 1000, 2):>9} "
                  f"{fr(m['cpu_serveur_s'], 2):>9} {fr(m['cpu_navigateur_s'], 2):>8} "
                  f"{fr(m['rendu_ScriptDuration_s'], 2):>11} "
                  f"{fr(m['rendu_LayoutDuration_s'] + m['rendu_RecalcStyleDuration_s'], 2):>10} "
                  f"{fr(m['observateur_francais_ms'] / 1000, 3):>8} {fr(m['octets_recus'] / 1024, 0):>9} "
                  f"{m['graphiques']:>6.0f} {m.get('dessins_plotly') or 0:>7.0f} {m.get('redessins_marges') or 0:>6.0f}{mark}")
    print("* : au moins une mesure au-dessus de la cible")
    for how, which in (("clic", "pages"), ("rechargement", "pages"), ("onglet", "onglets")):
        rows = [ways[how]["medianes"] for ways in r["pages"].values() if how in ways]
        if not rows:
            continue
        server = statistics.median(m["dernier_message_ms"] or 0 for m in rows) / 1000
        tail = statistics.median(m["utilisable_ms"] - (m["dernier_message_ms"] or 0) for m in rows) / 1000
        print(f"{how} : jusqu'au dernier message du serveur {fr(server, 2)} s, puis navigateur seul {fr(tail, 2)} s "
              f"(médianes des {which})")
    if r["profil_clic_ms_par_script"]:
        print("Fil principal du navigateur pendant un clic (profileur, ms ; natif compté au script appelant) :")
        for title, parts in r["profil_clic_ms_par_script"].items():
            total = sum(parts.values()) or 1
            top = " ; ".join(f"{name} {fr(ms, 0)} ({fr(100 * ms / total, 0)} %)"
                             for name, ms in list(parts.items())[:5])
            print(f"  {title[:34]:<34} {fr(total, 0):>6} : {top}")
    for failure in r["echecs"]:
        print("Échec : " + failure)
    if r["erreurs_script_page"]:
        print(f"Erreurs de script dans la page : {len(r['erreurs_script_page'])}")
        for text in r["erreurs_script_page"][:10]:
            print("  - " + text)


if __name__ == "__main__":
    sys.exit(main())
