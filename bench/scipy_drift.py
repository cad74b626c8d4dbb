#!/usr/bin/env python3
"""
The drift report of benchmark workload 2 written by hand with numpy/scipy: what a user would run instead of
modelwatch. Same data, same definitions as docs/statistics.md:

  every column (reference bins, `missing` a bin of its own):
    psi        sum (c - r) ln(c / r), zero shares replaced by 1e-4
    js         scipy.spatial.distance.jensenshannon(c, r, base=2)
    hellinger  sqrt(0.5 * sum (sqrt c - sqrt r)^2)
    chi2       scipy.stats.chi2_contingency([ref counts; cur counts][:, kept], correction=False)
    psi p      chi2.sf(n_eff * psi, B - 1), n_eff = 1 / (1/n + 1/m)
  numeric columns, on the present values:
    ks         scipy.stats.ks_2samp(cur, ref)  (method auto: asymptotic kstwo at these sizes)
    wasserstein  scipy.stats.wasserstein_distance(cur, ref) / max(np.std(ref), 0.001)
    z          (mean_cur - mean_ref) / (std_ref / sqrt(n_cur)), p = 2 * norm.sf(|z|)

Numeric bins: inner edges np.quantile(ref, k/10), k = 1..9 (linear), duplicates dropped, right-closed
(np.searchsorted(edges, x, side="left")). Categorical bins: the top-20 reference categories (by count, then name),
__other__, __unseen__, missing.

Two timings, both without file loading (repeated, median reported):
  full     everything from the raw arrays, reference quantiles included (what a script run per report does)
  profile  reference edges and counts computed beforehand (what modelwatch keeps in its profile)
Sub-timings follow the perf anchors: (a) KS x20, (b) chi2 on the 5 categorical columns with value counts,
(c) PSI x25 with binning, (d1) JS x20, (d2) Wasserstein x20, plus the rest (chi2 on numeric bins, Hellinger,
PSI p, z).

  python3 bench/scipy_drift.py --reference R.csv --current C.ndjson [--reps 5] [--out FILE]

The Python needs numpy and scipy (Debian: python3-scipy); pandas is not used. Values are parsed with Python's
float(), which rounds correctly, so the doubles are bit-identical to what JSON.parse reads.
"""
import argparse
import csv
import datetime
import hashlib
import json
import math
import os
import platform
import sys
import time
from collections import Counter

import numpy as np
import scipy
from scipy import stats
from scipy.spatial import distance

NUMERIC = [f"f{i}" for i in range(1, 21)]
CATEGORICAL = [f"c{i}" for i in range(1, 6)]
BINS = 10
TOP_K = 20
EPS = 1e-4
MISSING = {"", "NA", "N/A", "NaN", "nan", "null", "NULL", "None"}


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def load_reference(path):
    num = {c: [] for c in NUMERIC}
    cat = {c: [] for c in CATEGORICAL}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            for c in NUMERIC:
                v = row[c]
                num[c].append(math.nan if v in MISSING else float(v))
            for c in CATEGORICAL:
                v = row[c]
                cat[c].append(None if v in MISSING else v)
    return {c: np.array(v, dtype=np.float64) for c, v in num.items()}, {c: np.array(v, dtype=object) for c, v in cat.items()}


def load_current(path):
    num = {c: [] for c in NUMERIC}
    cat = {c: [] for c in CATEGORICAL}
    with open(path) as f:
        for line in f:
            feats = json.loads(line)["features"]
            for c in NUMERIC:
                v = feats.get(c)
                num[c].append(math.nan if v is None else float(v))
            for c in CATEGORICAL:
                cat[c].append(feats.get(c))
    return {c: np.array(v, dtype=np.float64) for c, v in num.items()}, {c: np.array(v, dtype=object) for c, v in cat.items()}


def quantile_edges(ref_present):
    q = np.quantile(ref_present, np.arange(1, BINS) / BINS)
    edges = [q[0]]
    for x in q[1:]:
        if x > edges[-1]:
            edges.append(x)
    return np.array(edges)


def numeric_counts(values_present, n_missing, edges):
    counts = np.bincount(np.searchsorted(edges, values_present, side="left"), minlength=len(edges) + 1)
    return np.append(counts, n_missing).astype(np.float64)


def value_counts(values):
    """Counts per category (collections.Counter: faster than np.unique on strings; pandas is not needed)."""
    by = Counter(values.tolist())
    n_missing = by.pop(None, 0)
    return by, n_missing


def categorical_profile(ref_values):
    by, _ = value_counts(ref_values)
    top = [k for k, _ in sorted(by.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_K]]
    return top, set(by)


