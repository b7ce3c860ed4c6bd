"""Run listener's command line with the test-only ``paged`` collector (and a scorer that records its work).

Used by tests that start listener as a subprocess: ``python tests/fakes/run_listener.py --config ... collect``.
With LISTENER_TEST_SCORE_LOG=folder, the ``counting`` scorer (VADER) appends every post id it scores to
folder/<pid>.txt, so a test can tell whether two workers ever scored the same post.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run() -> None:
    sys.path[:0] = [str(HERE.parents[1]), str(HERE)]  # this checkout's listener, then the fakes
    from listener.collectors import COLLECTORS
    from listener.scoring import SCORERS

    COLLECTORS["paged"] = "paged_collector:PagedCollector"
    SCORERS["counting"] = "counting_scorer:CountingScorer"
    from listener.cli import main

    main()


if __name__ == "__main__":  # the contract test imports every module here: registering must not happen then
    run()
