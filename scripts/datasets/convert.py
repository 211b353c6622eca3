#!/usr/bin/python3
"""Writes pgml's built-in datasets (pgml.load_dataset) from scikit-learn's bundled copies.

Usage: /usr/bin/python3 scripts/datasets/convert.py [SKLEARN_DATA_DIR] [OUT_DIR]
  SKLEARN_DATA_DIR  default /usr/lib/python3/dist-packages/sklearn/datasets/data (Debian's python3-sklearn)
  OUT_DIR           default src/Pgml.Extension/Datasets/data (next to this repository's engine sources)

Standard library only. Each dataset becomes one gzip CSV: a header of pgml's column names (as in PostgresML's
tables), then one line per row, no quoting (no field holds a comma or a quote). Numbers keep scikit-learn's text,
except diabetes, whose features are scaled here the way load_diabetes() scales them by default (PostgresML shipped
the scaled values), and digits, whose 64 pixels are one field of space-separated integers (row-major 8x8).
The output is byte-for-byte reproducible (gzip mtime 0, no file name).
"""
import csv
import gzip
import io
import math
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SRC = "/usr/lib/python3/dist-packages/sklearn/datasets/data"
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, "..", "..", "src", "Pgml.Extension", "Datasets", "data"))

# scikit-learn's feature names (sklearn/datasets/_base.py), which are PostgresML's column names.
BREAST_CANCER = [
    "mean radius", "mean texture", "mean perimeter", "mean area", "mean smoothness", "mean compactness",
    "mean concavity", "mean concave points", "mean symmetry", "mean fractal dimension",
    "radius error", "texture error", "perimeter error", "area error", "smoothness error", "compactness error",
    "concavity error", "concave points error", "symmetry error", "fractal dimension error",
    "worst radius", "worst texture", "worst perimeter", "worst area", "worst smoothness", "worst compactness",
    "worst concavity", "worst concave points", "worst symmetry", "worst fractal dimension",
]
WINE = [
    "alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols", "flavanoids",
    "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue", "od280/od315_of_diluted_wines", "proline",
]
IRIS = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
DIABETES = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
LINNERUD = ["chins", "situps", "jumps", "weight", "waist", "pulse"]


def fail(message):
    sys.exit(f"convert.py: {message}")


def number(text, where):
    """Checks that a field is a finite number and returns its text unchanged."""
    try:
        value = float(text)
    except ValueError:
        fail(f"{where}: {text!r} is not a number")
    if not math.isfinite(value):
        fail(f"{where}: {text!r} is not finite")
    return text


def integer(text, where):
    """An integer written as an integer, also when the source writes it as a float (e.g. '1.51e+02')."""
    value = float(number(text, where))
    if value != int(value):
        fail(f"{where}: {text!r} is not an integer")
    return str(int(value))


def float32_text(value):
    """The shortest decimal text that reads back as the same float32 as value (the table columns are FLOAT4)."""
    as32 = struct.unpack("<f", struct.pack("<f", value))[0]
    for digits in range(1, 10):
        text = "%.*g" % (digits, as32)
        if struct.unpack("<f", struct.pack("<f", float(text)))[0] == as32:
            return text
    return repr(as32)


def sklearn_csv(path, features):
    """scikit-learn's load_csv_data format: a first line 'n_samples,n_features,class names...', then rows."""
    with open(path, newline="") as f:
        reader = csv.reader(f)
        first = next(reader)
        n_samples, n_features = int(first[0]), int(first[1])
        if n_features != features:
            fail(f"{path}: {n_features} features, expected {features}")
        rows = [r for r in reader if r]
    if len(rows) != n_samples:
        fail(f"{path}: {len(rows)} rows, the header says {n_samples}")
    for i, r in enumerate(rows):
        if len(r) != features + 1:
            fail(f"{path} row {i + 1}: {len(r)} fields, expected {features + 1}")
    return rows


def whitespace_table(path, opener=open, header=False):
    with opener(path, "rt") as f:
        lines = [line.split() for line in f if line.strip()]
    return (lines[0], lines[1:]) if header else lines


def iris(src):
    rows = sklearn_csv(os.path.join(src, "iris.csv"), 4)
    return IRIS + ["target"], [[number(v, "iris") for v in r[:4]] + [integer(r[4], "iris")] for r in rows]


