#!/usr/bin/env python3
"""Write fuzz/corpus/fuzz_vmstructs/tables: a memory image (at 0x100000, as
fuzz_vmstructs.c places it) holding small but well-formed gHotSpotVM tables
in the layouts of runtime/vmStructs.hpp, for the fuzzer to start from."""
import os
import struct

BASE = 0x100000
LAYOUT = [0, 8, 16, 24, 32, 40, 48, 0, 8, 16, 20, 24, 32, 40, 0, 8, 16, 0, 8, 16]


def image():
    pool, strs = bytearray(), {}
    heap_at = 32 + 8 * len(LAYOUT)

    def s(text):
        if text not in strs:
            strs[text] = len(pool)
            pool.extend(text.encode() + b'\0')
        return text

    fields = [('Klass', '_name', 'Symbol*', 0, 16, 0), ('InstanceKlass', '_constants', 'ConstantPool*', 0, 216, 0),
              ('Universe', '_collectedHeap', 'CollectedHeap*', 1, 0, BASE + 8)]
    types = [('Klass', 'Metadata', 0, 0, 0, 208), ('InstanceKlass', 'Klass', 0, 0, 0, 472),
             ('u2', None, 0, 1, 1, 2), ('Symbol*', None, 0, 0, 0, 8)]
    ints = [('LogBytesPerWord', 3), ('JVM_ACC_STATIC', 8)]
    longs = [('markWord::age_shift', 3), ('markWord::hash_mask', 0x7fffffff)]
    for f in fields:
        s(f[0]), s(f[1]), s(f[2])
    for t in types:
        s(t[0]), t[1] and s(t[1])
    for n, _ in ints + longs:
        s(n)
    pool_at = heap_at
    fa = (pool_at + len(pool) + 7) & ~7
    ta = fa + 48 * (len(fields) + 1)
    ia = ta + 40 * (len(types) + 1)
    la = ia + 16 * (len(ints) + 1)
    end = la + 16 * (len(longs) + 1)
    img = bytearray(end)

    def p(text):
        return 0 if text is None else BASE + pool_at + strs[text]
    struct.pack_into('<4Q', img, 0, BASE + fa, BASE + ta, BASE + ia, BASE + la)
    struct.pack_into(f'<{len(LAYOUT)}Q', img, 32, *LAYOUT)
    img[pool_at:pool_at + len(pool)] = pool
    for i, (t, f, ts, st, off, addr) in enumerate(fields):
        struct.pack_into("<3QIxxxxQQ", img, fa + 48 * i, p(t), p(f), p(ts), st, off, addr)
    for i, (n, sup, oop, isint, uns, size) in enumerate(types):
        struct.pack_into('<QQIIIxxxxQ', img, ta + 40 * i, p(n), p(sup), oop, isint, uns, size)
    for i, (n, v) in enumerate(ints):
        struct.pack_into('<Qi', img, ia + 16 * i, p(n), v)
    for i, (n, v) in enumerate(longs):
        struct.pack_into('<Qq', img, la + 16 * i, p(n), v)
    return bytes(img)


if __name__ == '__main__':
    d = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'corpus', 'fuzz_vmstructs')
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'tables'), 'wb') as f:
        f.write(image())
