"""Subscribers: address validation, CSV/YAML lists with a line for each bad entry, and a store
that never lets an unsubscribed address back in."""

from __future__ import annotations

import pytest

from digest.mail.subscribers import SubscriberBook, SubscriberError, read_list, validate_address
from issues import NOW

GOOD = {"reader@example.org": "reader@example.org", " Reader.One+news@Example.ORG ": "Reader.One+news@example.org",
        "o'brien@sub.example.co.uk": "o'brien@sub.example.co.uk", "zoë@bücher.example": None,
        "kino@bücher.example": "kino@xn--bcher-kva.example", "reader@example.org\n": "reader@example.org"}
BAD = ["", "reader", "reader@", "@example.org", "a b@example.org", "reader@localhost", "reader@example..org",
       "reader@-example.org", "reader@example.123", ".reader@example.org", "re..ader@example.org",
       "Reader <reader@example.org>", "reader@exa mple.org", "x" * 65 + "@example.org"]


@pytest.mark.parametrize("raw, stored", GOOD.items())
def test_valid_addresses_are_normalised(raw, stored):
    if stored is None:  # a non-ASCII name before the @ needs SMTPUTF8; we do not send that
        with pytest.raises(ValueError, match="not a valid name before the @"):
            validate_address(raw)
    else:
        assert validate_address(raw) == stored


@pytest.mark.parametrize("raw", BAD)
def test_invalid_addresses_say_why(raw):
    with pytest.raises(ValueError):
        validate_address(raw)


def test_lists_from_csv_and_yaml_report_bad_lines(tmp_path):
    csv = tmp_path / "list.csv"
    csv.write_text("name,Email\nAda,ada@example.org\nBob,not-an-address\n\nCy,cy@example.org\n", encoding="utf-8")
    addresses, problems = read_list(csv)
    assert addresses == ["ada@example.org", "cy@example.org"]
    assert [str(p) for p in problems] == [f"{csv}:3: 'not-an-address' skipped: needs one @ between a name and a domain"]
    plain = tmp_path / "plain.csv"
    plain.write_text("ada@example.org\ncy@example.org\n", encoding="utf-8")
    assert read_list(plain)[0] == ["ada@example.org", "cy@example.org"]
    yaml_list = tmp_path / "list.yaml"
    yaml_list.write_text("subscribers:\n  - ada@example.org\n  - email: cy@example.org\n  - email: nope\n")
    addresses, problems = read_list(yaml_list)
    assert addresses == ["ada@example.org", "cy@example.org"] and "item 3: 'nope' skipped" in str(problems[0])
    with pytest.raises(SubscriberError, match="cannot read"):
        read_list(tmp_path / "missing.csv")


def test_store_adds_once_and_never_brings_back_an_unsubscribed_address(tmp_path):
    with SubscriberBook(tmp_path / "store.sqlite") as book:
        first = book.add("Ada@Example.org", NOW)
        assert book.add("ada@example.org", NOW) == first  # one subscriber per mailbox
        assert len(first.key) >= 16 and "ada" not in first.key.lower()
        book.add("cy@example.org", NOW, source="list.csv")
        assert [s.address for s in book.list("active")] == ["Ada@example.org", "cy@example.org"]
        gone = book.unsubscribe("ADA@example.org", NOW)
        assert gone.status == "unsubscribed" and book.unsubscribe(first.key, NOW, by_key=True) == gone  # idempotent
        with pytest.raises(SubscriberError, match="unsubscribed on 2025-07-28 and is never mailed again"):
            book.add("ada@example.org", NOW)
        assert book.merge(["ada@example.org", "new@example.org"], NOW, "list.csv") == (1, ["ada@example.org"])
        assert [s.address for s in book.list("active")] == ["cy@example.org", "new@example.org"]
        assert len(book.list()) == 3 and book.unsubscribe("nobody@example.org", NOW) is None
        with pytest.raises(SubscriberError, match="is not an email address"):
            book.add("nobody", NOW)
