"""Start many short `listener` processes quickly: a process that has imported listener once forks each run.

Crash tests start a run, SIGKILL it, and start it again, dozens of times; a fresh interpreter costs about a second
to import listener on a busy machine, a fork a few milliseconds. Each run is still its own process, killed with a
real SIGKILL. The forking process has no threads, so forking it is safe.

Protocol, one JSON line each way on stdin/stdout: {"run": [args], "log": path} -> pid; {"poll": pid} -> exit code
or null while running; {"wait": pid} -> exit code (negative: killed by that signal).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


class Zygote:
    """The test side: ``with Zygote(env) as z: pid = z.run(["--config", c, "collect"])``."""

    def __init__(self, env: dict[str, str]):
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )

    def _ask(self, message: dict):
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def run(self, args: list[str], log: Path | None = None) -> int:
        return self._ask({"run": args, "log": str(log) if log else os.devnull})

    def poll(self, pid: int) -> int | None:
        return self._ask({"poll": pid})

    def wait(self, pid: int) -> int:
        return self._ask({"wait": pid})

    def __enter__(self) -> Zygote:
        return self

    def __exit__(self, *exc) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=30)


def _exit_code(status: int) -> int:
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def _child(args: list[str], log: str) -> None:
    out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(out, 1)
    os.dup2(out, 2)
    sys.argv = ["listener", *args]
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def serve() -> None:
    done: dict[int, int] = {}
    for line in sys.stdin:
        message = json.loads(line)
        if "run" in message:
            pid = os.fork()
            if pid == 0:
                _child(message["run"], message["log"])
            reply = pid
        elif "poll" in message:
            pid = message["poll"]
            if pid not in done:
                finished, status = os.waitpid(pid, os.WNOHANG)
                if finished:
                    done[pid] = _exit_code(status)
            reply = done.get(pid)
        else:
            pid = message["wait"]
            if pid not in done:
                done[pid] = _exit_code(os.waitpid(pid, 0)[1])
            reply = done[pid]
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    sys.path[:0] = [str(HERE.parents[1]), str(HERE)]
    from listener.collectors import COLLECTORS
    from listener.scoring import SCORERS

    COLLECTORS["paged"] = "paged_collector:PagedCollector"
    SCORERS["counting"] = "counting_scorer:CountingScorer"
    # import now what every run needs, so that forks start at once
    import paged_collector  # noqa: F401
    import sqlalchemy.dialects.sqlite  # noqa: F401

    import listener.collectors.runner  # noqa: F401
    import listener.matching.runner  # noqa: F401
    import listener.scoring.runner  # noqa: F401
    import listener.scoring.vader  # noqa: F401
    import listener.status  # noqa: F401
    from listener.cli import main

    serve()
