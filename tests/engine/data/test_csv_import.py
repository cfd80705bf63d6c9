"""CSV import, the happy paths: delimiters, headers, encodings, targets, task detection."""
from __future__ import annotations

import gzip

import numpy as np
import pytest

from engine.data import load_csv, load_features_csv

IRIS_LIKE = """sepal,petal,species
5.1,1.4,setosa
7.0,4.7,versicolor
6.3,6.0,virginica
4.9,1.4,setosa
"""


def write(tmp_path, text: str, name: str = "data.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_header_comma_and_string_labels(tmp_path):
    ds = load_csv(write(tmp_path, IRIS_LIKE))
    assert ds.name == "data" and ds.task == "multiclass"
    assert ds.feature_names == ["sepal", "petal"]
    assert ds.class_names == ["setosa", "versicolor", "virginica"]  # sorted, so row order does not matter
    np.testing.assert_array_equal(ds.y, [0, 1, 2, 0])
    np.testing.assert_array_equal(ds.X, [[5.1, 1.4], [7.0, 4.7], [6.3, 6.0], [4.9, 1.4]])
    assert ds.meta["target"] == "species" and ds.meta["header"] and ds.meta["delimiter"] == ","


def test_no_header_names_the_columns_x1_x2_y(tmp_path):
    ds = load_csv(write(tmp_path, "1,2,0\n3,4,1\n5,6,0\n7,8,1\n"))
    assert ds.feature_names == ["x1", "x2"] and ds.meta["target"] == "y" and not ds.meta["header"]
    assert ds.task == "binary" and ds.class_names == ["0", "1"]
    assert ds.X.shape == (4, 2)


@pytest.mark.parametrize("delimiter", [";", "\t", " ", "  "])
def test_other_delimiters_are_detected(tmp_path, delimiter):
    text = IRIS_LIKE.replace(",", delimiter)
    ds = load_csv(write(tmp_path, text))
    assert ds.feature_names == ["sepal", "petal"] and ds.n_samples == 4


def test_semicolon_wins_over_decimal_commas(tmp_path):
    ds = load_csv(write(tmp_path, "a;b;c\n1;2;x\n3;4;y\n"), task="classification")
    assert ds.feature_names == ["a", "b"]


def test_explicit_delimiter_and_header(tmp_path):
    ds = load_csv(write(tmp_path, "1|2|3\n4|5|6\n7|8|9\n"), delimiter="|", header=False, task="regression")
    np.testing.assert_array_equal(ds.y, [3, 6, 9])
    ds = load_csv(write(tmp_path, "1,2,3\n4,5,6\n7,8,9\n"), header=True, task="regression")
    assert ds.feature_names == ["1", "2"] and ds.n_samples == 2


def test_bom_crlf_quotes_blank_lines_and_trailing_delimiter(tmp_path):
    text = '\ufeffx,y,label,\r\n1,2,"a, b",\r\n\r\n3,4,c,\r\n5,6,"a, b",\r\n'
    ds = load_csv(write(tmp_path, text))
    assert ds.feature_names == ["x", "y"] and ds.class_names == ["a, b", "c"]
    np.testing.assert_array_equal(ds.y, [0, 1, 0])


def test_gzip_file(tmp_path):
    path = tmp_path / "data.csv.gz"
    path.write_bytes(gzip.compress(IRIS_LIKE.encode()))
    ds = load_csv(path)
    assert ds.name == "data" and ds.n_samples == 4


def test_regression_detected_for_real_valued_targets(tmp_path):
    ds = load_csv(write(tmp_path, "a,b,price\n1,2,10.5\n2,3,11.25\n3,4,9.0\n4,5,12.0\n"))
    assert ds.task == "regression" and ds.class_names == [] and ds.y.dtype == np.float64
    np.testing.assert_array_equal(ds.y, [10.5, 11.25, 9.0, 12.0])


def test_integer_targets_with_many_values_are_regression(tmp_path):
    rows = "\n".join(f"{i},{i * 3}" for i in range(30))
    assert load_csv(write(tmp_path, "x,count\n" + rows)).task == "regression"


def test_integer_targets_with_few_values_are_classes_in_numeric_order(tmp_path):
    rows = "\n".join(f"{i},{[2, 10, 1][i % 3]}" for i in range(12))
    ds = load_csv(write(tmp_path, "x,grade\n" + rows))
    assert ds.task == "multiclass" and ds.class_names == ["1", "2", "10"]


def test_task_override(tmp_path):
    path = write(tmp_path, "x,y\n1,0\n2,1\n3,0\n4,1\n")
    assert load_csv(path).task == "binary"
    assert load_csv(path, task="regression").task == "regression"
    assert load_csv(path, task="multiclass").task == "multiclass"
    with pytest.raises(ValueError, match="task must be None or one of"):
        load_csv(path, task="ranking")


@pytest.mark.parametrize("target", ["sepal", " SEPAL", 0, -3])
def test_target_by_name_or_index(tmp_path, target):
    ds = load_csv(write(tmp_path, "sepal,petal,width\n5.1,1.4,0.2\n7.0,4.7,1.4\n"), target=target)
    assert ds.meta["target"] == "sepal" and ds.feature_names == ["petal", "width"]
    np.testing.assert_array_equal(ds.y, [5.1, 7.0])


def test_target_in_the_middle_keeps_feature_order(tmp_path):
    ds = load_csv(write(tmp_path, "a,t,b\n1,0,2\n3,1,4\n5,0,6\n7,1,8\n"), target="t")
    assert ds.feature_names == ["a", "b"]
    np.testing.assert_array_equal(ds.X[0], [1, 2])


def test_drop_missing_drops_and_reports_rows(tmp_path):
    text = "a,b,c\n1,2,x\n3,,y\nNA,5,x\n6,7,?\n8,9,y\n"
    ds = load_csv(write(tmp_path, text), drop_missing=True)
    np.testing.assert_array_equal(ds.X, [[1, 2], [8, 9]])
    assert ds.meta["dropped_rows"] == [3, 4, 5]


def test_features_for_prediction_by_header(tmp_path):
    path = write(tmp_path, "species,petal,sepal\nsetosa,1.4,5.1\n,4.7,7.0\n")
    np.testing.assert_array_equal(load_features_csv(path, ["sepal", "petal"]), [[5.1, 1.4], [7.0, 4.7]])


def test_features_for_prediction_without_header(tmp_path):
    path = write(tmp_path, "5.1,1.4\n7.0,4.7\n")
    np.testing.assert_array_equal(load_features_csv(path, ["sepal", "petal"]), [[5.1, 1.4], [7.0, 4.7]])
