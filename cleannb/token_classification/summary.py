"""Show token label issues in their sentences and count the words they fall on.

cleanlab 2.x's ``token_classification.summary``: the same printed text and
the same DataFrames. ``labels`` and ``pred_probs`` may be per sentence (the
list form) or flat (one label and one row per token, sentence after
sentence), since ``tokens`` gives the sentence lengths; only the tokens
named by ``issues`` are read.
"""

from __future__ import annotations

import re
import string
from collections import Counter

import numpy as np
import pandas as pd

__all__ = ["common_label_issues", "display_issues", "filter_by_token"]

_RED = "\x1b[31m"
_RESET = "\x1b[0m"
_CLASS_INDEX_NOTE = (
    "Classes will be printed in terms of their integer index since `class_names` was not "
    "provided.\nSpecify this argument to see the string names of each class.\n"
)


def sentence_text(words):
    """The words joined by spaces, punctuation attached to the word before (as cleanlab).

    Every word but a single punctuation character is preceded by a space
    (``-`` and ``(`` are too); then a space before ``'`` and after ``(`` is
    dropped, and the ends are stripped.

    Examples
    --------
    >>> sentence_text(["Hello", ",", "it", "'s", "(", "me", ")", "."])
    "Hello, it's (me)."
    """
    pieces = [
        word if (word in string.punctuation and word not in ("-", "(")) else " " + word
        for word in words
    ]
    return "".join(pieces).replace(" '", "'").replace("( ", "(").strip()


def highlight(sentence, word):
    """``sentence`` with every whole-word occurrence of ``word`` in red (ANSI codes).

    Falls back to every occurrence when ``word`` never stands as a whole
    word (punctuation, for instance).
    """
    marked = f"{_RED}{word}{_RESET}"
    text, found = re.subn(rf"\b{re.escape(word)}\b", lambda _: marked, sentence)
    return text if found else sentence.replace(word, marked)


class _Corpus:
    """Per-token access to labels and pred_probs in either form (sentence lengths from tokens)."""

    def __init__(self, tokens, labels, pred_probs):
        self.tokens = tokens
        self.labels = labels
        self.pred_probs = pred_probs
        self._offsets = None

    def _row(self, i, j):
        if self._offsets is None:
            lengths = np.fromiter((len(words) for words in self.tokens), dtype=np.int64)
            self._offsets = np.concatenate(([0], np.cumsum(lengths)))
        return int(self._offsets[i]) + j

    def _flat(self, values, ndim):
        return isinstance(values, np.ndarray) and values.ndim == ndim and values.dtype != object

    def label(self, i, j):
        if self._flat(self.labels, 1):
            return self.labels[self._row(i, j)]
        return self.labels[i][j]

    def prediction(self, i, j):
        if len(getattr(self.pred_probs, "shape", ())) == 2:
            return np.asarray(self.pred_probs[self._row(i, j)]).argmax()
        return np.asarray(self.pred_probs[i][j]).argmax()

    @property
    def num_classes(self):
        if len(getattr(self.pred_probs, "shape", ())) == 2:
            return int(self.pred_probs.shape[1])
        return int(np.shape(self.pred_probs[0])[1])


def _given(values):
    """Whether an optional argument was given (a non-empty sequence or array)."""
    return values is not None and len(values) > 0


