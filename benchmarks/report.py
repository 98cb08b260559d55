"""BENCHMARKS.md: the machine, then each group of measurements with its baseline and ratio."""

from datetime import UTC, datetime

from benchmarks.harness import Sample, machine, ms

INTRO = """# Benchmarks

Written by `make bench` (`python -m benchmarks`). Each figure stands beside a baseline measured in
the same run on the same machine: these machines are noisy, so compare ratios, not absolute times.
Medians and 95th percentiles over repeated runs; "queries" is SQL statements per request.
"""


def _table(samples: list[Sample]) -> list[str]:
    baseline = samples[0]
    lines = [
        "| measurement | median | p95 | × baseline | queries | runs | note |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for sample in samples:
        ratio = sample.median / baseline.median if baseline.median else 0
        queries = f"{max(sample.queries)}" if sample.queries else "—"
        lines.append(
            f"| {sample.name} | {ms(sample.median)} | {ms(sample.p95)} | {ratio:.2f} | {queries} | "
            f"{len(sample.seconds)} | {sample.note} |"
        )
    return lines


TITLES = {
    "bench_import": "Import of {n:,} businesses from .xlsx (SQLite end to end)",
    "bench_export": "Export of {n:,} businesses to .xlsx",
    "bench_lists": "Business list page and API at {n:,} businesses",
    "bench_assign": "Bulk assignment of 10,000 businesses to one official",
}


def render(results: dict[str, list[Sample]], *, businesses: int, vendor: str) -> str:
    lines = [INTRO, "## Machine", "", "| | |", "| --- | --- |"]
    lines += [f"| {key} | {value} |" for key, value in machine().items()]
    lines += [
        f"| database | {vendor} |",
        f"| run at | {datetime.now(UTC):%Y-%m-%d %H:%M} UTC |",
        "",
    ]
    for key, samples in results.items():
        lines += [f"## {TITLES.get(key, key).format(n=businesses)}", ""]
        lines += _table(samples)
        lines.append("")
    return "\n".join(lines)
