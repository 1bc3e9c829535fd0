"""The README's demo-account table and the demo data agree."""

from pathlib import Path

from venues.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_lists_every_demo_account_with_its_password():
    text = README.read_text(encoding="utf-8")

    assert f"`{DEMO_PASSWORD}`" in text
    for account in DEMO_ACCOUNTS:
        assert f"| {account.phone} |" in text
        assert account.real_name in text


def test_readme_starts_with_the_two_commands():
    head = README.read_text(encoding="utf-8")[:2500]

    assert "make run" in head
    assert "make test" in head