def display_issues(
    issues,
    tokens,
    *,
    labels=None,
    pred_probs=None,
    exclude=[],  # noqa: B006 (cleanlab's signature; never modified)
    class_names=None,
    top=20,
):
    """Print each issue's sentence with the token marked in red, and its labels.

    Parameters
    ----------
    issues : list of tuple of (int, int), or list of int
        ``(i, j)``: token ``j`` of sentence ``i``, as returned by
        :func:`cleannb.token_classification.filter.find_label_issues` or
        :func:`cleannb.token_classification.rank.issues_from_scores`; or
        sentence indices (then the whole sentence is printed).
    tokens : list of lists of str
        The words of each sentence.
    labels : list of lists of int, or array of shape (total_tokens,), optional
        Given labels; printed for each issue.
    pred_probs : list of arrays of shape (T_i, K), or array of shape (total_tokens, K), optional
        Predicted probabilities; the predicted class (argmax) is printed.
    exclude : list of tuple of (int, int), default []
        ``(given, predicted)`` class pairs not to show (only with both
        ``labels`` and ``pred_probs``).
    class_names : list of str, optional
        Names printed instead of class indices.
    top : int, default 20
        Print at most this many issues.

    Returns
    -------
    None
        The issues are printed.

    Examples
    --------
    >>> from cleannb.token_classification.summary import display_issues
    >>> tokens = [["The", "dgo", "barked"], ["The", "cat", "slept"]]
    >>> display_issues([(0, 1)], tokens, labels=[[0, 1, 0], [0, 0, 0]],
    ...                class_names=["O", "X"])  # doctest: +SKIP
    Sentence index: 0, Token index: 1
    Token: dgo
    Given label: X
    ----
    The \x1b[31mdgo\x1b[0m barked
    """
    has_labels, has_probs = _given(labels), _given(pred_probs)
    if not class_names and (has_labels or has_probs):
        print(_CLASS_INDEX_NOTE)
    if not issues:
        return
    corpus = _Corpus(tokens, labels, pred_probs)
    limit = min(top, len(issues))
    by_token = isinstance(issues[0], tuple)
    shown = 0
    for issue in issues:
        if by_token:
            lines = _issue_lines(issue, corpus, has_labels, has_probs, exclude, class_names)
            if lines is None:
                continue
        else:
            lines = [f"Sentence issue: {sentence_text(tokens[issue])}"]
        shown += 1
        print("\n".join(lines))
        if shown == limit:
            break
        print("\n")


def _issue_lines(issue, corpus, has_labels, has_probs, exclude, class_names):
    """The printed lines of one token issue, or None when its label pair is excluded."""
    i, j = issue
    word = corpus.tokens[i][j]
    given = corpus.label(i, j) if has_labels else None
    predicted = corpus.prediction(i, j) if has_probs else None
    if has_labels and has_probs and (given, predicted) in exclude:
        return None
    if class_names:
        given = class_names[given] if has_labels else None
        predicted = class_names[predicted] if has_probs else None
    lines = [f"Sentence index: {i}, Token index: {j}", f"Token: {word}"]
    predicted_text = f"predicted label according to provided pred_probs: {predicted}"
    if has_labels and has_probs:
        lines.append(f"Given label: {given}, {predicted_text}")
    elif has_labels:
        lines.append(f"Given label: {given}")
    elif has_probs:
        lines.append(predicted_text[0].upper() + predicted_text[1:])
    lines.append("----")
    lines.append(highlight(sentence_text(corpus.tokens[i]), word))
    return lines


