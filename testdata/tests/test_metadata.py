"""Archived classes, methods, symbols and constant pools against the JVM's own map log.

The map log (-Xlog:cds+map / aot+map) lists every archived object with its
address, type, size and name as the JVM itself computed them at dump time;
javap gives the class files the constant pools came from.
"""
import json
import os
import re
import subprocess

from harness import test, check, run, run_batch_json, jdk_tool, sanitizer_clean, corpus, jdk_of, archive_args
from maplog import MapLog

OBJ = re.compile(r'^(0x[0-9a-f]+): @@ (\S+)\s+(\d+) ?(.*)$')
WANT = ('Class', 'Method', 'ConstMethod', 'ConstantPool', 'Symbol')
_maps = {}


def map_objects(mapfile):
    """{type: [(addr, size, name)]} for the map's @@ lines of the types we decode."""
    if mapfile not in _maps:
        objs = {t: [] for t in WANT}
        with open(mapfile, errors='replace') as f:
            for line in f:
                if '@@' not in line:
                    continue
                m = OBJ.match(line.rstrip('\n'))
                if m and m.group(2) in objs:
                    objs[m.group(2)].append((int(m.group(1), 16), int(m.group(3)), m.group(4)))
        _maps.clear()       # the maps are big: keep one
        _maps[mapfile] = objs
    return _maps[mapfile]




def jvm_escaped(text):
    """TEXT as the JVM's map and javap print it: printable ASCII as is, the rest as \\uXXXX."""
    out = []
    for ch in text:
        c = ord(ch)
        if c > 0xffff:      # a supplementary character: modified UTF-8 stores it as a surrogate pair
            c -= 0x10000
            out.append('\\u%04x\\u%04x' % (0xd800 + (c >> 10), 0xdc00 + (c & 0x3ff)))
        else:
            out.append(ch if 0x20 <= c < 0x7f else '\\u%04x' % c)
    return ''.join(out)


def sample(items, n):
    if len(items) <= n:
        return items
    step = len(items) / n
    return [items[int(k * step)] for k in range(n)]


@test
def test_classes_equal_map():
    for jdk, kind, archive, mapfile in corpus():
        if not mapfile:
            continue
        status, out, err = run(archive_args(jdk, archive) + ['--json', '-c', 'aot-classes'], timeout=300)
        if not check(f'aot-classes {jdk}/{kind} runs', status == 0 and sanitizer_clean(err), err[-500:]):
            continue
        got = {(int(c['address'], 16), c['size'], c['name'])
               for c in json.loads(out)['classes'] if c['archive'] == archive}
        exp = set(map_objects(mapfile)['Class'])
        print(f'  aot-classes {jdk}/{kind}: {len(exp & got)}/{len(exp)} map classes, {len(got - exp)} extra')
        check(f'aot-classes {jdk}/{kind} equals the map\'s @@ Class lines', got == exp,
              f'missing {sorted(exp - got)[:3]}, extra {sorted(got - exp)[:3]}')


# Signature-polymorphic intrinsics (MethodHandle.linkTo*, invokeBasic) that an
# AOT cache archives: the JVM generates them and keeps them in its own table
# (SystemDictionary's method handle intrinsics), not in MethodHandle's methods
# array, which is what aot-print-klass lists.
MH_INTRINSIC = re.compile(r' java\.lang\.invoke\.MethodHandle\.(linkTo(Static|Special|Virtual|Interface|Native)|invokeBasic)\(')


def map_methods_by_class(objs):
    """{class external name: {(addr, 'ret Class.name(args)')}} from @@ Method lines."""
    by = {}
    for addr, size, text in objs['Method']:
        ret, _, rest = text.partition(' ')
        holder = rest.split('(', 1)[0].rsplit('.', 1)[0]
        by.setdefault(holder, set()).add((addr, text))
    return by


@test
def test_print_klass_every_class():
    for jdk, kind, archive, mapfile in corpus():
        if not mapfile:
            continue
        objs = map_objects(mapfile)
        classes = objs['Class']
        status, docs, err = run_batch_json(archive_args(jdk, archive),
                                       [f'aot-print-klass 0x{a:x}' for a, _, _ in classes])
        if not check(f'aot-print-klass {jdk}/{kind} runs', status == 0 and len(docs) == len(classes)
                     and sanitizer_clean(err), f'status {status}, {len(docs)} answers: {err[-300:]}'):
            continue
        methods = map_methods_by_class(objs)
        bad_name = bad_size = bad_methods = 0
        first = ''
        for (addr, size, name), doc in zip(classes, docs):
            k = doc['klass']
            if k['name'] != name:
                bad_name += 1
                first = first or f'0x{addr:x}: name {k["name"]!r} != {name!r}'
            if k['size'] != size:
                bad_size += 1
                first = first or f'0x{addr:x} {name}: size {k["size"]} != {size}'
            got = {(int(m['address'], 16), m['method']) for m in k.get('methods', [])}
            want = {e for e in methods.get(name, set()) if e in got or not MH_INTRINSIC.search(e[1])}
            if got != want:
                bad_methods += 1
                first = first or f'{name}: methods differ: {sorted(got ^ want)[:2]}'
        print(f'  aot-print-klass {jdk}/{kind}: {len(classes)} classes, {bad_name} names, '
              f'{bad_size} sizes, {bad_methods} method lists differ')
        check(f'aot-print-klass {jdk}/{kind}: name, size and methods of every class', bad_name == 0
              and bad_size == 0 and bad_methods == 0, first)


