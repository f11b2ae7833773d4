"""A class in real Chromium: the teacher's page and a student's page in two browser contexts
(two browsers' cookies); the student's map follows the teacher's clicks and moves, stops on
"Explore on my own" and catches up on "Follow again"; the student cannot control the class."""

from __future__ import annotations

import pytest

from tests.browser.driver import VIEWPORT, CanvasDriver

pytestmark = pytest.mark.browser

EXPLORE = {"lang": "en", "dataset": "digits", "model": "pretrained:digits-vae-2d"}


def start_class(page) -> str:
    """In the sidebar: open the class box, start a class; the code it shows."""
    sidebar = page.locator("[data-testid=stSidebar]")
    sidebar.get_by_text("Class", exact=True).first.click()
    sidebar.get_by_role("button", name="Start a class").click()
    code = page.locator(".class-code")
    code.wait_for()
    return code.inner_text().strip()


def test_a_student_follows_the_teacher(browser, app_server, page):
    teacher = CanvasDriver(page)
    page.goto(app_server.url("/explore", **EXPLORE))
    teacher.wait_ready()
    code = start_class(page)
    assert len(code) == 6
    teacher.wait_ready()

    student_context = browser.new_context(viewport=VIEWPORT)
    try:
        spage = student_context.new_page()
        spage.set_default_timeout(30_000)
        spage.goto(app_server.url("/", lang="en", **{"class": code}))  # the class link
        spage.wait_for_url("**/explore?**")  # the teacher's page
        student = CanvasDriver(spage).wait_ready()
        spage.wait_for_function("() => window.__latentClass && window.__latentClass.connected")
        spage.get_by_text(f"Following class {code}").first.wait_for()

        rows = teacher.visible_rows(3)
        teacher.page.mouse.click(*teacher.point(rows[0]))
        spage.wait_for_function(f"() => window.__latentCanvas.row === {rows[0]}", timeout=1500)
        spage.wait_for_function(f"() => window.__latentCanvas.clicked.dataset.shown === "
                                f"'{rows[0]}'", timeout=5000)
        x, y = teacher.empty_spot()
        teacher.click(x, y)
        spage.wait_for_function(
            "([x, y]) => { const c = window.__latentCanvas; const [px, py] = c.project(c.z);"
            " return c.row === null && Math.abs(px - x) < 1e-3 && Math.abs(py - y) < 1e-3; }",
            arg=[x, y], timeout=1500)
        # read-only: a click on the student's map does not move it
        before = student.position()
        spage.mouse.click(*student.point(rows[1]))
        assert student.position() == before

        # the student cannot control the class without its secret
        status = spage.evaluate(f"""async () => (await fetch(
            window.__streamlit.BACKEND_BASE_URL.replace(/\\/?$/, '/') + '_latent/class/{code}',
            {{method: 'POST', body: JSON.stringify({{z: [0, 0]}})}})).status""")
        assert status == 403

        spage.get_by_role("button", name="Explore on my own").first.click()
        teacher.page.mouse.click(*teacher.point(rows[1]))
        teacher.page.wait_for_function(f"() => window.__latentCanvas.row === {rows[1]}")
        spage.wait_for_timeout(800)
        assert student.read("c.row") != rows[1]
        spage.mouse.click(*student.point(rows[2]))  # exploring: the map is the student's
        spage.wait_for_function(f"() => window.__latentCanvas.row === {rows[2]}")

        spage.get_by_role("button", name="Follow again").first.click()
        spage.wait_for_function(f"() => window.__latentCanvas.row === {rows[1]}", timeout=1500)
    finally:
        student_context.close()


_EPOCH_JS = """() => { const m = document.body.innerText.match(/Epoch (\\d+) of 400/);
  return m ? Number(m[1]) : 0; }"""


def test_a_student_watches_the_teachers_training_read_only(browser, app_server):
    """The teacher starts a class, then a training: the student's page goes to the Train page
    with that job, sees its epochs and map go by, and has no Stop of its own."""
    from tests.browser.driver import start_training_from_form

    teacher_context = browser.new_context(viewport=VIEWPORT)  # no class from another test
    page = teacher_context.new_page()
    page.set_default_timeout(60_000)
    page.goto(app_server.url("/train", lang="en", dataset="digits"))
    code = start_class(page)
    student_context = browser.new_context(viewport=VIEWPORT)
    try:
        spage = student_context.new_page()
        spage.set_default_timeout(60_000)
        spage.goto(app_server.url("/", lang="en", **{"class": code}))
        spage.wait_for_url("**/train?**")
        start_training_from_form(page, 400)
        page.wait_for_function("() => new URL(location.href).searchParams.get('job')")
        job = page.evaluate("() => new URL(location.href).searchParams.get('job')")
        spage.wait_for_function("(job) => new URL(location.href).searchParams.get('job') === job",
                                arg=job)
        spage.wait_for_function(f"() => ({_EPOCH_JS})() >= 1")
        seen = spage.evaluate(_EPOCH_JS)
        spage.wait_for_function(f"() => ({_EPOCH_JS})() > {seen}")  # live, epoch by epoch
        spage.wait_for_function("() => window.__latentCanvas?.mapOnly"
                                " && window.__latentCanvas.root.dataset.ready === '1'")
        assert spage.get_by_role("button", name="Stop").count() == 0  # read-only
    finally:
        student_context.close()
        if page.get_by_role("button", name="Stop").count():
            page.get_by_role("button", name="Stop").click()
            page.wait_for_function("() => document.body.innerText.includes('Saved as')")
        teacher_context.close()
