#!/usr/bin/env python3
"""Prints a CloudFormation/SAM template as JSON (short-form tags such as !Ref become their long
form), read with cfn-lint's own decoder, so the Swift tests can check its structure."""
import json
import sys

from cfnlint.decode import decode

template, problems = decode(sys.argv[1])
if problems:
    sys.exit("cannot read the template: " + "; ".join(str(p) for p in problems))
print(json.dumps(template, default=str))
