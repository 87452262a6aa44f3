"""First figures: the home page and /healthz against the bare reference view.

    .venv/bin/python bench/run.py [--duration 3] [--connections 20] [--rounds 5] [--keep-db]
    .venv/bin/python bench/run.py --suite payments   # webhooks, policies, client offer page

`make bench` runs this file. A new benchmark is a sibling file that calls
`bench.harness.run_pages` with its own pages and seed (see README.md).
"""

import argparse
import sys
from collections.abc import Callable, Mapping
from pathlib import Path

if __package__ in {None, ""}:
    # Run as a script (`python bench/run.py`): make `bench` and the apps importable.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import BenchError, Target, run_pages  # noqa: E402

PAGES = {"home": "/", "healthz": "/healthz"}
# `--suite payments`: the DMS payment benchmarks, one after the other, each in
# its own process (each sets Django up on its own database).
SUITES = {"payments": ("webhooks.py", "policies.py", "offers_client.py")}


def arguments(description: str) -> argparse.ArgumentParser:
    """Options every benchmark script accepts, so that they all run alike."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--duration", type=int, default=3, help="seconds per page per round")
    parser.add_argument("--connections", type=int, default=20, help="wrk connections")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument(
        "--keep-db", action="store_true", help="reuse portal_bench instead of recreating it"
    )
    return parser


def report_pages(
    pages: Mapping[str, str | Target],
    options: argparse.Namespace,
    stem: str,
    *,
    seed: Callable[[], None] | None = None,
    after: Callable[[], str] | None = None,
) -> int:
    """Measure `pages` with the command line's options, print and save the table.

    `after` adds a line of its own figures (measured once the pages are done).
    Returns the script's exit status.
    """
    try:
        report = run_pages(
            pages,
            seed=seed,
            connections=options.connections,
            duration=options.duration,
            rounds=options.rounds,
            workers=options.workers,
            fresh_db=not options.keep_db,
        )
    except BenchError as exc:
        print(f"bench: {exc}", file=sys.stderr)
        return 1
    print()
    print(report.markdown())
    if after is not None:
        print(f"\n{after()}")
    print(f"\nsaved to {report.save(stem)}")
    return 0


def run_suite(name: str, options: argparse.Namespace) -> int:
    """Run each script of the suite with the common options; the worst exit status wins."""
    import subprocess

    common = [
        f"--duration={options.duration}",
        f"--connections={options.connections}",
        f"--rounds={options.rounds}",
        f"--workers={options.workers}",
        *(["--keep-db"] if options.keep_db else []),
    ]
    status = 0
    for script in SUITES[name]:
        print(f"\n## {script}\n", flush=True)
        path = Path(__file__).resolve().parent / script
        done = subprocess.run([sys.executable, str(path), *common], check=False)
        status = max(status, done.returncode)
    return status


def main() -> int:
    parser = arguments(__doc__.splitlines()[0])
    parser.add_argument(
        "--suite", choices=sorted(SUITES), help="run a suite of benchmark scripts instead"
    )
    options = parser.parse_args()
    if options.suite:
        return run_suite(options.suite, options)
    return report_pages(PAGES, options, "entrances")


if __name__ == "__main__":
    sys.exit(main())
