"""axe-core in the browser tests: load it into a page, run the WCAG 2.1 A/AA rules, keep what is
serious or critical.

axe-core comes from the npm registry, pinned in the repository's package.json / package-lock.json
and installed into node_modules/ by `make e2e-deps` (`npm ci`), which `make e2e` and CI's e2e step
run first. It is never fetched from a CDN nor committed here.

The script is evaluated through the DevTools protocol (`page.evaluate`), which the page's
Content-Security-Policy does not govern, so the pages are checked under their real, strict CSP
(an inline <script> tag would be refused; `bypass_csp` would switch the policy off for the whole
context and hide CSP faults from the page watch).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"

# The rules of WCAG 2.0 and 2.1, levels A and AA (axe's tags).
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = frozenset({"serious", "critical"})

_RUN = """async ([tags, disabled]) => {
  const rules = Object.fromEntries(disabled.map((id) => [id, { enabled: false }]));
  const results = await axe.run(document, {
    runOnly: { type: "tag", values: tags },
    rules,
    resultTypes: ["violations"],
  });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    targets: v.nodes.map((n) => n.target.join(" ")),
    summaries: v.nodes.map((n) => n.failureSummary || ""),
  }));
}"""


@cache
def axe_source() -> str:
    if not AXE_JS.exists():
        pytest.fail(
            f"axe-core is not installed ({AXE_JS.relative_to(ROOT)} is missing): run `make e2e-deps` "
            "(`npm ci --no-audit --no-fund`, needs Node.js and npm: `apt-get install -y nodejs npm`)",
            pytrace=False,
        )
    return AXE_JS.read_text(encoding="utf-8")


def serious_violations(page, *, disabled: tuple[str, ...] = ()) -> list[dict]:
    """axe's WCAG 2.1 A/AA violations of impact serious or critical on the page as it is now.

    `disabled` turns rules off by id: only for a page whose fault is known and owned elsewhere,
    with a comment at the call saying why.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    violations = page.evaluate(_RUN, [WCAG_21_AA, list(disabled)])
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


def describe(violations: list[dict], where: str) -> list[str]:
    """One readable block per violation: rule id, impact, the elements (CSS selectors), help URL."""
    lines = []
    for v in violations:
        lines.append(f"{where}: {v['id']} ({v['impact']}) {v['help']}\n      {v['helpUrl']}")
        for target, summary in zip(v["targets"][:5], v["summaries"][:5], strict=True):
            first = summary.splitlines()[1].strip() if len(summary.splitlines()) > 1 else summary
            lines.append(f"      - {target}  [{first}]")
        if len(v["targets"]) > 5:
            lines.append(f"      … and {len(v['targets']) - 5} more")
    return lines
