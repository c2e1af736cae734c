"""Time the fairness section on Adult: 1,000 bootstrap resamples over sex × race.

    python bench/bench_fairness.py [--n-bootstrap 1000]

Prints a table: the whole section, then its parts (group metrics with the
stratified bootstrap, proxies, mitigation what-if), and for scale a fairlearn
MetricFrame over the same groups (point estimates only, no intervals), measured
in the same run. A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n-bootstrap", type=int, default=1000)
    args = parser.parse_args()

    from fairlearn.metrics import MetricFrame, false_positive_rate, selection_rate, true_positive_rate
    from sklearn.metrics import accuracy_score

    from auditor import Auditor, FairnessSection
    from auditor.demo import make_demo

    d = make_demo("adult")
    rows = []

    def audit(section):
        auditor = Auditor(d.model, d.X_test, d.y_test, sensitive_features=["sex", "race"], sections=[section],
                          n_bootstrap=args.n_bootstrap)
        auditor._context(None)  # predictions outside the timing: the section reuses them
        t = time.perf_counter()
        result = auditor.run()
        return time.perf_counter() - t, result

    full, result = audit(FairnessSection())
    rows.append(("fairness section (all parts)", full))
    core, _ = audit(FairnessSection(proxies=False, mitigation=False))
    rows.append(("  group metrics + bootstrap", core))
    no_mitigation, _ = audit(FairnessSection(mitigation=False))
    rows.append(("  proxies", no_mitigation - core))
    rows.append(("  mitigation what-if", full - no_mitigation))

    y_pred = d.model.predict(d.X_test)
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for cols in (["sex"], ["race"], ["sex", "race"]):
            MetricFrame(metrics={"sel": selection_rate, "tpr": true_positive_rate, "fpr": false_positive_rate,
                                 "acc": accuracy_score}, y_true=d.y_test, y_pred=y_pred, sensitive_features=d.X_test[cols])
    rows.append(("fairlearn MetricFrame x3 (points only)", time.perf_counter() - t))

    groups = sum(len(g.groups) for g in result.fairness.groupings)
    print(f"\nFairness on Adult ({len(d.X_test):,} rows): sex, race and sex × race = {groups} groups, "
          f"{args.n_bootstrap:,} group-stratified resamples\n")
    print(f"{'part':<42} {'seconds':>8}")
    print("-" * 51)
    for name, s in rows:
        print(f"{name:<42} {s:8.2f}")


if __name__ == "__main__":
    main()
