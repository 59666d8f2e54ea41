"""The `newsclean` command: subcommands for cleaning saved pages, evaluating, benchmarking and crawling.

Each subcommand lives in `newsclean/commands/<name>.py` with `add_arguments(parser)` and `run(args) -> int`;
heavy imports (Scrapy, trafilatura) happen inside `run`, so `newsclean --help` stays instant.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import signal
import sys
from collections.abc import Iterator, Sequence

#: name -> (module, one-line help). Order is the order shown in --help.
COMMANDS: dict[str, tuple[str, str]] = {
    "clean": ("newsclean.commands.clean", "clean saved HTML or text files into article records"),
    "eval": (
        "newsclean.commands.evaluate",
        "score cleaning against gold bodies, side by side with trafilatura",
    ),
    "bench": ("newsclean.commands.bench", "measure cleaning speed against bare trafilatura"),
    "crawl": ("newsclean.commands.crawl", "crawl news sites into the article database"),
    "export": (
        "newsclean.commands.export",
        "write the articles of a crawl database as JSONL, CSV or Parquet",
    ),
    "reclean": ("newsclean.commands.reclean", "re-run cleaning over the raw HTML kept in a crawl database"),
}

EXIT_OK, EXIT_NOTHING, EXIT_USAGE = 0, 1, 2


class Interrupted(BaseException):
    """SIGTERM as an exception, as SIGINT is KeyboardInterrupt: the command stops, cleans up and says so.

    A BaseException, so that no `except Exception` in between can swallow it.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def _interrupt(signum: int, frame: object) -> None:
    raise Interrupted(signum)


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """SIGTERM raises Interrupted while a command runs (`newsclean crawl` installs its own handling)."""
    try:
        previous = signal.signal(signal.SIGTERM, _interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsclean",
        description="Boilerplate-free body text and metadata from news pages, tuned for Indonesian outlets.",
        epilog="Run 'newsclean COMMAND --help' for the options of one command.",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)")
    parser.add_argument("-q", "--quiet", action="store_true", help="only errors on stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        command = sub.add_parser(name, help=help_text, description=(module.__doc__ or help_text).strip())
        module.add_arguments(command)
        command.set_defaults(_run=module.run)
    return parser


def configure_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    configure_logging(args.verbose, args.quiet)
    try:
        with sigterm_raises():
            return int(args._run(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 128 + signal.SIGINT
    except Interrupted as stop:
        print(f"stopped by {stop}", file=sys.stderr)
        return 128 + stop.signum


if __name__ == "__main__":
    sys.exit(main())
