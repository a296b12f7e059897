"""Parse what a JVM run logs about mapping and relocating an archive
(-Xlog:cds / -Xlog:aot with cds+reloc / aot+reloc at debug), and the
dump log's heap bitmap summary.  These are the oracle of the bitmap tests."""
import re

MAPPED = re.compile(r'Mapped (static|dynamic)\s+region #(\d+) at base (0x[0-9a-f]+) top (0x[0-9a-f]+) \((\w+)\)')
RELOC = re.compile(r'SharedDataRelocator::(_\w+)\s*= (0x[0-9a-f]+)')
BITS = re.compile(r'mapped (?:(rw|ro) )?relocation (?:bitmap|ptrmap) @ 0x[0-9a-f]+ \((\d+) bits\)')
HEAPMAP = re.compile(r'\] (oopmap|ptrmap) =\s+(\d+) \.\.\.\s+(\d+) \(')


class RunLog:
    def __init__(self, path):
        self.mapped = {}      # ('static'|'dynamic', index) -> (base, top)
        self.relocators = []  # dicts of _patch_base, _patch_end, _valid_old_base, ...
        self.bits = []        # (region or None, nbits) in log order
        with open(path, errors='replace') as f:
            for line in f:
                m = MAPPED.search(line)
                if m:
                    self.mapped.setdefault((m.group(1), int(m.group(2))),
                                           (int(m.group(3), 16), int(m.group(4), 16)))
                    continue
                m = RELOC.search(line)
                if m:
                    if m.group(1) == '_patch_base':
                        self.relocators.append({})
                    if self.relocators:
                        self.relocators[-1][m.group(1)] = int(m.group(2), 16)
                    continue
                m = BITS.search(line)
                if m:
                    self.bits.append((m.group(1), int(m.group(2))))

    def mapped_base(self):
        """Where the run mapped the (base) archive, or None if it did not relocate."""
        if not self.relocators:
            return None
        return self.relocators[0]['_valid_new_base']


def heap_maps(dump_log):
    """{'oopmap': (first, end), 'ptrmap': (first, end)} bit positions the dump logged (25+)."""
    out = {}
    with open(dump_log, errors='replace') as f:
        for line in f:
            m = HEAPMAP.search(line)
            if m:
                out.setdefault(m.group(1), (int(m.group(2)), int(m.group(3))))
    return out
