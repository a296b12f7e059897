"""Runs a list of debugger commands inside gdb or lldb and records each one's
output and error, for the live tests (testdata/tests/test_live.py).

    gdb ... -ex 'source gdb-scripts/aotdbg.py' -ex 'source testdata/fe_driver.py'
    lldb ... -o 'command script import lldb/aotdbg_lldb.py' -o 'command script import testdata/fe_driver.py'

$AOTDBG_FE_IN: a file of commands, one a line; $AOTDBG_FE_OUT: where to write
JSON [{cmd, ok, out, err, seconds}].  A command's failure is recorded and the
next one runs, as in an interactive session.
"""
import json
import os
import time


def _commands():
    with open(os.environ['AOTDBG_FE_IN']) as f:
        return [line.rstrip('\n') for line in f if line.strip()]


def _write(results):
    with open(os.environ['AOTDBG_FE_OUT'], 'w') as f:
        json.dump(results, f)


def run_gdb():
    import gdb
    results = []
    for c in _commands():
        t = time.monotonic()
        try:
            out = gdb.execute(c, to_string=True)
            results.append({'cmd': c, 'ok': True, 'out': out, 'err': '', 'seconds': time.monotonic() - t})
        except gdb.error as e:
            results.append({'cmd': c, 'ok': False, 'out': '', 'err': str(e), 'seconds': time.monotonic() - t})
        except Exception as e:  # noqa: BLE001 - recorded, the test fails on it
            results.append({'cmd': c, 'ok': False, 'out': '', 'err': f'PYTHON {type(e).__name__}: {e}',
                            'seconds': time.monotonic() - t})
    _write(results)


def __lldb_init_module(debugger, internal_dict):
    import lldb
    ci = debugger.GetCommandInterpreter()
    results = []
    for c in _commands():
        t = time.monotonic()
        r = lldb.SBCommandReturnObject()
        ci.HandleCommand(c, r)
        results.append({'cmd': c, 'ok': r.Succeeded(), 'out': r.GetOutput() or '', 'err': r.GetError() or '',
                        'seconds': time.monotonic() - t})
    _write(results)


try:
    import gdb  # noqa: F401
except ImportError:
    pass
else:
    run_gdb()
