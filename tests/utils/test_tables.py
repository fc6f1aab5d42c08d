import csv
import io
import json

import pandas as pd
import pytest

from sklearn_ser.utils import format_table

TABLE = pd.DataFrame(
    {
        "file": ["a/x.wav", "b/a much longer name.wav"],
        "start": [0.0, 12.5],
        "label": ["sad", "angry"],
        "angry": [0.123456789, 0.75],
        "n": [3, 14],
    }
)


def test_text_aligns_text_left_and_numbers_right():
    lines = format_table(TABLE).splitlines()
    assert lines == [
        "file                       start  label  angry   n",
        "a/x.wav                    0.000  sad    0.123   3",
        "b/a much longer name.wav  12.500  angry  0.750  14",
    ]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_csv_and_json_keep_every_digit(fmt):
    text = format_table(TABLE, fmt)
    rows = json.loads(text) if fmt == "json" else list(csv.DictReader(io.StringIO(text)))
    assert [float(row["angry"]) for row in rows] == [0.123456789, 0.75]
    assert [row["file"] for row in rows] == TABLE["file"].tolist()
    assert text.endswith("]\n" if fmt == "json" else "14\n")


def test_markdown_and_an_empty_table():
    lines = format_table(TABLE, "markdown", decimals=1).splitlines()
    assert lines[:2] == ["| file | start | label | angry | n |", "|---|---:|---|---:|---:|"]
    assert lines[2] == "| a/x.wav | 0.0 | sad | 0.1 | 3 |"
    assert format_table(TABLE.iloc[:0]) == "file  start  label  angry  n\n"
