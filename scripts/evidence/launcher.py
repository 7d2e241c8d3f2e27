"""Part of stage 2, run: the launcher process that ``launch`` starts for a build.

It imports what nearly every analysis imports (numpy, pandas, altair, the runner; statsmodels'
regression module for the longest one) once, then
forks one child per request; each child becomes an analysis process and runs
``run.child_main`` exactly as ``python -m evidence.run`` would. See ``launch`` for the protocol
and why the forks stay isolated."""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import sys

# statsmodels' regression module is for the outcomes analysis (the longest, so on the build's
# critical path): importing it here, while the data are checked, takes a second or more off it
PRELOAD = ("numpy", "pandas", "altair", "statsmodels.regression.linear_model")


def _child(request: dict) -> None:
    """In the fork: become the analysis process; never returns."""
    code = 1
    try:
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        for fd, path in ((1, request["stdout"]), (2, request["stderr"])):
            os.dup2(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), fd)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        from evidence import run

        sys.argv = ["evidence.run", *request["argv"]]
        code = run.child_main(*request["argv"])
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def serve() -> None:
    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            __import__(name)
    import evidence.run  # noqa: F401  (every child loads it; so its modules are the same)

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the build stops the launcher itself
    children: dict[int, int] = {}
    pending = b""

    def answer(message: dict) -> None:
        os.write(1, (json.dumps(message) + "\n").encode())

    while True:
        ready, _, _ = select.select([0], [], [], 0.05)
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            answer({"id": children.pop(pid), "exit": os.waitstatus_to_exitcode(status)})
        if not ready:
            continue
        chunk = os.read(0, 65536)
        if not chunk:  # the build has gone: so do its analyses
            for pid in children:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            return
        pending += chunk
        while b"\n" in pending:
            line, pending = pending.split(b"\n", 1)
            request = json.loads(line)
            pid = os.fork()
            if pid == 0:
                _child(request)
            children[pid] = request["id"]
            answer({"id": request["id"], "pid": pid})


if __name__ == "__main__":
    serve()
