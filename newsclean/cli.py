"""The `newsclean` command: subcommands for cleaning saved pages, evaluating, benchmarking and crawling.

Each subcommand lives in `newsclean/commands/<name>.py` with `add_arguments(parser)` and `run(args) -> int`;
heavy imports (Scrapy, trafilatura) happen inside `run`, so `newsclean --help` stays instant.

Every way a command can fail ends here as one message on stderr and an exit status, never a traceback:
2 for usage errors, 1 for failures (output not writable, an internal error), 130 for Ctrl-C, 143 for
SIGTERM and, quietly, 141 (128 + SIGPIPE, what a shell reports for `cat` in the same place) when the reader
of stdout went away.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import logging
import os
import signal
import sys
import traceback
from collections.abc import Iterator, Sequence

from newsclean.options import UsageError
from newsclean.output import OutputError, ReaderGone, silence_stdout

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
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_READER_GONE = 141  # 128 + SIGPIPE


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
    ensure_standard_streams()
    name, verbose = "newsclean", 0
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "_run", None):
            parser.print_help(sys.stderr)
            return EXIT_USAGE
        name, verbose = f"newsclean {args.command}", args.verbose
        configure_logging(args.verbose, args.quiet)
        with sigterm_raises():
            code = int(args._run(args))
        if sys.stdout is not None:
            sys.stdout.flush()  # a print()ed report: its broken pipe must surface here, not at exit
        return code
    except KeyboardInterrupt:
        _say(f"{name}: interrupted")
        return EXIT_INTERRUPTED
    except Interrupted as stop:  # SIGTERM: the command stopped, as for Ctrl-C
        _say(f"{name}: stopped by {stop}")
        return 128 + stop.signum
    except (ReaderGone, BrokenPipeError):  # `newsclean export | head`: the reader has all it wants
        silence_stdout()
        return EXIT_READER_GONE
    except UsageError as exc:
        _say(f"{name}: error: {exc}")
        return EXIT_USAGE
    except OutputError as exc:
        _say(f"{name}: error: {exc}")
        return EXIT_NOTHING
    except MemoryError:
        _say(f"{name}: error: out of memory")
        return EXIT_NOTHING
    except Exception as exc:  # a bug: say what it was; -vv shows where
        hint = "" if verbose >= 2 else " (run with -vv to see the traceback)"
        _say(f"{name}: internal error: {type(exc).__name__}: {exc}{hint}")
        if verbose >= 2:
            with contextlib.suppress(OSError, ValueError):
                traceback.print_exc()
        return EXIT_NOTHING


def ensure_standard_streams() -> None:
    """Give a closed fd 0, 1 or 2 /dev/null, so that no file opened later lands on it and gets read or
    written by mistake. sys.stdin/sys.stdout stay None (a read of '-' or a write to stdout says it is
    closed); a closed stderr is replaced, or messages would go to stdout through print(file=None)."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            with contextlib.suppress(OSError):
                null = os.open(os.devnull, os.O_RDWR)
                if null != fd:
                    os.dup2(null, fd)
                    os.close(null)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 (lives as long as the process)


def _say(message: str) -> None:
    with contextlib.suppress(OSError, ValueError):  # stderr may be a closed pipe too
        print(message, file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
