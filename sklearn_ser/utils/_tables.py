"""Tables as text: aligned columns for a screen, CSV, JSON or Markdown."""

import json
from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions, validate_params


@validate_params(
    {
        "table": "no_validation",  # a DataFrame, read by column names
        "format": [StrOptions({"text", "csv", "json", "markdown"})],
        "decimals": [Interval(Integral, 0, None, closed="left")],
    },
    prefer_skip_nested_validation=True,
)
def format_table(table, format="text", *, decimals=3):
    """A table as text: aligned columns, CSV, JSON records or Markdown.

    How ``sklearn-ser predict`` prints its predictions, for the tables of
    :func:`~sklearn_ser.segmentation.predict_files` and
    :func:`~sklearn_ser.segmentation.predict_segments` (or any other).

    Parameters
    ----------
    table : pandas.DataFrame
        The rows; its index is left out.
    format : {"text", "csv", "json", "markdown"}, default="text"
        "text": columns aligned for reading, numbers to the right and
        rounded to ``decimals``, text to the left. "csv": a header row and
        one row per line, numbers with all their digits. "json": a list of
        one object per row, column -> value, with all their digits.
        "markdown": a Markdown table, numbers right-aligned and rounded.
    decimals : int, default=3
        Digits after the point of the floats of "text" and "markdown".

    Returns
    -------
    text : str
        Ends with a newline.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_ser.utils import format_table
    >>> table = pd.DataFrame({"file": ["a.wav", "long_name.wav"], "sad": [0.25, 0.5]})
    >>> print(format_table(table), end="")
    file             sad
    a.wav          0.250
    long_name.wav  0.500
    >>> print(format_table(table, "csv"), end="")
    file,sad
    a.wav,0.25
    long_name.wav,0.5
    >>> print(format_table(table, "markdown"), end="")
    | file | sad |
    |---|---:|
    | a.wav | 0.250 |
    | long_name.wav | 0.500 |
    """
    import pandas as pd  # here, so that importing sklearn_ser does not import pandas

    if format == "json":
        return json.dumps(table.to_dict("records"), indent=2) + "\n"
    if format == "csv":
        return table.to_csv(index=False, lineterminator="\n")
    columns = [str(column) for column in table.columns]
    numbers = [pd.api.types.is_numeric_dtype(table[column]) for column in table.columns]
    rows = [
        [
            f"{value:.{decimals}f}" if isinstance(value, (float, np.floating)) else str(value)
            for value in row
        ]
        for row in table.itertuples(index=False)
    ]
    if format == "markdown":
        lines = ["| " + " | ".join(columns) + " |"]
        lines.append("|" + "".join("---:|" if number else "---|" for number in numbers))
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows]) + "\n"
    widths = [max(map(len, column)) for column in zip(columns, *rows)]
    lines = [
        "  ".join(
            cell.rjust(width) if number else cell.ljust(width)
            for cell, width, number in zip(line, widths, numbers)
        ).rstrip()
        for line in [columns, *rows]
    ]
    return "\n".join(lines) + "\n"
