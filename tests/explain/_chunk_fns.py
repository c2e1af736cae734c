"""Module-level functions for worker processes (they are pickled by reference)."""

import os

import numpy as np


def square_sum(chunk, offset):
    return float(np.square(chunk).sum()) + offset, os.getpid()


def fail_on_three(chunk):
    if chunk == 3:
        raise ValueError("chunk 3 is bad")
    return chunk
