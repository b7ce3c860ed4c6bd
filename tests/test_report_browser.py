"""The HTML report opened as a person would: headless Chromium, driven through the DevTools protocol.

Checks that the page loads with no console errors and no network requests, that it fits a phone's width, and
that it prints; keeps screenshots and the PDF in test-artifacts/ at the repository root.
"""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from conftest import write_config
from report_data import NOW, load_report_dataset
from websockets.sync.client import connect

from listener.config import load_config
from listener.reports.portfolio import build_portfolio
from listener.reports.render import render_html, write_portfolio, write_report
from listener.reports.weekly import WeeklyReport, build_weekly_report
from listener.store import open_store

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
]
TIMEOUT = 60
# axe-core, the accessibility checker, where `npm install -g axe-core` puts it; AXE_CORE_JS names another copy.
AXE_CORE = ["/usr/lib/node_modules/axe-core/axe.min.js", "/usr/local/lib/node_modules/axe-core/axe.min.js"]
AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{CHROMIUM} is missing (under CI the browser test must run: .ci/run installs chromium)")
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")


class Page:
    """One tab, through a flattened DevTools session: send commands, keep every event."""

    def __init__(self, socket, session: str):
        self.socket, self.session, self.events, self._next = socket, session, [], 0

    def send(self, method: str, **params):
        self._next += 1
        self.socket.send(
            json.dumps({"id": self._next, "method": method, "params": params, "sessionId": self.session})
        )
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            message = json.loads(self.socket.recv(timeout=TIMEOUT))
            if message.get("id") == self._next:
                assert "error" not in message, message
                return message["result"]
            self.events.append(message)
        raise TimeoutError(method)

    def wait_for(self, method: str):
        deadline = time.monotonic() + TIMEOUT
        while not any(e.get("method") == method for e in self.events):
            assert time.monotonic() < deadline, f"no {method} event"
            self.events.append(json.loads(self.socket.recv(timeout=TIMEOUT)))

    def evaluate(self, expression: str):
        return self.send("Runtime.evaluate", expression=expression, returnByValue=True)["result"]["value"]

    def set_width(self, width: float) -> None:
        """Show the page on a screen this wide (800 px high); a phone's below 500 px."""
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=round(width),
            height=800,
            deviceScaleFactor=1,
            mobile=width < 500,
        )

    def screenshot(self, path: Path, width: int, mobile: bool) -> None:
        self.send(
            "Emulation.setDeviceMetricsOverride", width=width, height=800, deviceScaleFactor=1, mobile=mobile
        )
        height = self.evaluate("document.documentElement.scrollHeight")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=mobile,
        )
        shot = self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        path.write_bytes(base64.b64decode(shot["data"]))


