"""A deterministic benchmark corpus: N posts, 300 events and the five working groups.

``python bench/corpus.py DEST --n 2000`` writes ``DEST/content/`` with ``posts/``, ``events/``,
``working-groups/`` and ``images/``. The same seed always gives the same bytes, so two runs of the
benchmark (or two machines) measure the same work.
"""

from __future__ import annotations

import argparse
import random
from datetime import datetime, timedelta
from pathlib import Path

CATEGORIES = ["Open", "Co-operative", "Commons", "Inspiring Projects",
              "Legal Structures", "Software", "Audio", "Video"]
GROUPS = ["murmurations", "open-credit-network", "ontology", "open-events", "coop-cloud"]
GROUP_TITLES = {"murmurations": "Murmurations Protocol", "open-credit-network": "Open Credit Network",
                "ontology": "Co-operative Ontology", "open-events": "OPEN Events",
                "coop-cloud": "Co-op Cloud"}
AUTHORS = ["Ada Lovelace", "Helen Marsh", "Tomás Ferreira", "Callum Reid", "Amara Okafor",
           "Li Wei", "Sofia Lindqvist", "Rahul Mehta"]
TAGS = ["commons", "mutual credit", "governance", "platform co-ops", "open source", "ontology",
        "events", "funding", "legal", "community shares", "housing", "energy", "food",
        "solidarity economy", "federation", "data", "privacy", "hosting", "design", "research",
        "education", "care", "transport", "culture", "music", "video", "podcast", "finance",
        "membership", "democracy", "tools", "maps", "networks", "climate", "workers",
        "freelancers", "unions", "standards", "interop", "licensing"]
TIMEZONES = ["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney",
             "Europe/Berlin", "America/Sao_Paulo"]
WORDS = ("co-operative members share ownership decide together commons network credit trade open "
         "protocol data federation community governance meeting platform workers value money fair "
         "local global software project practice people mutual support build learn tools map "
         "economy solidarity democratic capital surplus bank loan invest stewardship resilient "
         "regenerative collaboration coordination working group publish document").split()
IMAGE = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 9" width="160" height="90">'
         '<rect width="16" height="9" fill="#2a6f4e"/></svg>\n')


def _sentence(rng: random.Random, low: int = 8, high: int = 18) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(low, high))]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def _body(rng: random.Random, number: int, n: int) -> str:
    """About 600 words: headings, lists, links (external and {filename}), an image, a quote."""
    other = (number + 1) % n
    parts = [_paragraph(rng, 5),
             "## " + _sentence(rng, 3, 6).rstrip("."),
             _paragraph(rng, 5),
             "- " + "\n- ".join(_sentence(rng, 4, 9) for _ in range(4)),
             f"Read [the previous story]({{filename}}/posts/{other // 100:03d}/post-{other:05d}.md) "
             f"or the [co-op's site](https://example.org/{rng.choice(WORDS)}/{number}). "
             + _paragraph(rng, 3),
             f"![A green rectangle standing in for photo {number}]({{static}}/images/bench.svg)",
             "### " + _sentence(rng, 3, 6).rstrip("."),
             _paragraph(rng, 6),
             "1. " + "\n1. ".join(_sentence(rng, 4, 9) for _ in range(3)),
             "> " + _sentence(rng) + ' "Quoted" -- with *emphasis* and `code`.',
             "## " + _sentence(rng, 3, 6).rstrip("."),
             _paragraph(rng, 9)]
    return "\n\n".join(parts) + "\n"


