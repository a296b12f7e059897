"""aot-refs against a brute-force scan of every marked pointer slot.

For 20 objects of the JVM's map per archive (the static archive and the AOT
cache of each JDK), the test lists every slot that the rw and ro pointer maps
mark (aot-bitmap --list, which test_bitmap checks against the JVM's
relocation logs) and keeps those whose stored value falls inside the object
as the map gives it, [address, address + size).  The object holding each
slot is the map object whose range contains it; a slot inside no object
printed with a type (a "Misc data" range, or the word the JVM keeps before
each class for its RunTimeClassInfo) has holder type "Misc data", and then
only a Misc data range's start is a holder address to compare.
"""
import bisect

from harness import test, check, run_json, run_batch_json, corpus, archive_args, sanitizer_clean
from maplog import MapObjects, parse_meta

PICKS = 20
# The types picked from, in turn: the ones with many kinds of referrers first.
TYPES = ('Class', 'Method', 'Symbol', 'ConstantPool', 'ConstMethod', 'TypeArrayU8', 'ConstantPoolCache',
         'TypeArrayU1', 'TypeArrayOther', 'MethodCounters', 'Annotations', 'TypeArrayU2', 'MethodData',
         'KlassTrainingData', 'MethodTrainingData', 'CompileTrainingData', 'RecordComponent',
         'AdapterHandlerEntry', 'AdapterFingerPrint', 'TypeArrayU4')
CANDIDATES = 40               # evenly spaced objects of a type that a pick is made from


class Archive:
    """The map objects of rw and ro, and every marked slot with its value."""

    def __init__(self, jdk, archive, mapfile):
        m = MapObjects(mapfile)
        self.objects = sorted(parse_meta(t) for sec in ('rw', 'ro') for t in m.objects[sec])
        self.starts = [o[0] for o in self.objects]
        self.slots = []
        for region in ('rw', 'ro'):
            doc = run_json(archive_args(jdk, archive) + ['-c', f'aot-bitmap {region} --list'])
            maps = doc['archives'][0]['maps']
            if len(maps) != 1 or len(maps[0]['slots']) != maps[0]['set_bits']:
                raise AssertionError(f'aot-bitmap {region} --list: {len(maps)} maps, '
                                     f'{[(len(x["slots"]), x["set_bits"]) for x in maps]} slots listed/set')
            for s in maps[0]['slots']:
                if s['value'] == 'unreadable':
                    raise AssertionError(f'aot-bitmap {region}: slot {s["slot"]} unreadable')
                self.slots.append((int(s['value'], 16), int(s['slot'], 16)))
        self.slots.sort()
        self.values = [v for v, _ in self.slots]

    def holder(self, addr):
        """(address or None, type, name) of the map object holding ADDR."""
        i = bisect.bisect_right(self.starts, addr) - 1
        if i >= 0 and addr < self.objects[i][0] + self.objects[i][2]:
            o = self.objects[i]
            return o[0], o[1], o[3]
        return None, 'Misc data', ''

    def refs_to(self, addr, size):
        """{(slot, value, holder address or None, holder type)} of the slots pointing into [addr, addr+size)."""
        lo = bisect.bisect_left(self.values, addr)
        hi = bisect.bisect_left(self.values, addr + size)
        return {(slot, value) + self.holder(slot)[:2] for value, slot in self.slots[lo:hi]}

    def count(self, o):
        return bisect.bisect_left(self.values, o[0] + o[2]) - bisect.bisect_left(self.values, o[0])


# Without DWARF the layout cannot say that a class's record components are
# RecordComponents (aot-map lists them as Unknown, docs/objwalk.md): not picked there.
NEEDS_DWARF = ('RecordComponent',)