@pytest.fixture
def browser(tmp_path):
    require_chromium()
    profile = tmp_path / "chromium-profile"
    log = (tmp_path / "chromium.log").open("wb")
    process = subprocess.Popen(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"], stdout=log, stderr=log
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + TIMEOUT
        while not (port_file.exists() and len(port_file.read_text().split()) == 2):
            assert process.poll() is None, (tmp_path / "chromium.log").read_text(errors="replace")
            assert time.monotonic() < deadline, "Chromium did not open its DevTools port"
            time.sleep(0.1)
        port, path = port_file.read_text().split()
        with connect(f"ws://127.0.0.1:{port}{path}", max_size=None, open_timeout=TIMEOUT) as socket:
            yield socket
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def open_page(socket, url: str) -> Page:
    socket.send(json.dumps({"id": 1, "method": "Target.createTarget", "params": {"url": "about:blank"}}))
    target = _result(socket, 1)["targetId"]
    socket.send(
        json.dumps(
            {"id": 2, "method": "Target.attachToTarget", "params": {"targetId": target, "flatten": True}}
        )
    )
    page = Page(socket, _result(socket, 2)["sessionId"])
    for domain in ("Page", "Network", "Runtime", "Log"):
        page.send(f"{domain}.enable")
    page.send("Page.navigate", url=url)
    page.wait_for("Page.loadEventFired")
    return page


def _result(socket, wanted: int):
    while True:
        message = json.loads(socket.recv(timeout=TIMEOUT))
        if message.get("id") == wanted:
            return message["result"]


@pytest.fixture
def report(tmp_path) -> WeeklyReport:
    """RJ1's report on the test dataset, its flagged posts in Welsh (so axe checks the quotes' lang too)."""
    db_url = f"sqlite:///{tmp_path / 'browser.db'}"
    config = load_config(write_config(tmp_path, "reports:\n  notice: Test data\n", db_url=db_url))
    store = open_store(db_url)
    try:
        load_report_dataset(store)
        with store.engine.begin() as connection:
            connection.exec_driver_sql("UPDATE posts SET lang = 'cy' WHERE id IN (SELECT post_id FROM flags)")
        return build_weekly_report(store.engine, config, "RJ1", "2026-W47", now=NOW)
    finally:
        store.close()


@pytest.fixture
def report_file(tmp_path, report) -> Path:
    return write_report(tmp_path / "reports", report)["html"]


@pytest.fixture
def emailed_without_styles(tmp_path, report) -> Path:
    """The HTML body of the report's e-mail, as a mail program that drops the page's styles shows it."""
    html, styles = re.subn(r"<style>.*?</style>", "", render_html(report, emailed=True), flags=re.S)
    assert styles == 1
    path = tmp_path / "emailed-without-styles.html"
    path.write_text(html, encoding="utf-8")
    return path


@pytest.fixture
def axe_core() -> str:
    for path in [os.environ.get("AXE_CORE_JS", ""), *AXE_CORE]:
        if path and Path(path).is_file():
            return Path(path).read_text(encoding="utf-8")
    missing = "axe-core is not installed (npm install -g axe-core, or set AXE_CORE_JS to its axe.min.js)"
    if os.environ.get("CI") == "true":
        pytest.fail(missing)  # CI installs it (.ci/run): there, a missing checker is a failure, not a skip
    pytest.skip(missing)


def test_report_in_headless_chromium(browser, report_file):
    page = open_page(browser, report_file.as_uri())
    requests = [
        e["params"]["request"]["url"] for e in page.events if e.get("method") == "Network.requestWillBeSent"
    ]
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    errors = [
        e["params"]
        for e in page.events
        if e.get("method") == "Runtime.exceptionThrown"
        or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert"))
        or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
    ]
    assert errors == []
    assert page.evaluate("document.title").startswith("Guy's and St Thomas' NHS Foundation Trust")
    shown_charts = "[...document.querySelectorAll('svg[role=img]')].filter(svg => svg.checkVisibility())"
    assert page.evaluate(f"{shown_charts}.filter(svg => svg.querySelector(':scope > title')).length") == 2
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith('"Frutiger W01", Arial')
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(ARTIFACTS / "report-desktop.png", 1024, mobile=False)
    page.screenshot(ARTIFACTS / "report-phone.png", 390, mobile=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "wider than a phone"
    pdf = base64.b64decode(page.send("Page.printToPDF", printBackground=False)["data"])
    assert pdf.startswith(b"%PDF")
    (ARTIFACTS / "report.pdf").write_bytes(pdf)
    assert (ARTIFACTS / "report-desktop.png").stat().st_size > 10_000


@pytest.fixture
def portfolio_file(tmp_path) -> Path:
    db_url = f"sqlite:///{tmp_path / 'portfolio.db'}"
    config = load_config(write_config(tmp_path, "reports:\n  notice: Test data\n", db_url=db_url))
    store = open_store(db_url)
    try:
        load_report_dataset(store)
        reports = [build_weekly_report(store.engine, config, c, "2026-W47", now=NOW) for c in ("RJ1", "RR8")]
    finally:
        store.close()
    assert reports[0].headline[0].position == "above"  # the widest cell: a number with its "above usual" tag
    return write_portfolio(tmp_path / "reports", build_portfolio(reports, 30))["html"]


def test_portfolio_table_fits_a_desktop_page(browser, portfolio_file):
    """The portfolio's table was 65 px wider than the page on a desktop, so its last column (volume this week)
    was hidden unless the reader scrolled the table sideways; on a desktop every table fits."""
    page = open_page(browser, portfolio_file.as_uri())
    page.send("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)
    overflowing = page.evaluate(
        "[...document.querySelectorAll('.table-wrap')].filter(w => w.scrollWidth > w.clientWidth).length"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(ARTIFACTS / "portfolio-desktop.png", 1280, mobile=False)
    assert overflowing == 0, "a table is wider than the page"


def settle(page: Page) -> None:
    """Wait two frames, so what the page does on a resize (its ResizeObserver) has run."""
    page.send(
        "Runtime.evaluate",
        expression="new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))",
        awaitPromise=True,
    )


def table_boxes(page: Page, width: int) -> list[tuple[bool, bool]]:
    """For each table box at this screen width: (its table is wider than it and scrolls, it takes a Tab stop)."""
    page.set_width(width)
    settle(page)
    return [
        tuple(box)
        for box in page.evaluate(
            "[...document.querySelectorAll('.table-wrap')].map(box =>"
            " [box.scrollWidth > box.clientWidth, box.tabIndex === 0 && box.hasAttribute('tabindex')])"
        )
    ]


def test_table_boxes_take_a_tab_stop_only_when_they_scroll(browser, report_file, portfolio_file):
    """Each table box took a Tab stop, there so a keyboard user can scroll a wide table sideways, even where the
    table fitted and nothing scrolled: a needless stop per table. A box takes one while its table is wider than
    it, checked again as the screen's width changes and when the figures week by week are opened."""
    for html in (report_file, portfolio_file):
        page = open_page(browser, html.as_uri())
        desktop = table_boxes(page, 1024)
        assert (False, False) in desktop and all(scrolls == stop for scrolls, stop in desktop), desktop
        phone = table_boxes(page, 320)
        assert (True, True) in phone and all(scrolls == stop for scrolls, stop in phone), phone
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; }); true")
        opened = table_boxes(page, 320)
        assert all(scrolls == stop for scrolls, stop in opened), opened
        assert table_boxes(page, 1024) == desktop, html.name
    page = open_page(browser, report_file.as_uri())
    table_boxes(page, 320)
    page.evaluate("document.querySelector('details').open = true")
    settle(page)
    weeks = "document.querySelector('details .table-wrap')"  # the figures week by week: wider than a phone
    assert page.evaluate(f"[{weeks}.scrollWidth > {weeks}.clientWidth, {weeks}.tabIndex]") == [True, 0]


def press_tab(page: Page) -> None:
    for kind in ("keyDown", "keyUp"):
        page.send("Input.dispatchKeyEvent", type=kind, key="Tab", code="Tab", windowsVirtualKeyCode=9)


def test_skip_link_is_seen_when_focused(browser, report_file, portfolio_file):
    """The first Tab went to a skip link that stayed clipped to 1 pixel, so a keyboard user could not see where
    focus was (WCAG 2.4.7); the portfolio had no skip link. Focused, each page's skip link shows."""
    for html in (report_file, portfolio_file):
        page = open_page(browser, html.as_uri())
        press_tab(page)
        focused = page.evaluate(
            "(() => { const a = document.activeElement, box = a.getBoundingClientRect();"
            " return [a.textContent, a.getAttribute('href'), box.width, box.height, box.top]; })()"
        )
        text, target, width, height, top = focused
        assert (text, target) == ("Skip to the report", "#main")
        assert width > 100 and height >= 16 and top >= 0, focused


def shown_chart_text_sizes(page: Page, width: int) -> list[float]:
    """The smallest text on each chart shown at this screen width, in CSS pixels as drawn."""
    page.set_width(width)
    return page.evaluate(
        "[...document.querySelectorAll('svg.chart')].filter(svg => svg.checkVisibility()).map(svg =>"
        " Math.min(...[...svg.querySelectorAll('text')].map(text =>"
        " parseFloat(getComputedStyle(text).fontSize) * svg.getScreenCTM().a)))"
    )


def test_chart_labels_are_readable_on_a_phone(browser, report_file):
    """On a 320 px wide screen (a phone, or a desktop zoomed to 400 %) a trend chart shrank to fit, and its
    12 px labels shrank with it to 5 px. At every width each chart is shown once, its labels at least 10 px."""
    page = open_page(browser, report_file.as_uri())
    for width in (320, 390, 640, 641, 1024):
        sizes = shown_chart_text_sizes(page, width)
        assert len(sizes) == 2 and min(sizes) >= 10, (width, sizes)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), width


def test_sentiment_bar_parts_are_set_apart(browser, report_file):
    """The red and green of a sentiment bar are equally light (1.0:1), so a reader who cannot tell red from
    green saw one block; a gap between the parts lets them be matched to the figures written under the bar."""
    page = open_page(browser, report_file.as_uri())
    gaps = page.evaluate(
        "[...document.querySelectorAll('.bar')].flatMap(bar => {"
        " const boxes = [...bar.children].map(part => part.getBoundingClientRect());"
        " return boxes.slice(1).map((box, i) => box.left - boxes[i].right); })"
    )
    assert len(gaps) >= 3 and min(gaps) >= 2, gaps


def test_printed_report_keeps_the_figures_and_where_each_post_is(browser, report_file):
    """On paper the table of figures week by week stayed folded away in its <details>, and "Open the post" led
    nowhere. Printed, the table shows and each post's link is followed by its address."""
    page = open_page(browser, report_file.as_uri())
    page.send("Emulation.setEmulatedMedia", media="print")
    assert page.evaluate("document.querySelector('details tbody tr').checkVisibility()")
    href, after = page.evaluate(
        "(() => { const a = document.querySelector('.meta a');"
        " return [a.getAttribute('href'), getComputedStyle(a, '::after').content]; })()"
    )
    assert href.startswith("https://") and href in after


@pytest.mark.parametrize("width", [320, 1024])
def test_axe_finds_no_accessibility_problem(axe_core, browser, report_file, portfolio_file, width):
    """axe-core's WCAG 2.2 A and AA rules and its best practices, on the report and the portfolio, on a phone and
    a desktop, with the folded figures open. (axe finds what a program can; docs/report.md lists the rest.)"""
    for html in (report_file, portfolio_file):
        page = open_page(browser, html.as_uri())
        page.set_width(width)
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; }); true")
        settle(page)
        page.send("Runtime.evaluate", expression=axe_core)
        run = f"axe.run(document, {{runOnly: {{type: 'tag', values: {json.dumps(AXE_RULES)}}}}})"
        result = page.send(
            "Runtime.evaluate",
            expression=f"{run}.then(r => r.violations.map(v => [v.id, v.help, v.nodes.map(n => n.target)]))",
            awaitPromise=True,
            returnByValue=True,
        )
        assert result["result"]["value"] == [], html.name