@test
def test_print_method_and_const_method():
    for jdk, kind, archive, mapfile in corpus():
        if not mapfile:
            continue
        objs = map_objects(mapfile)
        cms = {a: s for a, s, _ in objs['ConstMethod']}
        methods = sample(objs['Method'], 1500)
        status, docs, err = run_batch_json(archive_args(jdk, archive),
                                       [f'aot-print-method 0x{a:x}' for a, _, _ in methods])
        if not check(f'aot-print-method {jdk}/{kind} runs', status == 0 and len(docs) == len(methods)
                     and sanitizer_clean(err), f'status {status}: {err[-300:]}'):
            continue
        bad, first = 0, ''
        for (addr, size, text), doc in zip(methods, docs):
            me = doc['method']
            cm = int(me['const_method'], 16)
            ok = me['method'] == text and me['size'] == size and cms.get(cm) == me['const_method_size']
            if not ok:
                bad += 1
                first = first or f'0x{addr:x} {text}: got {me["method"]} size {me["size"]}, ' \
                                 f'ConstMethod 0x{cm:x} size {me["const_method_size"]} (map {cms.get(cm)})'
        check(f'aot-print-method {jdk}/{kind}: {len(methods)} methods and their ConstMethods '
              'equal the map', bad == 0, f'{bad} differ; {first}')


@test
def test_print_symbol_and_cp():
    for jdk, kind, archive, mapfile in corpus():
        if not mapfile:
            continue
        objs = map_objects(mapfile)
        syms = sample(objs['Symbol'], 800)
        cps = sample(objs['ConstantPool'], 400)
        cmds = [f'aot-print-symbol 0x{a:x}' for a, _, _ in syms] + \
               [f'aot-print-cp 0x{a:x}' for a, _, _ in cps]
        status, docs, err = run_batch_json(archive_args(jdk, archive), cmds)
        if not check(f'aot-print-symbol/cp {jdk}/{kind} runs', status == 0 and len(docs) == len(cmds)
                     and sanitizer_clean(err), f'status {status}: {err[-300:]}'):
            continue
        bad, first = 0, ''
        for (addr, size, text), doc in zip(syms, docs):
            s = doc['symbol']
            if s['size'] != size or jvm_escaped(s['text']) != text:
                bad += 1
                first = first or f'0x{addr:x}: {s["text"]!r}/{s["size"]} != {text!r}/{size}'
        for (addr, size, holder), doc in zip(cps, docs[len(syms):]):
            c = doc['constant_pool']
            if c['size'] != size or not c['holder'].startswith(holder + ' ('):
                bad += 1
                first = first or f'ConstantPool 0x{addr:x}: size {c["size"]} holder {c["holder"]} ' \
                                 f'!= {size} {holder}'
        check(f'aot-print-symbol and aot-print-cp {jdk}/{kind}: text, size, holder equal the map',
              bad == 0, f'{bad} differ; {first}')


