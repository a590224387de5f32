"""Issue 9 item 4 (library side): a qudit dimension beyond 2^31 is a clear error, not numpy's."""

from __future__ import annotations

import pytest

from qinternet.channels import DepolarizingChannel, ErasureChannel
from qinternet.errors import InvalidParameterError


@pytest.mark.parametrize("dimension", [2**31 + 1, 2**63 - 1, 10**20])
@pytest.mark.parametrize("model", [DepolarizingChannel, ErasureChannel])
def test_huge_dimension_is_refused_naming_it(model: type, dimension: int) -> None:
    with pytest.raises(InvalidParameterError, match="dimension"):
        model(p=0.1, dimension=dimension)


def test_largest_dimension_still_works() -> None:
    ch = DepolarizingChannel(p=0.1, dimension=2**31)
    assert 0 < ch.lower_ebits_per_use <= ch.upper_ebits_per_use < 31.0 * 2
