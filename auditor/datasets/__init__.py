"""Real public datasets, bundled with the package, for examples, tests and benchmarks.

Both loaders read compressed, unmodified copies of the original UCI files
shipped in ``auditor/datasets/data/`` (see ``LICENSE-DATA.txt`` there for
source, authors and licence), so they work offline.

- :func:`load_adult` — UCI Adult (Census Income): predict income >50K;
  sensitive features sex and race.
- :func:`load_german_credit` — UCI Statlog (German Credit Data): predict a
  good credit risk; sensitive features sex and age.

Each returns a :class:`Dataset` holding the features, the 0/1 target (1 is
the favourable outcome), the names of the sensitive columns and a
plain-language description with the licence.
"""

from ._adult import load_adult
from ._base import Dataset
from ._german import load_german_credit

__all__ = ["Dataset", "load_adult", "load_german_credit"]