def breast_cancer(src):
    rows = sklearn_csv(os.path.join(src, "breast_cancer.csv"), 30)
    # scikit-learn's target is 0 = malignant, 1 = benign; PostgresML stores malignant = (target == 0).
    out = []
    for r in rows:
        target = integer(r[30], "breast_cancer")
        if target not in ("0", "1"):
            fail(f"breast_cancer: target {target}")
        out.append([number(v, "breast_cancer") for v in r[:30]] + ["t" if target == "0" else "f"])
    return BREAST_CANCER + ["malignant"], out


def wine(src):
    rows = sklearn_csv(os.path.join(src, "wine_data.csv"), 13)
    return WINE + ["target"], [[number(v, "wine") for v in r[:13]] + [integer(r[13], "wine")] for r in rows]


def diabetes(src):
    raw = whitespace_table(os.path.join(src, "diabetes_data_raw.csv.gz"), gzip.open)
    target = whitespace_table(os.path.join(src, "diabetes_target.csv.gz"), gzip.open)
    if len(raw) != 442 or len(target) != 442 or any(len(r) != 10 for r in raw) or any(len(t) != 1 for t in target):
        fail("diabetes: expected 442 rows of 10 features and 442 targets")
    n = len(raw)
    columns = [[float(number(r[j], "diabetes")) for r in raw] for j in range(10)]
    scaled = []
    for col in columns:
        # load_diabetes(scaled=True): sklearn.preprocessing.scale (mean 0, population standard deviation 1),
        # then divided by sqrt(n_samples); so every column is centred and has unit L2 norm.
        mean = math.fsum(col) / n
        centred = [x - mean for x in col]
        std = math.sqrt(math.fsum(c * c for c in centred) / n)
        scaled.append([c / std / math.sqrt(n) for c in centred])
    rows = [[float32_text(scaled[j][i]) for j in range(10)] + [integer(target[i][0], "diabetes")] for i in range(n)]
    return DIABETES + ["target"], rows


def digits(src):
    with gzip.open(os.path.join(src, "digits.csv.gz"), "rt", newline="") as f:
        rows = [r for r in csv.reader(f) if r]
    if len(rows) != 1797 or any(len(r) != 65 for r in rows):
        fail("digits: expected 1797 rows of 64 pixels and a target")
    out = []
    for r in rows:
        pixels = [integer(v, "digits") for v in r[:64]]
        if any(not 0 <= int(p) <= 16 for p in pixels):
            fail("digits: a pixel outside 0..16")
        out.append([" ".join(pixels), integer(r[64], "digits")])
    return ["image", "target"], out


def linnerud(src):
    ex_header, exercise = whitespace_table(os.path.join(src, "linnerud_exercise.csv"), header=True)
    ph_header, physiological = whitespace_table(os.path.join(src, "linnerud_physiological.csv"), header=True)
    if [h.lower() for h in ex_header + ph_header] != LINNERUD:
        fail(f"linnerud: unexpected headers {ex_header} {ph_header}")
    if len(exercise) != 20 or len(physiological) != 20:
        fail("linnerud: expected 20 rows")
    # load_linnerud() returns the exercises as data and the physiological measures as targets; PostgresML puts
    # all six side by side in one table.
    return LINNERUD, [[number(v, "linnerud") for v in e + p] for e, p in zip(exercise, physiological)]


DATASETS = {
    "breast_cancer": breast_cancer,
    "diabetes": diabetes,
    "digits": digits,
    "iris": iris,
    "linnerud": linnerud,
    "wine": wine,
}


def write(out_dir, name, header, rows):
    for field in header + [v for r in rows for v in r]:
        if "," in field or '"' in field or "\n" in field:
            fail(f"{name}: field {field!r} would need CSV quoting")
    text = io.StringIO()
    text.write(",".join(header) + "\n")
    for r in rows:
        if len(r) != len(header):
            fail(f"{name}: a row of {len(r)} fields for {len(header)} columns")
        text.write(",".join(r) + "\n")
    data = text.getvalue().encode("ascii")
    path = os.path.join(out_dir, f"{name}.csv.gz")
    with open(path, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, compresslevel=9, mtime=0) as gz:
            gz.write(data)
    print(f"{path}: {len(rows)} rows, {len(data)} bytes of CSV, {os.path.getsize(path)} bytes gzip")


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_SRC
    out = sys.argv[2] if len(sys.argv) > 2 else DEFAULT_OUT
    os.makedirs(out, exist_ok=True)
    for name, convert in DATASETS.items():
        header, rows = convert(src)
        write(out, name, header, rows)


if __name__ == "__main__":
    main()