@test
def test_whatis_inside_objects():
    for jdk, kind, archive, mapfile in corpus():
        if kind != 'static' or not mapfile:
            continue
        objs = map_objects(mapfile)
        picks = []
        for t in WANT:
            for addr, size, name in sample(objs[t], 25):
                picks.append((t, addr, size, addr + (size // 2) // 8 * 8))
        status, docs, err = run_batch_json(archive_args(jdk, archive), [f'aot-whatis 0x{p[3]:x}' for p in picks])
        if not check(f'aot-whatis {jdk} runs', status == 0 and len(docs) == len(picks), err[-300:]):
            continue
        bad = []
        for p, d in zip(picks, docs):
            w = d['whatis']
            right = w.get('type') == p[0] and int(w.get('start', '0x0'), 16) == p[1] and w.get('size') == p[2]
            if not right:
                bad.append((p, w))
        print(f'  aot-whatis {jdk}: {len(picks) - len(bad)}/{len(picks)} exact')
        check(f'aot-whatis {jdk}: {len(picks)} addresses inside map objects give the object', not bad,
              f'{len(bad)} wrong, e.g. {bad[:1]}')
        status, out, err = run(archive_args(jdk, archive) + ['-c', 'aot-whatis 0x10'])
        check(f'aot-whatis {jdk}: outside every archive', status == 0 and 'not in any archive' in out, out)


@test
def test_wrong_kind_is_refused():
    for jdk, kind, archive, mapfile in corpus():
        if kind != 'static' or not mapfile:
            continue
        objs = map_objects(mapfile)
        meth = objs['Method'][0]
        klass = objs['Class'][-1]
        sym = next(o for o in objs['Symbol'] if o[1] >= 16)
        cases = [
            (f'aot-print-klass 0x{meth[0]:x}', 'is not a Klass (it is a Method: '),
            (f'aot-print-klass 0x{meth[0] + 8:x}', 'is not a Klass (it is inside Method'),
            (f'aot-print-method 0x{klass[0]:x}', 'is not a Method (it is a'),
            (f'aot-print-method 0x{sym[0]:x}', 'is not a Method (it is a Symbol: '),
            (f'aot-print-method 0x{sym[0] + 8:x}', 'is not a Method (it is inside Symbol '),
            (f'aot-print-symbol 0x{klass[0]:x}', 'is not a Symbol (it is a'),
            (f'aot-print-cp 0x{meth[0]:x}', 'is not a ConstantPool (it is a Method: '),
            ('aot-print-klass 0x10', 'is not a Klass: it is not inside an archive'),
            ('aot-print-klass 0xffffffffffffffff', 'is not a Klass'),
            ('aot-print-klass no.such.Class', "no archived class is named 'no.such.Class'"),
        ]
        for cmd, want in cases:
            status, out, err = run(archive_args(jdk, archive) + ['-c', cmd])
            check(f'{jdk}: {cmd} is refused clearly', status == 2 and want in err and not out.strip()
                  and sanitizer_clean(err), f'status {status}, stderr {err.strip()[:300]}')


def javap_constants(jdk, jar, cls):
    """{index: (tag, text)} of javap -v's constant pool for CLS in JAR."""
    out = subprocess.run([jdk_tool(jdk, 'javap'), '-v', '-cp', jar, cls], capture_output=True, text=True).stdout
    pool = {}
    for line in out.splitlines():
        m = re.match(r'\s+#(\d+) = (\w+)\s+(.*?)\s*(//.*)?$', line)
        if m:
            pool[int(m.group(1))] = (m.group(2), m.group(3))
    return pool


@test
def test_print_cp_equals_javap():
    for jdk, kind, archive, mapfile in corpus():
        if kind not in ('static', 'aot'):
            continue
        j = jdk_of(jdk)
        jar = os.path.join(os.path.dirname(archive), 'app.jar')
        if not j or not os.path.exists(jar):
            continue
        pool = javap_constants(j, jar, 'App')
        status, out, err = run(archive_args(jdk, archive) + ['--json', '-c', 'aot-print-cp App'])
        if not check(f'aot-print-cp App {jdk}/{kind} runs', status == 0, err[-300:]):
            continue
        got = {e['index']: (e['tag'], e['value']) for e in json.loads(out)['constant_pool']['entries']}
        utf8 = {i: v for i, (t, v) in pool.items() if t == 'Utf8'}
        bad = [(i, v, got.get(i)) for i, v in utf8.items()
               if got.get(i, ('?', ''))[0] != 'Utf8' or jvm_escaped(got[i][1]) != v]
        tags = [(i, t, got.get(i, ('?',))[0]) for i, (t, _) in pool.items()
                if got.get(i, ('?',))[0] not in (t, 'Unresolved' + t, 'UnresolvedClass')]
        check(f'aot-print-cp App {jdk}/{kind} equals javap: {len(utf8)} Utf8 entries, {len(pool)} tags',
              len(pool) > 50 and not bad and not tags, f'{bad[:3]} {tags[:3]}')


@test
def test_relocated_space():
    """With --base, every address given and printed is in the relocated space."""
    base = 0x7f1234000000
    for jdk, kind, archive, mapfile in corpus():
        if kind not in ('static', 'dynamic') or not mapfile:
            continue
        objs = map_objects(mapfile)
        status, out, err = run(archive_args(jdk, archive) + ['--base', hex(base), '--json', '-c', 'aot-classes'],
                               timeout=300)
        if not check(f'aot-classes --base {jdk}/{kind} runs', status == 0, err[-300:]):
            continue
        classes = json.loads(out)['classes']
        top = [c for c in classes if c['archive'] == archive]
        # The map gives addresses at the requested base, which its header records.
        header = MapLog(mapfile).header
        delta = base - int(header.get('requested_base_address', header.get('requested_base', '0')), 16)
        got = {(int(c['address'], 16) - delta, c['size'], c['name']) for c in top}
        check(f'aot-classes --base {jdk}/{kind}: the map\'s classes moved by the delta',
              got == set(objs['Class']), f'{len(got ^ set(objs["Class"]))} differ')
        addr, size, text = objs['Method'][len(objs['Method']) // 2]
        status, out, err = run(archive_args(jdk, archive) + ['--base', hex(base), '--json', '-c',
                                                          f'aot-print-method 0x{addr + delta:x}'])
        me = json.loads(out)['method'] if status == 0 else {}
        check(f'aot-print-method --base {jdk}/{kind}: a relocated address', me.get('method') == text and
              int(me.get('holder', '0x0 ').rsplit('(', 1)[-1].rstrip(')'), 16) - delta in
              {a for a, _, _ in objs['Class']}, f'{status} {err[-200:]} {me.get("holder")}')
