"""CSV import, the bad files: every message names the file, the row (file line) and the column."""
from __future__ import annotations

import re

import pytest

from engine.data import CSVError, load_csv, load_features_csv


def write(tmp_path, text: str | bytes, name: str = "data.csv"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def error(tmp_path, text, **kw) -> CSVError:
    with pytest.raises(CSVError) as info:
        load_csv(write(tmp_path, text), **kw)
    return info.value


def test_non_numeric_feature_cell(tmp_path):
    e = error(tmp_path, "a,b,c\n1,2,x\n3,abc,y\n")
    assert str(e) == "data.csv, row 3, column 2 'b': 'abc' is not a number; feature columns must hold numbers"
    assert (e.row, e.column, e.column_name) == (3, 2, "b") and e.path.name == "data.csv"
    assert isinstance(e, ValueError)


def test_non_numeric_cell_without_header_names_the_column_number(tmp_path):
    e = error(tmp_path, "1,2,0\n3,4,1\nfoo,6,0\n", header=False)
    assert str(e).startswith("data.csv, row 3, column 1: 'foo' is not a number")


def test_decimal_comma_gets_a_hint(tmp_path):
    e = error(tmp_path, "a;b;c\n1;2,5;0\n3;4;1\n")
    assert "row 2, column 2 'b': '2,5' is not a number" in str(e) and "decimal commas are not supported" in str(e)


def test_infinite_value(tmp_path):
    assert "row 3, column 1 'a': 'inf' is not a finite number" in str(error(tmp_path, "a,b\n1,0\ninf,1\n2,0\n"))


def test_ragged_row_with_a_value_too_few(tmp_path):
    e = error(tmp_path, "a,b,c\n1,2,0\n\n3,4\n5,6,1\n")
    assert str(e) == ("data.csv, row 4, column 3 'c': this row has 2 values but row 1 has 3: the value of this "
                      "column is missing (delimiter ',')")


def test_ragged_row_with_a_value_too_many(tmp_path):
    e = error(tmp_path, "a;b;c\n1;2;0\n3;4;1;9\n")
    assert str(e) == ("data.csv, row 3, column 4: this row has 4 values but row 1 has 3: an extra value "
                      "(delimiter ';')")


@pytest.mark.parametrize("cell", ["", "NA", "nan", "?"])
def test_missing_value_suggests_drop_missing(tmp_path, cell):
    e = error(tmp_path, f"a,b,c\n1,2,0\n3,{cell},1\n5,6,1\n")
    assert str(e) == ("data.csv, row 3, column 2 'b': missing value; fill it in, or drop the rows that have one "
                      '(drop_missing=True; in a network file: "drop_missing": true in its dataset)')


def test_missing_target_is_reported_too(tmp_path):
    assert "row 2, column 3 'c': missing value" in str(error(tmp_path, "a,b,c\n1,2,\n3,4,1\n5,6,0\n"))


def test_first_problem_in_file_order(tmp_path):
    e = error(tmp_path, "a,b,c\n1,2,0\n3,4,\n,6,1\n")
    assert "row 3, column 3" in str(e)


@pytest.mark.parametrize("text", ["", "\n\n", "   \n"])
def test_empty_file(tmp_path, text):
    assert str(error(tmp_path, text)) == "data.csv: the file is empty"


def test_only_delimiters(tmp_path):
    assert str(error(tmp_path, ",,,\n,,,\n")) == "data.csv: the file has no values, only delimiters"


def test_header_without_data(tmp_path):
    assert str(error(tmp_path, "a,b,c\n")) == "data.csv: the file has a header row but no data rows"


def test_one_class_only(tmp_path):
    e = error(tmp_path, "a,b,kind\n1,2,cat\n3,4,cat\n", task="classification")
    assert str(e) == ("data.csv, column 3 'kind': only one class ('cat') in the target column; classification "
                      "needs at least two: choose another target column or task='regression'")
    assert e.row is None and e.column == 3


def test_one_class_only_detected(tmp_path):
    assert "only one class ('dog')" in str(error(tmp_path, "a,kind\n1,dog\n2,dog\n3,dog\n"))


def test_fewer_rows_than_the_split_needs(tmp_path):
    e = error(tmp_path, "a,b\n1,0\n2,1\n3,0\n", train_ratio=0.2)
    assert str(e) == ("data.csv: the file has 3 rows, fewer than a train ratio of 0.2 needs: the training set "
                      "would get 0 and the test set 3; each side needs at least one row")


def test_fewer_rows_than_a_dataset_needs(tmp_path):
    assert str(error(tmp_path, "a,b\n1,0\n")) == "data.csv: has 1 usable data row; a dataset needs at least 2"
    e = error(tmp_path, "a,b\n1,0\n,1\n2,\n", drop_missing=True)
    assert str(e) == ("data.csv: has 1 usable data row after dropping rows with missing values; a dataset needs "
                      "at least 2")


def test_binary_with_three_classes(tmp_path):
    e = error(tmp_path, "a,t\n1,x\n2,y\n3,z\n", task="binary")
    assert "column 2 't': task='binary' but the target column has 3 classes" in str(e)


def test_regression_with_text_target(tmp_path):
    e = error(tmp_path, "a,t\n1,2.5\n2,high\n3,1.0\n", task="regression")
    assert str(e) == ("data.csv, row 3, column 2 't': 'high' is not a number; a regression target must be "
                      "numeric (or use task='classification')")


def test_unknown_target_column(tmp_path):
    e = error(tmp_path, "a,b,c\n1,2,0\n3,4,1\n", target="d")
    assert str(e) == "data.csv: has no column named 'd'; its columns are 'a', 'b', 'c'"
    e = error(tmp_path, "a,b,c\n1,2,0\n3,4,1\n", target=3)
    assert "there is no column index 3: the file has 3 columns (0 to 2)" in str(e)
    e = error(tmp_path, "1,2,0\n3,4,1\n", target="c")
    assert "has no header row, so the column 'c' cannot be found by name" in str(e)


def test_duplicate_column_names(tmp_path):
    e = error(tmp_path, "a,b,a\n1,2,0\n3,4,1\n")
    assert str(e) == "data.csv, row 1: the column name 'a' appears twice (columns 1 and 3); column names must be unique"


def test_single_column(tmp_path):
    assert "has a single column" in str(error(tmp_path, "1\n2\n3\n"))


def test_not_utf8(tmp_path):
    e = error(tmp_path, "a,b\n1,0\n".encode() + "2,caf\u00e9\n".encode("latin-1"))
    assert str(e) == "data.csv, row 3: is not UTF-8 text (byte 0xe9); save it as UTF-8"


def test_unclosed_quote(tmp_path):
    e = error(tmp_path, 'a,b\n1,0\n2,"oops\n', delimiter=",")
    assert re.search(r"data\.csv, row 3: cannot be parsed \(.*\); check the quotes", str(e))


def test_bad_gzip(tmp_path):
    with pytest.raises(CSVError, match=r"data\.csv\.gz: is not a readable gzip file"):
        load_csv(write(tmp_path, "a,b\n1,2\n", name="data.csv.gz"))


def test_features_csv_errors(tmp_path):
    with pytest.raises(CSVError, match="has no column named 'petal'"):
        load_features_csv(write(tmp_path, "sepal,width\n1,2\n"), ["sepal", "petal"])
    with pytest.raises(CSVError, match=r"has 3 columns and no header; the network takes 2 features \(a, b\)"):
        load_features_csv(write(tmp_path, "1,2,3\n4,5,6\n"), ["a", "b"])
    with pytest.raises(CSVError, match="row 3, column 2 'b': missing value; the network needs every feature"):
        load_features_csv(write(tmp_path, "a,b\n1,2\n3,\n"), ["a", "b"])
