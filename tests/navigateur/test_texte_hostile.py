"""User-supplied text shown as text in chromium: a file name written in Markdown, colour directives and
LaTeX stay literal on the Import page (no bold, no image fetched, no link)."""

from __future__ import annotations

import pytest

from ui.texte import WORD_JOINER

from .conftest import no_exception, open_page, upload

# xdist_group: with « pytest --dist loadgroup », the tests on the shared `server` run on one worker, which starts it once.
pytestmark = [pytest.mark.navigateur, pytest.mark.xdist_group("serveur")]

CONTENT = "parcours;indicateur;mois;valeur\r\nDSOL-AIDE-SOCIALE;DELAI_TRAITEMENT;2026-09;12\r\n".encode("utf-8")
NAMES = [
    "**gras** ![p](https://evil.example/p.png) [lien](https://evil.example).csv",
    ":red[rouge] $x^2$ <script>alert(1)</script> _souligné_ `code` :material/home:.csv",
]


@pytest.mark.parametrize("name", NAMES)
def test_a_markdown_file_name_shows_literally_on_the_import_page(server, page, name):
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    open_page(page, server["url"] + "/import_donnees")
    heading = page.get_by_role("heading", name="Vérification de")
    upload(page, [{"name": name, "mimeType": "text/csv", "buffer": CONTENT}], heading)
    shown = heading.inner_text().replace(WORD_JOINER, "")  # invisible, only there to stop bare links
    main = page.locator('[data-testid="stMain"]')
    assert shown.strip() == f"Vérification de « {name} »"
    caption = main.get_by_text("Lu comme :").first.inner_text()
    assert caption.startswith("Lu comme : ")
    assert main.locator("img[src*='evil.example']").count() == 0
    links = main.locator("a[href*='evil.example']")
    assert links.count() == 0, [links.nth(i).evaluate("e => e.parentElement.outerHTML") for i in range(links.count())]
    rendered = heading.locator("strong, em, code, img, .katex, span[style*='color'], a:not([href^='#'])")
    assert rendered.count() == 0, [rendered.nth(i).evaluate("e => e.outerHTML") for i in range(rendered.count())]
    assert not [url for url in requests if "evil.example" in url]
    no_exception(page)
