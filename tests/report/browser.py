"""A real headless Chromium (Debian's ``chromium`` + ``chromium-driver``) driven by selenium.

``make test`` installs the packages (``make browser``) and sets CEA_REQUIRE_BROWSER=1, so there a missing
browser fails the tests; a bare ``pytest`` on a machine without them skips the browser tests.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

# Records alert/confirm/prompt calls instead of showing them, installed before any page script runs.
ALERT_HOOK = """
window.__alerts = [];
['alert', 'confirm', 'prompt'].forEach(function (k) {
  window[k] = function (m) { window.__alerts.push(k + ':' + String(m)); };
});
"""


def require_browser() -> None:
    if CHROMIUM.exists() and CHROMEDRIVER.exists():
        return
    msg = f"{CHROMIUM} / {CHROMEDRIVER} not installed (run `make browser`)"
    if os.environ.get("CEA_REQUIRE_BROWSER"):
        pytest.fail(msg)
    pytest.skip(msg)


@contextmanager
def chromium(width: int = 1400, height: int = 1000) -> Iterator[Any]:
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    with tempfile.TemporaryDirectory(prefix="cea-chromium-") as profile:
        opts = Options()
        opts.binary_location = str(CHROMIUM)
        for arg in (
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
        ):
            opts.add_argument(arg)
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)
        try:
            driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": ALERT_HOOK})
            yield driver
        finally:
            driver.quit()


def console_errors(driver: Any) -> list[str]:
    return [f"{x['level']}: {x['message']}" for x in driver.get_log("browser") if x["level"] == "SEVERE"]


def no_native_alert(driver: Any) -> bool:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        driver.switch_to.alert  # noqa: B018 - raises when there is none
    except NoAlertPresentException:
        return True
    return False


def full_page_png(driver: Any, path: Path) -> None:
    """A screenshot of the whole page (not just the window), via the DevTools protocol."""
    import base64

    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics["cssContentSize"]
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1},
        },
    )
    path.write_bytes(base64.b64decode(shot["data"]))
