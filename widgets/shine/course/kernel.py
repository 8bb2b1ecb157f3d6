"""The grading kernel's own start, inside the sandbox: limits first, then a clean ``sys.path``,
then ipykernel.

    python -I -m shine.course.kernel --cpu 60 --memory 2048 --files 64 -- -f kernel.json

``-I`` keeps ``PYTHONPATH``, the user's site-packages and the current folder off ``sys.path``;
what is left is the environment's own packages, so a ``shine/`` folder handed in beside the
notebook is never imported. The limits are the process's own (``setrlimit``): CPU seconds,
address space and the size of any file it writes, inherited by anything it starts.

The warm grading server (``python -I -m shine.course.warm``, :mod:`shine.course.warm`) takes the
same limits and sets them in each kernel it forks.
"""

from __future__ import annotations

import argparse
import os
import sys

MB = 1024 * 1024


def limit(cpu: int, memory_mb: int, files_mb: int) -> None:
    """CPU time (SIGXCPU, then SIGKILL 5 s later), address space and file size for this process."""
    import resource

    def setting(which, value):
        try:
            _soft, hard = resource.getrlimit(which)
            top = value if hard == resource.RLIM_INFINITY else min(value, hard)
            resource.setrlimit(which, (top, top))
        except (ValueError, OSError):  # a platform without it (macOS has no RLIMIT_AS)
            pass

    if cpu:
        used = int(sum(os.times()[:2]))  # a forked kernel counts from its own start
        setting(resource.RLIMIT_CPU, used + cpu)
    if memory_mb and hasattr(resource, "RLIMIT_AS"):
        setting(resource.RLIMIT_AS, memory_mb * MB)
    if files_mb:
        setting(resource.RLIMIT_FSIZE, files_mb * MB)


def clean_path() -> None:
    """Nothing from the current folder (the scratch folder) or an empty entry on ``sys.path``."""
    here = os.path.realpath(os.getcwd())
    sys.path[:] = [p for p in sys.path if p and os.path.realpath(p) != here]


KERNEL_ARGS = ["--InteractiveShellApp.ignore_cwd=True", "--HistoryManager.hist_file=:memory:"]


def start_kernel(argv: list[str]) -> None:
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize([*argv, *KERNEL_ARGS])
    app.start()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -I -m shine.course.kernel")
    p.add_argument("--cpu", type=int, default=60)
    p.add_argument("--memory", type=int, default=2048)
    p.add_argument("--files", type=int, default=64)
    return p


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    ours, rest = (argv[: argv.index("--")], argv[argv.index("--") + 1:]) if "--" in argv else (argv, [])
    args = parser().parse_args(ours)
    clean_path()
    limit(args.cpu, args.memory, args.files)
    start_kernel(rest)


if __name__ == "__main__":
    main()
