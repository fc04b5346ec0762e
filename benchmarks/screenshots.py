"""Screenshots for the README: the chat and the Overview, on a desktop and on a phone.

    python benchmarks/screenshots.py [--url http://127.0.0.1:7860] [--out docs/screenshots]

Drives a running app (any mode without a login, e.g. `python app.py --public`) in Debian's
headless Chromium: asks one question, opens its first source, and saves `chat-desktop.png`,
`chat-phone.png`, `overview-desktop.png` and `overview-phone.png` (desktop 1366x900, phone
390x844; the phone's chat down to its first source).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import CHROMIUM, CHROMIUM_ARGS, QUESTION, ask  # noqa: E402

SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:7860")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        for name, viewport in SIZES.items():
            phone = name == "phone"
            context = browser.new_context(viewport=viewport, has_touch=phone, is_mobile=phone)
            page = context.new_page()
            page.set_default_timeout(60_000)
            page.goto(args.url)
            page.locator("#question textarea").wait_for()
            ask(page, QUESTION, "6,3 millioner")
            if phone:  # the answer and, right under the question box, its sources
                clip = {"x": 0, "y": 0, "width": 390, "height": 1500}
                page.screenshot(path=args.out / f"chat-{name}.png", full_page=True, clip=clip)
            else:
                page.locator("#chat .bot").last.locator("button.cite").first.click()
                page.locator("#document-viewer mark").first.wait_for()
                page.wait_for_timeout(500)
                page.evaluate("() => window.scrollTo(0, 0)")
                page.screenshot(path=args.out / f"chat-{name}.png")
            page.get_by_role("tab", name="Oversikt").click()
            table = page.locator("#overview-table")
            row = table.get_by_role("row").filter(has_text="4,4 millioner").first
            row.wait_for()
            row.get_by_role("gridcell").first.click()
            page.locator("#overview-document mark").first.wait_for()
            page.wait_for_timeout(500)
            page.evaluate("() => window.scrollTo(0, 0)")
            page.screenshot(path=args.out / f"overview-{name}.png")
            context.close()
        browser.close()
    for path in sorted(args.out.glob("*-*.png")):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
