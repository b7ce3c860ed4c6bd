"""Run listener's command line with the test-only ``paged`` collector (and a scorer that records its work).

Used by tests that start listener as a subprocess: ``python tests/fakes/run_listener.py --config ... collect``.
With LISTENER_TEST_SCORE_LOG=folder, the ``counting`` scorer (VADER) appends every post id it scores to
folder/<pid>.txt, so a test can tell whether two workers ever scored the same post.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1]), str(HERE)]  # this checkout's listener, then the fakes

from listener.collectors import COLLECTORS  # noqa: E402
from listener.scoring import SCORERS  # noqa: E402

COLLECTORS["paged"] = "paged_collector:PagedCollector"
SCORERS["counting"] = "counting_scorer:CountingScorer"

from listener.cli import main  # noqa: E402

main()
