"""Theme assignment on the BBC topics set, with themes configured from the five topic names only.

    python3 benchmarks/theme_accuracy.py /work/shared/data/bbc_topics/bbc_articles.jsonl

Each article (its title as a heading block, then one paragraph block per paragraph) is its own
story. Themes are ``Theme(name, phrases=(name,))`` for business, entertainment, politics, sport
and tech: nothing but the names, as a user who typed five words would configure them. digest
assigns sentences, not articles, so an article's predicted topic is the theme with the highest
total match score over its sentences (a tie goes to the theme listed first); an article with no
matching sentence is "unassigned" and counts as wrong. Printed: accuracy, macro-F1 over the five
topics, coverage (share of articles with any match), accuracy on the covered ones, and the
confusion matrix.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digest.models import Article, Block, Origin, Story, Theme, stable_id  # noqa: E402
from digest.summary.themes import assign  # noqa: E402

TOPICS = ("business", "entertainment", "politics", "sport", "tech")
UNASSIGNED = "unassigned"


def articles(path: Path) -> list[tuple[Article, str]]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        paragraphs = [Block("paragraph", p.strip()) for p in row["text"].split("\n\n") if p.strip()]
        article = Article(stable_id("bbc", row["doc_id"]), row["doc_id"], row["title"], "BBC",
                          (Block("heading", row["title"]), *paragraphs))
        found.append((article, row["category"]))
    return found


def predict(article: Article, themes: list[Theme]) -> str:
    story = Story(article.id, article.title, (Origin(article.id, (article,)),))
    totals: Counter[str] = Counter()
    for match in assign([story], themes):
        totals[match.theme] += match.score
    if not totals:
        return UNASSIGNED
    return max(themes, key=lambda t: (totals[t.slug], -themes.index(t))).slug


def macro_f1(pairs: list[tuple[str, str]]) -> float:
    scores = []
    for topic in TOPICS:
        true_pos = sum(1 for gold, guess in pairs if gold == guess == topic)
        predicted = sum(1 for _, guess in pairs if guess == topic)
        actual = sum(1 for gold, _ in pairs if gold == topic)
        precision = true_pos / predicted if predicted else 0.0
        recall = true_pos / actual if actual else 0.0
        scores.append(2 * precision * recall / (precision + recall) if precision + recall else 0.0)
    return sum(scores) / len(scores)


def report(pairs: list[tuple[str, str]]) -> str:
    covered = [(g, p) for g, p in pairs if p != UNASSIGNED]
    accuracy = sum(g == p for g, p in pairs) / len(pairs)
    lines = [
        f"articles {len(pairs)}  accuracy {accuracy:.3f}  macro-F1 {macro_f1(pairs):.3f}  "
        f"coverage {len(covered) / len(pairs):.3f}  "
        f"accuracy when assigned {sum(g == p for g, p in covered) / max(1, len(covered)):.3f}",
        "gold \\ predicted " + " ".join(f"{t[:6]:>7}" for t in TOPICS + (UNASSIGNED,)),
    ]
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for gold, guess in pairs:
        table[gold][guess] += 1
    for gold in TOPICS:
        lines.append(f"{gold:<16} " + " ".join(f"{table[gold][t]:>7}" for t in TOPICS + (UNASSIGNED,)))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="bbc_topics/bbc_articles.jsonl")
    args = parser.parse_args()
    themes = [Theme(topic, topic.title(), phrases=(topic,)) for topic in TOPICS]
    pairs = [(gold, predict(article, themes)) for article, gold in articles(args.data)]
    print(f"{args.data}: themes from the topic names only: {', '.join(TOPICS)}")
    print(report(pairs))


if __name__ == "__main__":
    main()