def test_sentiment_bars_keep_their_colours_in_high_contrast_mode(browser, report_file):
    """In Windows' high-contrast mode (forced colours) every background is painted the page's colour, so each
    sentiment bar vanished; its parts keep their colours there."""
    page = open_page(browser, report_file.as_uri())
    page.send("Emulation.setEmulatedMedia", features=[{"name": "forced-colors", "value": "active"}])
    assert page.evaluate("matchMedia('(forced-colors: active)').matches")
    colours = page.evaluate(
        "['neg', 'neu', 'pos'].map(part =>"
        " getComputedStyle(document.querySelector(`.bar .${part}`)).backgroundColor)"
    )
    assert colours == ["rgb(213, 40, 27)", "rgb(174, 183, 189)", "rgb(0, 127, 59)"]


_PDF_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)\s*endobj", re.S)


def tagged_pdf_pages(pdf: bytes) -> list[tuple[str, int]]:
    """Each element of a tagged PDF (as Chromium writes one) in reading order: its type ("H3", "Figure", "P"...)
    and the page it begins on, counted from 1."""
    objects = {int(number): body for number, body in _PDF_OBJECT.findall(pdf)}

    def refs(body: bytes, key: bytes) -> list[int]:
        value = re.search(rb"/" + key + rb"\s*(\[[^\]]*\]|\d+ 0 R)", body)
        return [int(n) for n in re.findall(rb"(\d+) 0 R", value.group(1))] if value else []

    def page_list(number: int) -> list[int]:
        kids = refs(objects[number], b"Kids")
        return [page for kid in kids for page in page_list(kid)] if kids else [number]

    (catalog,) = [body for body in objects.values() if re.search(rb"/Type\s*/Catalog\b", body)]
    page_numbers = {page: index for index, page in enumerate(page_list(refs(catalog, b"Pages")[0]), start=1)}
    elements = []

    def walk(number: int) -> int | None:
        body = objects[number]
        place = len(elements)
        elements.append(None)
        pages = [page_numbers[p] for p in refs(body, b"Pg")]
        children = [k for k in refs(body, b"K") if b"/StructElem" in objects[k]]
        pages += [page for page in map(walk, children) if page]
        kind = re.search(rb"/S\s*/(\w+)", body).group(1).decode()
        elements[place] = (kind, min(pages, default=0))
        return elements[place][1]

    (root,) = [body for body in objects.values() if re.search(rb"/Type\s*/StructTreeRoot\b", body)]
    for top in refs(root, b"K"):
        walk(top)
    return elements


