"""BENCHMARKS.md: the machine, then each group of measurements with its baseline and ratio."""

from datetime import UTC, datetime

from benchmarks.harness import Sample, load_average, machine, ms

INTRO = """# Benchmarks

Written by `make bench` (`python -m benchmarks`). Each figure stands beside a baseline measured in
the same run on the same machine: these machines are noisy, so compare ratios, not absolute times.
Medians and 95th percentiles over repeated runs; "queries" is SQL statements per request. In the
list and search tables each row's requests alternate with the baseline's, request for request,
and its ratio is to the baseline timed beside it (the baseline row pools them all).
"""


def _table(samples: list[Sample]) -> list[str]:
    baseline = samples[0]
    lines = [
        "| measurement | median | p95 | × baseline | queries | runs | note |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for sample in samples:
        reference = sample.baseline or baseline
        ratio = sample.median / reference.median if reference.median else 0
        queries = f"{max(sample.queries)}" if sample.queries else "—"
        lines.append(
            f"| {sample.name} | {ms(sample.median)} | {ms(sample.p95)} | {ratio:.2f} | {queries} | "
            f"{len(sample.seconds)} | {sample.note} |"
        )
    return lines


TITLES = {
    "bench_import": "Import of {n:,} businesses from .xlsx (SQLite end to end)",
    "bench_export": "Export of {n:,} businesses to .xlsx",
    "bench_documents": "Generating commitment letters and task lists as a job",
    "bench_assign": "Bulk assignment of 10,000 businesses to one official",
    "bench_lists": "Business list API, search and list page at {n:,} businesses ({vendor})",
    "bench_public": "The public page under a bounded loopback load",
    "bench_figures": "Figures from the summary tables at {n:,} businesses ({vendor})",
    "bench_visits": "A quarter's visit tasks for {n:,} businesses ({vendor})",
    "bench_visits_page": "The office's visit progress page at {n:,} businesses ({vendor})",
    "bench_province_tasks": "A quarter's visit tasks in a generated province of {n:,} businesses ({vendor})",
    "bench_province_page": "The office's visit progress page in the province of {n:,} businesses ({vendor})",
    "bench_province_figures": "Figures and the notice in the province of {n:,} businesses ({vendor})",
    "bench_enterprise": "Recording daily checks beside {checks:,} of them ({vendor})",
    "bench_enterprise_page": "The self-check gaps page at {checks:,} daily checks ({vendor})",
}
RUN_AT_KEPT = 12  # the machine table's "run at" keeps the last few runs, each with its groups


def _machine_rows(text: str) -> dict[str, str]:
    """The `| key | value |` rows of an earlier BENCHMARKS.md's machine table."""
    rows = {}
    if "\n## Machine" not in text:
        return rows
    table = text.split("\n## Machine", 1)[1].split("\n## ", 1)[0]
    for line in table.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0] and not cells[0].startswith("---"):
            rows[cells[0]] = cells[1]
    return rows


def _sections(text: str) -> dict[str, str]:
    """The `## ` sections of an earlier BENCHMARKS.md by title, the machine's left out."""
    sections = {}
    for chunk in text.split("\n## ")[1:]:
        title = chunk.split("\n", 1)[0].strip()
        if title != "Machine":
            sections[title] = "## " + chunk.rstrip() + "\n"
    return sections


def render(
    results: dict[str, list[Sample]],
    *,
    businesses: int,
    vendor: str,
    previous: str = "",
    checks: int = 0,
) -> str:
    """The machine, then each group run now; groups not run now (BENCH_ONLY) keep their
    earlier section, which names the run it came from. The machine table's databases and run
    times add this run's to the earlier ones, whose sections are kept."""
    now = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    earlier = _machine_rows(previous)
    database = earlier.get("database", "")
    if vendor not in database:
        database = f"{database}, {vendor}" if database else vendor
    groups = ", ".join(dict.fromkeys(key.removeprefix("bench_").split("_")[0] for key in results))
    runs = [r.strip() for r in earlier.get("run at", "").split(";") if r.strip()]
    runs = [*runs, f"{now} ({vendor}: {groups})" if groups else now][-RUN_AT_KEPT:]
    lines = [INTRO, "## Machine", "", "| | |", "| --- | --- |"]
    lines += [f"| {key} | {value} |" for key, value in machine().items()]
    lines += [f"| database | {database} |", f"| run at | {'; '.join(runs)} |", ""]
    sections = _sections(previous)
    for key, samples in results.items():
        title = TITLES.get(key, key).format(n=businesses, vendor=vendor, checks=checks)
        body = [
            f"## {title}",
            "",
            f"Run at {now} on {vendor}; load average (1, 5, 15 min) {load_average()} at the end.",
            "",
        ]
        body += _table(samples)
        sections[title] = "\n".join(body) + "\n"
    lines += list(sections.values())
    return "\n".join(lines)
