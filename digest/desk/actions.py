"""A desk form -> one change to the week's corrections (pure): what each button on the page does.

Every action names an article by id (a story by one of its articles); each has an undo that
removes exactly that entry, so a correction made on the page can be taken back on the page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from digest.corrections import Move, Ref, WeekCorrections
from digest.errors import DigestError

Change = Callable[[WeekCorrections], WeekCorrections]
LISTS = ("exclude_articles", "exclude_stories", "feature")


def change(form: Mapping[str, str]) -> tuple[Change, str]:
    """The change a submitted form asks for, and a line saying what it did."""
    action, article, title = form.get("action", ""), form.get("article", "").strip(), form.get("title", "")
    text = " ".join(form.get("text", "").split())
    if action in LISTS and article:
        return _add(action, Ref(article=article, title=title)), f"{action.replace('_', ' ')}: {title or article}"
    if action == "lead" and article:
        return (lambda c: c.model_copy(update={"lead": Ref(article=article, title=title)})), f"lead story: {title}"
    if action == "move" and article and form.get("theme"):
        move = Move(article=article, title=title, theme=form["theme"])
        keep = lambda c: tuple(m for m in c.move if m.article != article)  # noqa: E731
        return (lambda c: c.model_copy(update={"move": (*keep(c), move)})), f"moved {title} to {move.theme}"
    if action == "drop_facts" and text:
        return (lambda c: c.model_copy(update={"drop_facts": (*c.drop_facts, text)})), f"dropped the line {text!r}"
    if action == "subject":
        return (lambda c: c.model_copy(update={"subject": text})), f"subject: {text or 'the generated one'}"
    if action == "undo":
        return _undo(form.get("key", ""), article, text), "undone"
    raise DigestError(f"unknown or incomplete correction {action!r}: nothing was changed")


def _add(key: str, ref: Ref) -> Change:
    def apply(c: WeekCorrections) -> WeekCorrections:
        current = getattr(c, key)
        return c if any(r.article == ref.article for r in current) else c.model_copy(update={key: (*current, ref)})
    return apply


def _undo(key: str, article: str, text: str) -> Change:
    def apply(c: WeekCorrections) -> WeekCorrections:
        if key in (*LISTS, "move"):
            return c.model_copy(update={key: tuple(r for r in getattr(c, key) if r.article != article)})
        if key == "lead":
            return c.model_copy(update={"lead": None})
        if key == "drop_facts":
            return c.model_copy(update={"drop_facts": tuple(t for t in c.drop_facts if t != text)})
        if key == "subject":
            return c.model_copy(update={"subject": ""})
        raise DigestError(f"nothing to undo for {key!r}")
    return apply