def common_label_issues(
    issues,
    tokens,
    *,
    labels=None,
    pred_probs=None,
    class_names=None,
    top=10,
    exclude=[],  # noqa: B006 (cleanlab's signature; never modified)
    verbose=True,
):
    """Count the label issues per word (and per given/predicted class pair), most first.

    Words that often carry issues may be ambiguous or systematically
    misunderstood by the annotators. Prints one paragraph per word, for the
    ``top`` words with the most issues.

    Parameters
    ----------
    issues : list of tuple of (int, int)
        ``(i, j)``: token ``j`` of sentence ``i`` (see :func:`display_issues`).
    tokens : list of lists of str
        The words of each sentence.
    labels, pred_probs : optional
        As in :func:`display_issues`. With both, the issues are also counted
        per (given class, predicted class) pair.
    class_names : list of str, optional
        Names printed and returned instead of class indices.
    top : int, default 10
        Print at most this many words.
    exclude : list of tuple of (int, int), default []
        ``(given, predicted)`` class pairs not to count (with both
        ``labels`` and ``pred_probs``).
    verbose : bool, default True
        With both ``labels`` and ``pred_probs``, also print each word's
        counts per class pair.

    Returns
    -------
    pandas.DataFrame
        With both ``labels`` and ``pred_probs``: columns ``token``,
        ``given_label``, ``predicted_label``, ``num_label_issues``, one row
        per word and class pair with issues; otherwise ``token`` and
        ``num_label_issues``, one row per word. Most issues first; equal
        counts in the order the words first appear in ``issues``.

    Examples
    --------
    >>> from cleannb.token_classification.summary import common_label_issues
    >>> tokens = [["The", "dgo", "barked"], ["The", "cat", "slept"],
    ...           ["Paris", "is", "in", "France"]]
    >>> df = common_label_issues([(2, 3), (0, 1)], tokens)
    Token 'dgo' is potentially mislabeled 1 times throughout the dataset
    <BLANKLINE>
    Token 'France' is potentially mislabeled 1 times throughout the dataset
    <BLANKLINE>
    >>> df
        token  num_label_issues
    0  France                 1
    1     dgo                 1
    """
    if not (_given(labels) and _given(pred_probs)):
        return _word_counts(issues, tokens, top)
    if not class_names:
        print(
            "Classes will be printed in terms of their integer index since `class_names` "
            "was not provided. "
        )
        print("Specify this argument to see the string names of each class. \n")
    corpus = _Corpus(tokens, labels, pred_probs)
    num_classes = corpus.num_classes
    pair_counts = {}
    for i, j in issues:
        word = tokens[i][j]
        counts = pair_counts.setdefault(word, np.zeros((num_classes, num_classes), dtype=int))
        given, predicted = corpus.label(i, j), corpus.prediction(i, j)
        if (given, predicted) not in exclude:
            counts[given, predicted] += 1
    words = list(pair_counts)
    totals = [pair_counts[word].sum() for word in words]
    for at in _most_first(totals, top):
        _print_word_pairs(words[at], totals[at], pair_counts[words[at]], class_names, verbose)
    rows = []
    for word in words:
        given, predicted = np.nonzero(pair_counts[word])
        for g, p in zip(given.tolist(), predicted.tolist(), strict=True):
            names = (class_names[g], class_names[p]) if class_names else (g, p)
            rows.append([word, *names, pair_counts[word][g, p]])
    rows.sort(key=lambda row: row[3], reverse=True)
    columns = ["token", "given_label", "predicted_label", "num_label_issues"]
    return pd.DataFrame(rows, columns=columns)


def _most_first(counts, top):
    """Indices of the ``top`` largest counts, largest first (ties as numpy's argsort, reversed)."""
    return np.argsort(counts)[::-1][:top]


def _word_counts(issues, tokens, top):
    counts = Counter(tokens[i][j] for i, j in issues)
    words, totals = list(counts), list(counts.values())
    for at in _most_first(totals, top):
        print(
            f"Token '{words[at]}' is potentially mislabeled {totals[at]} times "
            "throughout the dataset\n"
        )
    rows = sorted(zip(words, totals, strict=True), key=lambda row: row[1], reverse=True)
    return pd.DataFrame([list(row) for row in rows], columns=["token", "num_label_issues"])


def _print_word_pairs(word, total, counts, class_names, verbose):
    print(f"Token '{word}' is potentially mislabeled {total} times throughout the dataset")
    if verbose:
        print("-" * 87)
        num_classes = counts.shape[0]
        for cell in np.argsort(counts.flatten())[::-1]:
            given, predicted = divmod(int(cell), num_classes)
            times = counts[given, predicted]
            if times == 0:
                break
            if class_names:
                print(
                    f"labeled as class `{class_names[given]}` but predicted to actually be "
                    f"class `{class_names[predicted]}` {times} times"
                )
            else:
                print(
                    f"labeled as class {given} but predicted to actually be class "
                    f"{predicted} {times} times"
                )
    print()


def filter_by_token(token, issues, tokens):
    """The issues whose word is ``token`` (compared case-insensitively), in their order.

    Parameters
    ----------
    token : str
        The word to look for.
    issues : list of tuple of (int, int)
        ``(i, j)``: token ``j`` of sentence ``i``.
    tokens : list of lists of str
        The words of each sentence.

    Returns
    -------
    list of tuple of (int, int)

    Examples
    --------
    >>> from cleannb.token_classification.summary import filter_by_token
    >>> tokens = [["The", "dgo", "barked"], ["The", "cat", "slept"],
    ...           ["Paris", "is", "in", "France"]]
    >>> filter_by_token("DGO", [(2, 3), (0, 1)], tokens)
    [(0, 1)]
    """
    wanted = token.lower()
    return [issue for issue in issues if tokens[issue[0]][issue[1]].lower() == wanted]
