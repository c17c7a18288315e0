"""Serialise JSON-LD so no field can close the surrounding <script> element."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

# Escaping <, > and & as \u escapes keeps the JSON identical to a JSON parser while making
# "</script>" and "<!--" impossible inside the HTML script element.
_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
            0x2028: "\\u2028", 0x2029: "\\u2029"}


def dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"),
                      default=str).translate(_ESCAPES)


def script_tag(data: Any) -> Markup:
    """A complete ``<script type="application/ld+json">`` element, safe to emit unescaped."""
    return Markup('<script type="application/ld+json">' + dumps(data) + "</script>")