def categorical_counts(values, top, known):
    by, n_missing = value_counts(values)
    out = [by.get(t, 0) for t in top]
    top_set = set(top)
    other = sum(c for k, c in by.items() if k not in top_set and k in known)
    unseen = sum(c for k, c in by.items() if k not in known)
    return np.array(out + [other, unseen, n_missing], dtype=np.float64)


def psi(c, r):
    c = np.where(c == 0, EPS, c)
    r = np.where(r == 0, EPS, r)
    return float(np.sum((c - r) * np.log(c / r)))


def hellinger(c, r):
    return float(np.sqrt(0.5 * np.sum((np.sqrt(c) - np.sqrt(r)) ** 2)))


def chi2(ref_counts, cur_counts):
    kept = (ref_counts + cur_counts) > 0
    table = np.array([ref_counts[kept], cur_counts[kept]])
    if kept.sum() <= 1 or ref_counts.sum() == 0 or cur_counts.sum() == 0:
        return 0.0, 1.0
    stat, p, _dof, _exp = stats.chi2_contingency(table, correction=False)
    return float(stat), float(p)


def psi_p(value, n, m, bins):
    n_eff = 1 / (1 / n + 1 / m)
    dof = max(bins - 1, 0)
    return 1.0 if dof == 0 else float(stats.chi2.sf(n_eff * value, dof))


class Timer:
    def __init__(self):
        self.t = {}

    def add(self, key, seconds):
        self.t[key] = self.t.get(key, 0.0) + seconds


def report(ref_num, ref_cat, cur_num, cur_cat, profile=None):
    """All numbers for all columns, with per-section timings. `profile` holds precomputed reference edges/counts."""
    T = Timer()
    out = {}
    clock = time.perf_counter
    # Present values (NaN dropped) and missing counts.
    t0 = clock()
    ref_present = {c: ref_num[c][~np.isnan(ref_num[c])] for c in NUMERIC}
    cur_present = {c: cur_num[c][~np.isnan(cur_num[c])] for c in NUMERIC}
    T.add("prepare", clock() - t0)
    ref_counts = {}
    cur_counts = {}
    # (c) binning: edges from the reference (unless given), counts of both sides.
    t0 = clock()
    for c in NUMERIC:
        if profile is None:
            edges = quantile_edges(ref_present[c])
            ref_counts[c] = numeric_counts(ref_present[c], len(ref_num[c]) - len(ref_present[c]), edges)
        else:
            edges = profile["edges"][c]
            ref_counts[c] = profile["counts"][c]
        cur_counts[c] = numeric_counts(cur_present[c], len(cur_num[c]) - len(cur_present[c]), edges)
        out[c] = {"edges": edges.tolist()}
    T.add("c_binning_numeric", clock() - t0)
    # (b) categorical value counts.
    t0 = clock()
    for c in CATEGORICAL:
        if profile is None:
            top, known = categorical_profile(ref_cat[c])
            ref_counts[c] = categorical_counts(ref_cat[c], top, known)
        else:
            top, known = profile["top"][c], profile["known"][c]
            ref_counts[c] = profile["counts"][c]
        cur_counts[c] = categorical_counts(cur_cat[c], top, known)
        out[c] = {"categories": top}
    T.add("b_value_counts", clock() - t0)
    shares = {c: (cur_counts[c] / cur_counts[c].sum(), ref_counts[c] / ref_counts[c].sum()) for c in NUMERIC + CATEGORICAL}
    t0 = clock()
    for c in NUMERIC + CATEGORICAL:
        out[c]["psi"] = psi(*shares[c])
    T.add("c_psi", clock() - t0)
    for group, cols in (("numeric", NUMERIC), ("categorical", CATEGORICAL)):
        t0 = clock()
        for c in cols:
            out[c]["js"] = float(distance.jensenshannon(shares[c][0], shares[c][1], base=2))
        T.add(f"d1_js_{group}", clock() - t0)
        t0 = clock()
        for c in cols:
            out[c]["chi2"], out[c]["chi2_p"] = chi2(ref_counts[c], cur_counts[c])
        T.add(f"b_chi2_{group}", clock() - t0)
    t0 = clock()
    for c in NUMERIC + CATEGORICAL:
        out[c]["hellinger"] = hellinger(*shares[c])
        bins = int(np.sum((cur_counts[c] > 0) | (ref_counts[c] > 0)))
        out[c]["psi_p"] = psi_p(out[c]["psi"], cur_counts[c].sum(), ref_counts[c].sum(), bins)
        out[c]["n"] = int(cur_counts[c].sum())
        out[c]["cur_counts"] = cur_counts[c].tolist()
        out[c]["ref_counts"] = ref_counts[c].tolist()
    T.add("e_hellinger_psi_p", clock() - t0)
    t0 = clock()
    for c in NUMERIC:
        r = stats.ks_2samp(cur_present[c], ref_present[c])
        out[c]["ks"] = float(r.statistic)
        out[c]["ks_p"] = float(r.pvalue)
    T.add("a_ks", clock() - t0)
    t0 = clock()
    for c in NUMERIC:
        w = stats.wasserstein_distance(cur_present[c], ref_present[c])
        out[c]["wasserstein_raw"] = float(w)
        out[c]["wasserstein"] = float(w / max(float(np.std(ref_present[c])), 0.001))
    T.add("d2_wasserstein", clock() - t0)
    t0 = clock()
    for c in NUMERIC:
        cur, ref = cur_present[c], ref_present[c]
        sd = float(np.std(ref))
        z = (float(np.mean(cur)) - float(np.mean(ref))) / (sd / math.sqrt(len(cur)))
        out[c]["z"] = z
        out[c]["z_p"] = float(2 * stats.norm.sf(abs(z)))
    T.add("e_z", clock() - t0)
    return out, T.t


