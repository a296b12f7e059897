#!/usr/bin/env python3
"""Cut a real ELF core into small fuzzing seeds for fuzz_core.c.

    python3 fuzz/core_seeds.py CORE PREFIX

writes PREFIX-small (every header and note kept, each PT_LOAD cut to its
first 256 bytes and packed after the notes) and PREFIX-cut (the small one
truncated in the middle of its last PT_LOAD's bytes): a few KB each, with
the structure of the real thing.
"""
import struct
import sys

KEEP = 256


def small(core):
    phoff, = struct.unpack_from('<Q', core, 0x20)
    phnum, = struct.unpack_from('<H', core, 0x38)
    phdrs = [list(struct.unpack_from('<IIQQQQQQ', core, phoff + 56 * i)) for i in range(phnum)]
    out = bytearray(core[:phoff + 56 * phnum])
    for ph in phdrs:
        # p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align
        data = core[ph[2]:ph[2] + ph[5]]
        if ph[0] == 1:
            data = data[:KEEP]
        elif ph[0] != 4:
            continue
        while len(out) % 4:
            out.append(0)
        ph[2], ph[5] = len(out), len(data)
        out += data
    for i, ph in enumerate(phdrs):
        struct.pack_into('<IIQQQQQQ', out, phoff + 56 * i, *ph)
    return bytes(out)


def main():
    core = open(sys.argv[1], 'rb').read()
    s = small(core)
    open(sys.argv[2] + '-small', 'wb').write(s)
    open(sys.argv[2] + '-cut', 'wb').write(s[:len(s) - KEEP // 2])


if __name__ == '__main__':
    main()
