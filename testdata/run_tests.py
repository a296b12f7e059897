#!/usr/bin/env python3
"""Runs every test of aotdbg; ends with one line "N passed, N failed"."""
import importlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, 'tests'))

import harness  # noqa: E402

for name in sorted(os.listdir(os.path.join(HERE, 'tests'))):
    if name.startswith('test_') and name.endswith('.py'):
        importlib.import_module(name[:-3])

sys.exit(harness.main(sys.argv[1:]))