def write_post(folder: Path, rng: random.Random, number: int, n: int, start: datetime) -> Path:
    # 29 hours apart, closer for a corpus too large to end before 2026 that way: a post dated
    # in the future is refused.
    step = min(29 * 60, 10 * 365 * 24 * 60 // max(n, 1))
    date = start + timedelta(minutes=number * step + rng.randint(0, 59))
    tags = rng.sample(TAGS, rng.randint(2, 4))
    authors = rng.sample(AUTHORS, rng.choice([1, 1, 2]))
    lines = [f"Title: {_sentence(rng, 4, 9).rstrip('.')} ({number})",
             f"Date: {date:%Y-%m-%d %H:%M}",
             f"Category: {CATEGORIES[number % len(CATEGORIES)]}",
             f"Tags: {', '.join(tags)}",
             f"Authors: {', '.join(authors)}",
             f"Summary: {_sentence(rng, 12, 24)} It has *emphasis* too.",
             f"Slug: post-{number:05d}"]
    if CATEGORIES[number % len(CATEGORIES)] == "Audio":  # the podcast: each post an episode
        lines += [f"Audio: https://media.example.org/bench/episode-{number:05d}.mp3",
                  f"Audio_length: {10_000_000 + number}", "Duration: 00:30:00"]
    if number % 3 == 0:
        lines.append(f"Group: {GROUPS[number % len(GROUPS)]}")
    if number % 4 == 0:
        lines += ["Image: {static}/images/bench.svg", f"Image_alt: Illustration for post {number}"]
    path = folder / f"{number // 100:03d}" / f"post-{number:05d}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n\n" + _body(rng, number, n), encoding="utf-8")
    return path


def _yaml_text(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_event(folder: Path, rng: random.Random, number: int, start: datetime) -> Path:
    zone = TIMEZONES[number % len(TIMEZONES)]
    begin = start + timedelta(days=number * 5, hours=rng.randint(8, 18))
    end = begin + timedelta(hours=rng.randint(1, 4))
    lines = [f"title: {_yaml_text(_sentence(rng, 3, 7).rstrip('.') + f' #{number}')}",
             f"start: {begin:%Y-%m-%d %H:%M}",
             f"end: {end:%Y-%m-%d %H:%M}",
             f"timezone: {zone}",
             f"location: {_yaml_text(rng.choice(['Online', 'Leeds', 'Berlin', 'Pune', 'Sydney']))}",
             f"summary: {_yaml_text(_sentence(rng))}",
             "description: |",
             "  " + _paragraph(rng, 3),
             "",
             "  - " + _sentence(rng, 4, 8),
             "  - " + _sentence(rng, 4, 8),
             f"group: {GROUPS[number % len(GROUPS)]}",
             f"tags: [{', '.join(rng.sample(TAGS[:12], 2))}]"]
    if number % 10 == 0:
        lines.append("recurrence: FREQ=WEEKLY;COUNT=10")
    path = folder / f"event-{number:04d}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_group(folder: Path, rng: random.Random, slug: str) -> Path:
    path = folder / f"{slug}.md"
    path.write_text(f"Title: {GROUP_TITLES[slug]}\nSlug: {slug}\n"
                    f"Purpose: {_sentence(rng)}\nStatus: active\n\n"
                    f"{_paragraph(rng, 4)}\n\n{_paragraph(rng, 3)}\n", encoding="utf-8")
    return path


def generate(dest: Path, n: int = 2000, events: int = 300, seed: int = 9) -> Path:
    """Write the corpus under ``dest/content`` and return that folder."""
    rng = random.Random(seed)
    content = Path(dest) / "content"
    for sub in ("posts", "events", "working-groups", "images"):
        (content / sub).mkdir(parents=True, exist_ok=True)
    (content / "images" / "bench.svg").write_text(IMAGE, encoding="utf-8")
    start = datetime(2016, 1, 4, 9, 0)
    for number in range(n):
        write_post(content / "posts", rng, number, n, start)
    event_start = datetime(2023, 6, 1)
    for number in range(events):
        write_event(content / "events", rng, number, event_start)
    for slug in GROUPS:
        write_group(content / "working-groups", rng, slug)
    return content


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dest", type=Path)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args()
    generate(args.dest, args.n, args.events, args.seed)


if __name__ == "__main__":
    main()
