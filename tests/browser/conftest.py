"""Playwright with Debian's Chromium, and an axe-core check for every page a test visits."""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = "Chromium is absent at /usr/bin/chromium (make browser-deps installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # Playwright runs its own event loop; Django must still allow our synchronous DB calls beside it.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=[
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )
    yield browser
    browser.close()
    playwright.stop()


def follow(locator) -> None:
    """Click a link or submit button and wait until the page it leads to has loaded.

    A bare click() returns once the click is dispatched; a form submission (above all without JavaScript) may
    start its navigation a moment later, so reading the page right after could read the old one.
    """
    with locator.page.expect_navigation():
        locator.click()


def check_axe(page) -> None:
    """Run axe-core on the page as it is now; fail with a readable list of violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    violations = result["violations"]
    if violations:
        lines = [f"axe found {len(violations)} violation(s) on {page.url}:"]
        for v in violations:
            targets = ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']} -> {targets}")
        pytest.fail("\n".join(lines), pytrace=False)


@pytest.fixture
def axe():
    return check_axe


def pytest_configure(config: pytest.Config) -> None:
    # xdist registers this marker itself; without xdist (-p no:xdist) --strict-markers needs it declared.
    config.addinivalue_line("markers", "xdist_group(name): run these tests in one xdist worker")
