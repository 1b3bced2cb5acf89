"""The signature check a webhook receiver is told to write, taken from docs/webhooks.md as is.

The tests verify every signature with this code, not with one of the tracker's own, so the
documented recipe is what is proved to work (and a change to the signing breaks the docs' test).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

DOC = Path(settings.BASE_DIR) / "docs" / "webhooks.md"


def documented_verify() -> Callable[..., bool]:
    """`verify(secret, signature_header, raw_body, tolerance=300)` exactly as the docs show it."""
    match = re.search(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert match, "docs/webhooks.md shows the receiver's Python code"
    namespace: dict = {}
    exec(match.group(1), namespace)
    return namespace["verify"]
