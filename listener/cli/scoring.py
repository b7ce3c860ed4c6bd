"""Scoring commands for analysts and maintainers: score any CSV, rebuild the NHS-aware model, evaluate it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from listener.cli.base import Context, cli, pass_context
from listener.errors import ListenerError, UsageError

_data_option = click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the shared labelled data (default: $LISTENER_SHARED_DATA, then ../shared/data).",
)


@cli.command("score-file")
@click.argument(
    "input_path", metavar="INPUT.csv", type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--text-column", required=True, metavar="COL", help="The column holding the text to score.")
@click.option(
    "--question-column", metavar="COL", help="The column holding the feedback question, if any (FFT exports)."
)
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The CSV to write (not the input); it is replaced only when every row is scored.",
)
@click.option(
    "--encoding",
    default="utf-8",
    show_default=True,
    help="The input's text encoding: utf-8 (with or without a BOM) or, for many Excel exports, cp1252. "
    "The output is always UTF-8.",
)
@click.option(
    "--delimiter",
    default=",",
    show_default=True,
    help="The character between the input's fields: ';' for many European Excel exports, '\\t' for a tab. "
    "The output is always comma-separated.",
)
@pass_context
def score_file(
    ctx: Context,
    input_path: Path,
    text_column: str,
    question_column: str | None,
    output: Path,
    encoding: str,
    delimiter: str,
) -> None:
    """Score any CSV: keep its columns and add sentiment, VADER, themes, flags and organisations.

    Adds sentiment_label, sentiment_score (-1 to 1), vader_compound, themes and flags (ids separated by ";")
    and organisations (ODS codes of the organisations in config that the text mentions; empty without a config
    file). A file saved by Excel on Windows is often cp1252, not UTF-8: add --encoding cp1252.

    \b
    Example:
      listener score-file feedback.csv --text-column "FFT answer" --question-column "FFT question" -o scored.csv
    """
    from listener.config import Config
    from listener.matching import Matcher
    from listener.scoring.nhs import NhsScorer
    from listener.scoring.scorefile import score_csv

    separator = _one_character(delimiter)
    config = ctx.config_if_found
    if config is None:  # an analyst with only a CSV: scores, and no organisations to look for
        click.echo(
            "no config file: the organisations column is empty (pass --config FILE to name organisations)",
            err=True,
        )
        config = Config()
    scorer = NhsScorer(config.scoring)
    size = input_path.stat().st_size
    with click.progressbar(length=size, label="scoring", file=sys.stderr) as bar:
        seen = [0]

        def advance(position: int, rows: int) -> None:
            bar.update(max(position - seen[0], 0))
            seen[0] = max(position, seen[0])

        result = score_csv(
            input_path,
            output,
            text_column,
            scorer,
            Matcher(config.organisations),
            question_column=question_column,
            encoding=encoding,
            delimiter=separator,
            progress=advance,
        )
    click.echo(f"scored {result.rows} rows into {output}")


def _one_character(delimiter: str) -> str:
    """The delimiter as one character, from itself or from "\\t" typed in a shell."""
    character = "\t" if delimiter in ("\\t", "tab") else delimiter
    if len(character) != 1:
        raise UsageError(f"--delimiter {delimiter!r}: expected one character, such as ';' or '\\t'")
    return character


@cli.command()
@_data_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the model (default: the package's listener/scoring/models).",
)
def train(data_dir: Path | None, out_dir: Path | None) -> None:
    """Rebuild the NHS-aware scorer's model from the labelled data (needs scikit-learn).

    \b
    Example:
      listener train --data ../shared/data
    """
    from listener.scoring.linear import MODELS_DIR

    _require_training_tools()
    from listener.scoring.training.data import default_data_dir
    from listener.scoring.training.train import train_and_save

    model, paths = train_and_save(data_dir or default_data_dir(), out_dir or MODELS_DIR)
    click.echo(f"vocabulary {len(model.vocabulary)} features; heads {', '.join(model.heads)}")
    for path in paths:
        click.echo(f"wrote {path} ({path.stat().st_size:,} bytes)")


@cli.command()
@_data_option
@click.option("--folds", default=5, show_default=True, help="Cross-validation folds on FFT train.csv.")
@click.option("--no-cv", is_flag=True, help="Skip the cross-validation (the slow part).")
def evaluate(data_dir: Path | None, folds: int, no_cv: bool) -> None:
    """Print every figure of the NHS-aware scorer next to its target (needs scikit-learn).

    \b
    Example:
      listener evaluate --data ../shared/data
    """
    _require_training_tools()
    from listener.scoring.training.data import default_data_dir
    from listener.scoring.training.evaluate import evaluate_all

    for section in evaluate_all(data_dir or default_data_dir(), folds=folds, cv=not no_cv):
        for name, value, target in section.rows:
            shown = f"{value:.4f}" if value != int(value) or abs(value) <= 1 else f"{int(value)}"
            click.echo(f"{name:<60} {shown:>8}  {target}".rstrip())


def _require_training_tools() -> None:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        raise ListenerError(
            "training and evaluation need scikit-learn: pip install 'listener[train]'"
        ) from None
