"""Reading the metrics page as Prometheus does (prometheus-client's own parser)."""

from __future__ import annotations

from collections.abc import Mapping

import httpx
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

# The sample names each family type exposes beside its own name.
SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "summary": ("_count", "_sum", "_created"),
    "gauge": ("",),
    "info": ("_info",),
}


class Scrape:
    def __init__(self, text: str) -> None:
        self.families = list(text_string_to_metric_families(text))
        self.samples: list[Sample] = [s for family in self.families for s in family.samples]

    def value(self, name: str, **labels: str) -> float:
        """The sample ``name`` whose labels include ``labels`` (0 when there is none yet,
        as for a counter no request has moved)."""
        found = [
            sample.value
            for sample in self.samples
            if sample.name == name and _includes(sample.labels, labels)
        ]
        assert len(found) <= 1, f"{name} {labels} matches {len(found)} series"
        return found[0] if found else 0.0

    def total(self, name: str, **labels: str) -> float:
        """The sum of the samples ``name`` whose labels include ``labels``."""
        return sum(
            sample.value
            for sample in self.samples
            if sample.name == name and _includes(sample.labels, labels)
        )

    def exported_names(self) -> set[str]:
        """Every sample name the page can carry, including those of families that have
        no series yet (a labelled counter no request has moved)."""
        return {
            family.name + suffix
            for family in self.families
            for suffix in SUFFIXES.get(family.type, ("",))
        }


def _includes(labels: Mapping[str, str], wanted: Mapping[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in wanted.items())


async def scrape(http: httpx.AsyncClient, headers: dict[str, str] | None = None) -> Scrape:
    response = await http.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return Scrape(response.text)