def test_printed_trend_keeps_its_heading_and_summary_with_its_chart(browser, report_file):
    """Printed, a trend's heading and summary could end a page with its chart at the top of the next. Pushed down
    so that its heading and summary just fit at the foot of a page and its chart does not, the trend starts on the
    next page, whole."""
    page = open_page(browser, report_file.as_uri())
    inches, margin = (8.27, 11.69), 0.5  # A4
    width, height = ((side - 2 * margin) * 96 for side in inches)  # the printed page's content, in CSS px
    page.send("Emulation.setEmulatedMedia", media="print")
    page.set_width(width)
    # only the trends are printed, the first trend's summary ending 8 px above the foot of the first page
    page.evaluate(
        "(() => { const style = document.createElement('style');"
        " style.textContent = 'header.page, footer, nav, main > :not(section[aria-labelledby=trends]), details'"
        " + ' { display: none !important; }'; document.head.append(style);"
        " const heading = document.querySelector('#trends ~ h3, #trends ~ * h3');"
        " const summary = heading.nextElementSibling || heading.parentElement.nextElementSibling;"
        " const spacer = document.createElement('div');"
        f" spacer.style.height = ({height} - 8 - summary.getBoundingClientRect().bottom) + 'px';"
        " heading.closest('section').prepend(spacer); return true; })()"
    )
    pdf = base64.b64decode(
        page.send(
            "Page.printToPDF",
            paperWidth=inches[0],
            paperHeight=inches[1],
            **{f"margin{side}": margin for side in ("Top", "Bottom", "Left", "Right")},
            generateTaggedPDF=True,
        )["data"]
    )
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "report-trend-at-a-page-end.pdf").write_bytes(pdf)
    kept = [(kind, number) for kind, number in tagged_pdf_pages(pdf) if kind in ("H3", "Figure")]
    assert [kind for kind, _ in kept] == ["H3", "Figure", "H3", "Figure"], kept
    (_, first_heading), (_, first_chart), (_, second_heading), (_, second_chart) = kept
    assert first_chart == 2, "the chart was meant to be pushed to the second page"
    assert (first_heading, second_heading) == (first_chart, second_chart), kept


def test_emailed_report_without_its_styles_shows_each_chart_once(browser, emailed_without_styles):
    """A mail program that drops the page's styles showed both versions of each trend chart, wide and narrow (a
    screen reader read each twice), and a "Skip to the report" link at the top. The narrow chart is hidden in its
    own markup, which the page's styles override on a phone, and the e-mail has no skip link (which jumps nowhere
    in most mail programs)."""
    page = open_page(browser, emailed_without_styles.as_uri())
    for width in (320, 1024):
        page.set_width(width)
        shown = page.evaluate(
            "[...document.querySelectorAll('svg[role=img]')].filter(svg => svg.checkVisibility())"
            ".map(svg => svg.getAttribute('class'))"
        )
        assert shown == ["chart wide", "chart wide"], (width, shown)
    assert page.evaluate("document.querySelector('a[href=\"#main\"]') === null")  # no skip link
    assert page.evaluate("document.querySelectorAll('svg.chart.narrow').length") == 2
