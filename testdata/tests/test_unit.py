"""The C unit tests of pure decoders (testdata/unit/*_test.c), built with ASan and UBSan."""
import os
import re
import subprocess
import tempfile

from harness import test, check

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UNITS = {
    'bytecodes_test.c': ['plugin/bytecodes.c', 'plugin/err.c'],
    'fieldinfo_test.c': ['plugin/fieldinfo.c', 'plugin/err.c'],
}


@test
def test_unit():
    cc = os.environ.get('CC', 'cc')
    with tempfile.TemporaryDirectory() as tmp:
        for src, deps in UNITS.items():
            exe = os.path.join(tmp, src[:-2])
            build = subprocess.run([cc, '-std=gnu11', '-D_GNU_SOURCE', '-O1', '-g', '-Wall', '-Wextra', '-Werror',
                                    '-fsanitize=address,undefined', '-fno-sanitize-recover=all',
                                    '-Iplugin', '-Itestdata/unit', 'testdata/unit/' + src] + deps + ['-o', exe],
                                   cwd=ROOT, capture_output=True, text=True)
            if not check(f'unit {src} builds', build.returncode == 0, build.stderr[-800:]):
                continue
            r = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, timeout=600)
            m = re.search(r'(\d+) passed, (\d+) failed', r.stdout)
            print(f'  unit {src}: {m.group(0) if m else "no summary"}')
            check(f'unit {src}: every case passes', r.returncode == 0 and m and m.group(2) == '0'
                  and m.group(1) != '0', (r.stdout + r.stderr)[-800:])
