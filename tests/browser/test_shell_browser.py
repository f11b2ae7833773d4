"""What every page shares, seen in the browser: its requests and its fonts."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/explore", "/train"])
def test_opening_a_page_by_its_address_makes_no_failed_request(page, app_server, path):
    """Opened at ``/train``, Streamlit's frontend used to try ``/train/_stcore/health`` and
    ``/train/_stcore/host-config`` first: two 404s in the console of every page."""
    failed, console = [], []
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    page.on("console", lambda m: m.type == "error" and console.append(m.text))
    page.goto(app_server.url(path, lang="en"))
    page.locator('[data-testid="stSidebar"]').wait_for()
    page.locator("h1").first.wait_for()
    page.wait_for_timeout(500)
    assert failed == []
    assert not [text for text in console if "404" in text]


_LABEL_FITS_JS = """() => {
  // each option of the sidebar's dataset picker, measured in the picker's own font against
  // the room its box gives the text
  const input = document.querySelector('[data-testid=stSidebar] input[role=combobox]');
  const style = getComputedStyle(input);
  const ctx = document.createElement('canvas').getContext('2d');
  ctx.font = style.font;
  const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const options = [...document.querySelectorAll('[role=option]')].map(o => o.textContent.trim());
  return {room, widths: Object.fromEntries(options.map(t => [t, ctx.measureText(t).width]))};
}"""


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_sidebar_s_dataset_names_fit_a_1280_screen(browser, app_server, lang):
    """The full title and "not downloaded" were cut: "MNIST handwritten digits 28×28 ·"."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(app_server.url("/train", lang=lang, dataset="mnist"))  # not downloaded here
        sidebar = page.locator('[data-testid="stSidebar"]')
        sidebar.locator("input[role=combobox]").first.click()
        page.locator("[role=option]").nth(2).wait_for()
        fit = page.evaluate(_LABEL_FITS_JS)
        assert len(fit["widths"]) >= 3, fit
        assert {t: w for t, w in fit["widths"].items() if w > fit["room"]} == {}, fit["room"]
    finally:
        page.close()


_TITLE_CLEAR_JS = """(i) => {
  // plot i's toolbar, shown while the pointer is on the plot, against its title
  const gd = document.querySelectorAll('.js-plotly-plot')[i];
  const bar = gd.querySelector('.modebar-container .modebar').getBoundingClientRect();
  const titles = [...gd.querySelectorAll('.gtitle, .annotation-text, .legendtitletext')]
    .map(t => t.getBoundingClientRect()).filter(r => r.width > 0);
  const overlaps = titles.filter(r => r.left < bar.right && bar.left < r.right
                                      && r.top < bar.bottom && bar.top < r.bottom);
  return {titles: titles.length, overlaps: overlaps.length, barHeight: bar.height};
}"""


def test_the_toolbar_leaves_the_compare_maps_titles_readable(browser, app_server):
    """At 1280 px the middle map's toolbar wrapped onto two rows and covered its title."""
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(app_server.url("/compare", lang="en", dataset="digits"))
        page.wait_for_function("() => document.querySelectorAll('.js-plotly-plot .gtitle')"
                               ".length >= 3", timeout=90_000)
        for i in range(3):
            plot = page.locator(".js-plotly-plot").nth(i)
            plot.scroll_into_view_if_needed()
            box = plot.bounding_box()
            page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.6)
            page.wait_for_timeout(300)
            seen = page.evaluate(_TITLE_CLEAR_JS, i)
            assert seen["titles"] >= 1 and seen["overlaps"] == 0, (i, seen)
            assert seen["barHeight"] < 40, (i, seen)   # one row of buttons
    finally:
        page.close()


_FONT_JS = """() => ({
  faces: [...document.fonts].filter(f => f.family.replace(/"/g, '') === 'Noto Sans KR')
    .map(f => `${f.weight} ${f.status}`).sort(),
  ready: document.fonts.check('16px "Noto Sans KR"', '한')
         && document.fonts.check('bold 16px "Noto Sans KR"', '한'),
  heading: getComputedStyle(document.querySelector('h1')).fontFamily,
  text: getComputedStyle(document.querySelector('[data-testid=stMarkdownContainer] p'))
    .fontFamily,
})"""


def test_korean_text_is_drawn_with_the_shipped_font(page, app_server):
    """A machine without Korean fonts (like this test's) drew every Korean string as boxes."""
    page.goto(app_server.url("/", lang="ko"))
    page.locator("h1").first.wait_for()
    page.wait_for_function("() => document.fonts.status === 'loaded' && [...document.fonts]"
                           ".some(f => f.family.includes('Noto Sans KR') && f.status === 'loaded')",
                           timeout=30_000)
    seen = page.evaluate(_FONT_JS)
    assert "400 loaded" in seen["faces"], seen
    assert seen["ready"], seen
    for family in (seen["heading"], seen["text"]):
        assert "Noto Sans KR" in family, seen
