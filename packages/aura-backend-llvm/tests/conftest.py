"""Building executables needs the system C compiler (Debian's `gcc`)."""

from __future__ import annotations

import pytest
import systools

#: Tests that run without a C compiler on purpose.
_WITHOUT_CC = {
    "test_missing_compiler_names_the_package",
    "test_every_declared_runtime_function_has_its_arity",
}


@pytest.fixture(autouse=True)
def _c_compiler(request: pytest.FixtureRequest) -> None:
    if request.node.originalname not in _WITHOUT_CC:
        systools.require("cc", package="gcc")
