"""In-debugger faults: what a debugger session hands the library when the
inferior is hostile.  Through the front-end binding (as gdb and lldb call it)
with the ASan+UBSan library: unmapped addresses and addresses inside the
wrong object give one error and the session goes on; a JVM whose archive
memory changes between reads (the read callback corrupts bytes at random,
differently on every read) never crashes the library or makes it hang.
"""
import json
import os
import subprocess
import sys
import tempfile

import harness
from harness import check, test
from livejvm import LiveJVM, LiveJVMError

HERE = os.path.dirname(os.path.abspath(__file__))
DRIVER = os.path.join(os.path.dirname(HERE), 'fault_driver.py')
SAN_LIB = os.path.join(harness.ROOT, 'build', 'libaotdbg-san.so')


def preload():
    libs = []
    for name in ('libasan.so', 'libubsan.so'):
        p = subprocess.run(['gcc', f'-print-file-name={name}'], capture_output=True, text=True).stdout.strip()
        if os.path.isabs(p):
            libs.append(p)
    return ':'.join(libs)


def drive(pid, seed, rate, cmds, env_range, tmp, timeout=300):
    out = os.path.join(tmp, f'faults-{seed}.json')
    env = harness._env({'AOTDBG_LIB': SAN_LIB, 'LD_PRELOAD': preload(), 'AOTDBG_FAULT_RANGE': env_range,
                        # Python itself leaks by design at exit: only the library's errors count.
                        'ASAN_OPTIONS': 'detect_leaks=0:exitcode=86:abort_on_error=0'})
    p = subprocess.run([sys.executable, DRIVER, str(pid), str(seed), str(rate), out, *cmds], capture_output=True,
                       text=True, errors='replace', timeout=timeout, env=env)
    res = None
    if os.path.exists(out):
        with open(out) as f:
            res = json.load(f)
    return p.returncode, res, p.stderr


@test
def test_live_faults():
    if not os.path.exists(SAN_LIB):
        check('faults: build/libaotdbg-san.so built (make san)', False, SAN_LIB)
        return
    tmp = tempfile.mkdtemp(prefix='test-live-faults-')
    try:
        with LiveJVM('jdk25', 'aot') as j:
            st, out, err = harness.run(['--pid', str(j.pid), '--json', '-c', 'aot-regions'])
            regions = json.loads(out)['archives'][0]['regions'] if st == 0 else []
            meta = [r for r in regions if r['name'] in ('rw', 'ro')]
            if not check('faults: aot-regions --json of the live JVM', len(meta) == 2, err):
                return
            lo, hi = int(meta[0]['start'], 16), int(meta[1]['end'], 16)
            classes = j.classes()[:40]
            st, out, _ = harness.run(['--pid', str(j.pid), '-c', f'aot-print-klass {hex(classes[0][0])}'])
            method = next((line.split()[0] for line in out.splitlines()
                           if line.strip().startswith('0x') and '(' in line), None)
            # Unmapped and wrong-object addresses on clean memory: one error each, the session goes on.
            cmds = ['aot-print-klass 0x10', f'aot-print-klass {method}', f'aot-print-method {hex(classes[0][0])}',
                    'aot-print-klass 0x7ffffffff000', 'aot-regions']
            code, res, stderr = drive(j.pid, 0, 0.0, cmds, '0-0', tmp)
            ok = code == 0 and res is not None
            check('faults: clean memory: the driver ran', ok, f'exit {code}: {stderr[-600:]}')
            if ok:
                for r in res[:4]:
                    check(f'faults: {r["cmd"]}: one error ({r["err"][:70]})',
                          not r['ok'] and r['err'] and '\n' not in r['err'], str(r))
                check('faults: the session goes on after the errors', res[4]['ok'], str(res[4]))
                check('faults: a Method address given as a Klass names what is there',
                      'Method' in res[1]['err'], res[1]['err'])
            # Archive memory changing under the reads: commands that read it much, three seeds, two rates.
            cmds = ['aot-classes'] + [f'aot-print-klass {hex(a)}' for a, _ in classes] + \
                   [f'aot-whatis {hex(a + 24)}' for a, _ in classes[:10]] + ['aot-stats', 'aot-map --region ro']
            for seed, rate in ((1, 0.02), (2, 0.2), (3, 1.0)):
                code, res, stderr = drive(j.pid, seed, rate, cmds, f'{lo:x}-{hi:x}', tmp, timeout=600)
                good = code == 0 and res is not None and len(res) == len(cmds)
                nerr = sum(1 for r in res if not r['ok']) if res else 0
                check(f'faults: seed {seed}, a read in {rate:.0%} corrupted: no crash, no sanitizer report, '
                      f'{len(cmds)} commands ran ({nerr} reported an error)',
                      good and harness.sanitizer_clean(stderr), f'exit {code}: {stderr[-800:]}')
                if res:
                    bad = [r for r in res if not r['ok'] and (not r['err'] or '\n' in r['err'])]
                    check(f'faults: seed {seed}: every error is one line', not bad, str(bad[:3]))
            st, text = j.jcmd('VM.uptime')
            check('faults: the JVM still answers jcmd', st == 0, text[-200:])
    except LiveJVMError as e:
        check('faults: the jdk25 JVM started', False, str(e))