def pick(a, stripped=False):
    """PICKS objects, deterministically: java.lang.Object's class, then the
    types in turn, each time the next of CANDIDATES evenly spaced objects of
    that type that some slot points into."""
    by_type = {}
    for o in a.objects:
        if stripped and o[1] in NEEDS_DWARF:
            continue
        by_type.setdefault(o[1], []).append(o)
    picks = [o for o in by_type.get('Class', []) if o[3] == 'java.lang.Object'][:1]
    queues = {}
    for t in TYPES:
        objs = by_type.get(t, [])
        step = max(1, len(objs) // CANDIDATES)
        queues[t] = [o for o in objs[::step] if a.count(o) and o not in picks]
    while len(picks) < PICKS and any(queues.values()):
        for t in TYPES:
            if queues[t] and len(picks) < PICKS:
                picks.append(queues[t].pop(0))
    return picks


def archives():
    return [(jdk, kind, a, m) for jdk, kind, a, m in corpus() if kind in ('static', 'aot') and m]


@test
def test_refs_equal_brute_force():
    for jdk, kind, archive, mapfile in archives():
        label = f'refs {jdk}/{kind}'
        try:
            refs_one(jdk, archive, mapfile, label)
        except Exception as e:
            check(label, False, f'{type(e).__name__}: {e}')


def fmt(r):
    slot, value, holder, htype = r
    return f'slot 0x{slot:x} = 0x{value:x} in {htype} at {"-" if holder is None else hex(holder)}'


def refs_one(jdk, archive, mapfile, label):
    a = Archive(jdk, archive, mapfile)
    picks = pick(a, stripped=jdk.startswith('temurin'))
    check(f'{label}: {PICKS} objects picked from the map', len(picks) == PICKS, f'{len(picks)} picked')
    status, docs, err = run_batch_json(archive_args(jdk, archive), [f'aot-refs 0x{o[0]:x}' for o in picks])
    if not check(f'{label}: aot-refs runs', status == 0 and len(docs) == len(picks) and sanitizer_clean(err),
                 f'exit {status}, {len(docs)} answers: {err.strip()[-400:]}'):
        return
    total = equal = 0
    bad_target, bad_refs, bad_names = [], [], []
    for o, doc in zip(picks, docs):
        addr, typ, size, name = o
        t = doc['refs']['target']
        if (int(t['address'], 16), t['type'], t['size'], t.get('name') or '') != (addr, typ, size, name):
            bad_target.append(f'0x{addr:x}: map {typ} {size} {name!r}, aotdbg {t}')
        want = a.refs_to(addr, size)
        got = set()
        for r in doc['refs']['refs']:
            slot, holder = int(r['slot'], 16), int(r['holder'], 16) if r.get('holder') else None
            h = a.holder(slot)
            if h[0] is None and r['holder_type'] == 'Misc data':
                holder = None           # a slot in no map object: no holder address to compare
            got.add((slot, int(r['value'], 16), holder, r['holder_type']))
            name_differs = h[1] != 'Misc data' and (r.get('holder_name') or '') != h[2]
            if h[0] is not None and (r.get('offset') != slot - h[0] or name_differs):
                bad_names.append(f'slot 0x{slot:x}: map holder {h[1]} 0x{h[0]:x} {h[2]!r} at offset {slot - h[0]}, '
                                 f'aotdbg {r.get("holder_name")!r} at offset {r.get("offset")}')
        total += len(want)
        equal += len(want & got)
        if want != got:
            bad_refs.append(f'{typ} 0x{addr:x} {name[:60]!r}: {len(want)} slots point into it, aotdbg lists '
                            f'{len(got)}; missing {[fmt(r) for r in sorted(want - got)[:2]]}, '
                            f'extra {[fmt(r) for r in sorted(got - want)[:2]]}')
    types = sorted({o[1] for o in picks})
    print(f'  {label}: {len(picks)} objects ({", ".join(types)}): {equal}/{total} referring slots equal, '
          f'{len(bad_refs)} objects differ')
    check(f'{label}: each target as the map prints it', not bad_target, '\n    ' + '\n    '.join(bad_target[:4]))
    check(f'{label}: the referring slots equal the brute-force scan (slot, value, holder, holder type)',
          not bad_refs, '\n    ' + '\n    '.join(bad_refs[:4]))
    check(f'{label}: each holder\'s name and the slot\'s offset in it as the map gives them', not bad_names,
          f'{len(bad_names)} differ:\n    ' + '\n    '.join(bad_names[:4]))
