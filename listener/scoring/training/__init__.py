"""Training and evaluation of the NHS-aware text model (needs scikit-learn: ``pip install 'listener[train]'``).

The labelled data is read from ``../shared/data`` (or ``--data DIR``) and is never copied into the package; only
the weights derived from it are shipped, in ``listener/scoring/models/``.
"""