def build_profile(ref_num, ref_cat):
    prof = {"edges": {}, "counts": {}, "top": {}, "known": {}}
    for c in NUMERIC:
        present = ref_num[c][~np.isnan(ref_num[c])]
        prof["edges"][c] = quantile_edges(present)
        prof["counts"][c] = numeric_counts(present, len(ref_num[c]) - len(present), prof["edges"][c])
    for c in CATEGORICAL:
        prof["top"][c], prof["known"][c] = categorical_profile(ref_cat[c])
        prof["counts"][c] = categorical_counts(ref_cat[c], prof["top"][c], prof["known"][c])
    return prof


def summarise(values):
    v = sorted(values)
    med = float(np.median(v))
    return {"median": med, "min": v[0], "max": v[-1], "spread": (v[-1] - v[0]) / med if med else 0.0, "n": len(v), "values": v}


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = None
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError):
        pass
    return {
        "nproc": os.cpu_count(),
        "cpuModel": model,
        "memoryGiB": round(mem, 3) if mem else None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reference", required=True)
    ap.add_argument("--current", required=True)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--out")
    ap.add_argument("--variants", default="full,profile", help="comma-separated: full, profile")
    args = ap.parse_args()

    t0 = time.perf_counter()
    ref_num, ref_cat = load_reference(args.reference)
    cur_num, cur_cat = load_current(args.current)
    load_s = time.perf_counter() - t0
    print(f"loaded {len(ref_num['f1'])} reference and {len(cur_num['f1'])} current rows in {load_s:.2f} s", file=sys.stderr)

    variants = {}
    columns = None
    for variant in args.variants.split(","):
        totals, sections = [], {}
        for rep in range(args.reps):
            prof = build_profile(ref_num, ref_cat) if variant == "profile" else None
            started = time.perf_counter()
            out, t = report(ref_num, ref_cat, cur_num, cur_cat, prof)
            totals.append(time.perf_counter() - started)
            for k, v in t.items():
                sections.setdefault(k, []).append(v)
            if columns is None:
                columns = out
            print(f"  {variant} rep {rep + 1}: {totals[-1]:.3f} s", file=sys.stderr)
        anchors = [sections["a_ks"][i] + sections["b_value_counts"][i] + sections["b_chi2_categorical"][i] + sections["c_binning_numeric"][i]
                   + sections["c_psi"][i] + sections["d1_js_numeric"][i] + sections["d2_wasserstein"][i] for i in range(args.reps)]
        variants[variant] = {
            "total": summarise(totals),
            "anchorSubset": summarise(anchors),
            "sections": {k: summarise(v) for k, v in sections.items()},
        }

    result = {
        "script": "bench/scipy_drift.py",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "loadAverage": list(os.getloadavg()),
        "data": {
            "reference": {"file": os.path.basename(args.reference), "sha256": sha256(args.reference), "rows": len(ref_num["f1"])},
            "current": {"file": os.path.basename(args.current), "sha256": sha256(args.current), "rows": len(cur_num["f1"])},
        },
        "loadSeconds": load_s,
        "reps": args.reps,
        "timings": variants,
        "columns": columns,
    }
    text = json.dumps(result, indent=2, allow_nan=True)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
