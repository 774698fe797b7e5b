"""Term matrices as documents: the cross-domain text benchmarks as strings for text models.

The Reuters-21578 and 20 Newsgroups files of `tftransfer.data.benchmarks` store term weights
but no vocabulary, so the words themselves are lost. A document is rebuilt as the sequence of
its terms, each written as an anonymous token "t<column>", most heavily weighted first (a
text model that truncates keeps the most telling terms). The word order of the original
text is lost as well; the bag of terms — what the shallow and deep baselines see — is kept
exactly. These strings are real documents for a model that reads text (a `TextVectorization`
encoder, a `hub:` text backbone), and `write_text_file` stores them in the format of
`tftransfer.data.loaders.load_text` (one "<label>\\t<document>" per line).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import scipy.sparse

from tftransfer._checks import check_int

__all__ = ["term_documents", "write_text_file"]


def term_documents(x, max_terms: Optional[int] = None) -> np.ndarray:
    """One string per row of a (n, d) term-weight matrix: its non-zero terms "t<j>" in
    decreasing weight (ties by column), separated by spaces.

    Args:
        x: (n, d) non-negative term weights, dense or scipy.sparse.
        max_terms: Keep at most this many terms a document (None: all).

    Returns:
        A 1-D str array of n documents ("" for a row without terms).
    """
    max_terms = check_int(max_terms, "max_terms", minimum=1, allow_none=True,
                          owner="term_documents")
    rows = scipy.sparse.csr_matrix(x)
    documents = []
    for i in range(rows.shape[0]):
        start, end = rows.indptr[i], rows.indptr[i + 1]
        columns, weights = rows.indices[start:end], rows.data[start:end]
        keep = weights > 0
        columns, weights = columns[keep], weights[keep]
        order = np.lexsort((columns, -weights))[:max_terms]
        documents.append(" ".join(f"t{c}" for c in columns[order]))
    return np.asarray(documents, dtype=str)


def write_text_file(path, documents: Sequence[str], labels: Optional[Sequence] = None) -> Path:
    """Writes documents one per line, "<label>\\t<document>" (or the document alone), UTF-8:
    the `.txt` format `tftransfer.data.loaders.load_text` reads.

    Tabs and line breaks inside a document become spaces. A labelled empty document reads
    back as ""; without labels it is a blank line, which `load_text` skips.

    Args:
        path: File to write (its folder is created).
        documents: The documents.
        labels: One label per document, or None for unlabelled documents.

    Returns:
        The path written.

    Raises:
        ValueError: If `labels` does not hold one label per document.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    documents = [" ".join(str(d).replace("\t", " ").splitlines()) for d in documents]
    if labels is None:
        lines = documents
    else:
        labels = list(labels)
        if len(labels) != len(documents):
            raise ValueError(f"write_text_file: `labels` must hold one label per document "
                             f"({len(documents)}). Received: {len(labels)} labels")
        lines = [f"{label}\t{doc}" for label, doc in zip(labels, documents)]
    path.write_text("\n".join(lines) + "\n", encoding="utf8")
    return path
