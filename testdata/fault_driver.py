"""Runs aot-* commands through the front-end binding on a live JVM whose
memory the read callback corrupts: the in-debugger faults of the fuzzing
issue (testdata/tests/test_live_faults.py).

    python3 testdata/fault_driver.py PID SEED FLIP_RATE OUT.json COMMAND...

Reads come from /proc/PID/mem.  Each read that lands in [LO, HI) (the
archive's metadata, $AOTDBG_FAULT_RANGE "lo-hi" in hex) has, with
probability FLIP_RATE, up to one byte in 64 replaced at random: a different
corruption on every read, as memory a running JVM rewrites between two reads
would look.  Writes JSON [{cmd, ok, out_lines, err}]; a crash in the library
kills this process, which the test sees as its exit status.
"""
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), 'plugin', 'python'))
import aotdbg_native as native  # noqa: E402


def main():
    pid, seed, rate, out = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
    cmds = sys.argv[5:]
    lo, hi = (int(x, 16) for x in os.environ.get('AOTDBG_FAULT_RANGE', '0-0').split('-'))
    rng = random.Random(seed)
    mem = open(f'/proc/{pid}/mem', 'rb', buffering=0)

    def read(addr, size):
        mem.seek(addr)
        data = bytearray(mem.read(size))
        if not data:
            raise OSError(f'0x{addr:x} unreadable')
        if addr < hi and addr + len(data) > lo and rng.random() < rate:
            for _ in range(rng.randint(1, max(1, len(data) // 64))):
                i = rng.randrange(len(data))
                if lo <= addr + i < hi:
                    data[i] = rng.randrange(256)
        return bytes(data)

    s = native.Session(native.load_library())
    s.attach(pid=pid, read=read)
    results = []
    for c in cmds:
        try:
            text = s.run(c)
            results.append({'cmd': c, 'ok': True, 'out_lines': text.count('\n'), 'err': ''})
        except native.Error as e:
            results.append({'cmd': c, 'ok': False, 'out_lines': e.output.count('\n'), 'err': e.message})
    s.close()
    with open(out, 'w') as f:
        json.dump(results, f)


if __name__ == '__main__':
    main()
