import os

import numpy as np
import pytest

from auditor.explain._parallel import resolve_n_jobs, run_chunks
from tests.explain._chunk_fns import fail_on_three, square_sum


def _chunks(n=12):
    rng = np.random.default_rng(0)
    return [rng.normal(size=(50, 3)) for _ in range(n)]


@pytest.mark.parametrize("n_jobs", [2, 3])
def test_results_are_in_order_and_equal_serial(n_jobs):
    chunks = _chunks()
    serial = run_chunks(square_sum, chunks, 1, 0.5)
    parallel = run_chunks(square_sum, (c for c in chunks), n_jobs, 0.5)
    assert [v for v, _ in parallel] == [v for v, _ in serial] == [float(np.square(c).sum()) + 0.5 for c in chunks]
    # worker processes did the work, and a single job stays in this process
    assert os.getpid() not in {pid for _, pid in parallel}
    assert {pid for _, pid in serial} == {os.getpid()}


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_consume_takes_each_result_in_order_as_it_arrives(n_jobs):
    chunks = _chunks()
    seen = []

    def consume(part):
        seen.append(part[0])
        return len(seen)

    kept = run_chunks(square_sum, (c for c in chunks), n_jobs, 0.5, consume=consume)
    assert kept == list(range(1, len(chunks) + 1))
    assert seen == [float(np.square(c).sum()) + 0.5 for c in chunks]


def test_a_failing_chunk_raises_its_error():
    with pytest.raises(ValueError, match="chunk 3 is bad"):
        run_chunks(fail_on_three, range(8), 2)


def test_no_chunks_gives_no_results():
    assert run_chunks(square_sum, [], 2, 0.0) == []


def test_n_jobs_none_means_every_core():
    import joblib

    assert resolve_n_jobs(None) == joblib.cpu_count()
    assert resolve_n_jobs(1) == 1
    assert resolve_n_jobs(-1) == joblib.cpu_count()
