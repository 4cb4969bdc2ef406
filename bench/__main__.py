"""`python -m bench [name …] [options]`: run one benchmark, or all of them when none is named.

Each benchmark is a module with `main(argv: list[str]) -> int`; add it to BENCHMARKS.
Options after the name go to that benchmark (`python -m bench api --help`).
"""

from __future__ import annotations

import importlib
import signal
import sys
from types import FrameType

# name -> (module, one line on what it measures)
BENCHMARKS: dict[str, tuple[str, str]] = {
    "api": ("bench.api", "customer messages/s and p50/p99 through the real API vs a bare ASGI baseline"),
    "agent_eval": ("bench.agent_eval", "the agent on the labelled dev files through the API, and its memory"),
    "webhooks": ("bench.webhooks", "webhooks delivered/s and API-ack → received p50/p99 vs a bare signed-POST loop"),
    "mcp": ("bench.mcp", "MCP tool calls/s (search_catalog, get_conversation) vs the same reads over REST"),
}


def usage() -> str:
    lines = ["usage: python -m bench [name] [options]   (no name: run all)", "", "benchmarks:"]
    lines += [f"  {name:<11} {about}" for name, (_, about) in BENCHMARKS.items()]
    return "\n".join(lines)


def run(name: str, argv: list[str]) -> int:
    module = importlib.import_module(BENCHMARKS[name][0])
    code: int = module.main(argv)
    return code


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("-h", "--help", "help", "list"):
        print(usage())
        return 0
    if args and not args[0].startswith("-"):
        name, rest = args[0], args[1:]
        if name not in BENCHMARKS:
            print(f"unknown benchmark {name!r}\n\n{usage()}", file=sys.stderr)
            return 64
        return run(name, rest)
    worst = 0
    for name in BENCHMARKS:
        worst = max(worst, run(name, args))
    return worst


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # so SIGTERM cleans up like Ctrl-C: servers stopped, scratch database dropped


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _terminate)
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted; servers stopped and the scratch database dropped", file=sys.stderr)
        sys.exit(130)
    except RuntimeError as exc:  # a server that would not start or died: the harness has cleaned up
        print(f"benchmark failed: {exc}", file=sys.stderr)
        sys.exit(1)
