"""listener: social listening and sentiment for NHS organisations.

Data flows one way, collect -> store -> match -> score -> report, and every stage reads from and writes to the
SQL store, so each can be re-run alone and every intermediate result can be read with plain SQL.
"""

__version__ = "0.1.0"
