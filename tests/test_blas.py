"""one_blas_thread: every BLAS pool at one thread inside, the previous counts restored after."""

from threadpoolctl import threadpool_info

from tftransfer.blas import one_blas_thread


def _blas_threads():
    return {pool["filepath"]: pool["num_threads"] for pool in threadpool_info()
            if pool["user_api"] == "blas"}


def test_one_blas_thread_limits_then_restores():
    before = _blas_threads()
    assert before, "NumPy ships an OpenBLAS: at least one BLAS pool is loaded"
    with one_blas_thread():
        assert set(_blas_threads().values()) == {1}
    assert _blas_threads() == before
