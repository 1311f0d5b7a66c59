"""The example queries of the query page, one `.rq` file each in `queries/`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

QUERIES = Path(__file__).parent / "queries"


@dataclass(frozen=True)
class ExampleQuery:
    slug: str
    title_it: str
    title_en: str
    body: str

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_it


def _parse(path: Path) -> ExampleQuery:
    titles: dict[str, str] = {}
    body: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# title") and ":" in line:
            key, value = line[2:].split(":", 1)
            titles[key.strip()] = value.strip()
        else:
            body.append(line)
    return ExampleQuery(
        slug=path.stem,
        title_it=titles["title"],
        title_en=titles.get("title-en", titles["title"]),
        body="\n".join(body).strip() + "\n",
    )


@cache
def example_queries() -> tuple[ExampleQuery, ...]:
    return tuple(_parse(path) for path in sorted(QUERIES.glob("*.rq")))
