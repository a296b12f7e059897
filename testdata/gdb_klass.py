#!/usr/bin/env python3
"""gdb as the oracle of archived InstanceKlass contents: `p/x *(InstanceKlass*)ADDR`
in a live JVM that mapped a corpus archive.

    python3 testdata/gdb_klass.py [--kind static] JDKNAME   make (or reuse) the oracle, one summary line
    python3 testdata/gdb_klass.py --print JDKNAME            print the cached oracle's JSON

For a Debian JDK (one with a debug root in jdks.tsv): start `App 600` with
the corpus archive mapped (-Xshare:on, mapping failure is fatal) and its
cds/aot log in a file, wait for "App OK", read where the archive was mapped
(region #0's base minus its mapping_offset; cross-checked against the
relocator's _valid_new_base), pick >= 30 InstanceKlasses from the archive's
map log deterministically, attach one `gdb -p` with the JDK's debug root and
dump each class at map address + base_delta (gdb_klass_gdb.py).  The JVM is
killed afterwards, also on failure.

Cache: $AOTDBG_CACHE/gdbklass/<libjvm build-id>/<kind>.json:

  {jdk, version, build_id, kind, archive (relative to the cache), archive_sha256,
   requested_base, mapped_base, base_delta (hex strings; delta may be negative),
   sizeof (InstanceKlass), layout: {field: {offset, size, type[, count,
   element_size, bit_offset, bit_size]}}, gdb: {seconds, max_rss_kb},
   loaded: [names the JVM had loaded, from -Xlog:class+load],
   classes: [{map_addr, addr, name, symbol, loaded, fields: {field: "0x.." | [..]}}]}

Field names: members of InstanceKlass and its bases flattened (base members
keep their names, nested structs dotted: "_access_flags._flags", gdb's
"_vptr.Metadata" for the vtable pointer; a name declared in two classes of
the hierarchy, JDK 24+'s _misc_flags, becomes "Klass::_misc_flags._flags" and
"InstanceKlass::_misc_flags._flags"); arrays are element lists.  Values are
unsigned hex of the field's bytes, as `p/x` prints them, at run-time addresses.  Beside
it <kind>.print.txt (gdb's p/x text per class) and <kind>.ptype.txt
(ptype/o InstanceKlass and Klass).  A cache file is reused while the archive's
sha256 is unchanged and every class was read and named right.
"""
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from harness import CACHE, CORPUS  # noqa: E402
from gdb_ptype import build_id, jdk, PtypeError, _write, run_gdb  # noqa: E402
from runlog import RunLog  # noqa: E402
from livejvm import jvm_pid  # noqa: E402

MIN_CLASSES = 30
TARGET = 56
KINDS = {'static': ('static.jsa', 'static.map'), 'default': ('default.jsa', 'default.map')}

# A spread of shapes: root, final, interfaces, abstract classes, enums, records,
# nested classes, classes the JVM itself handles specially (mirrors, references,
# loaders, method handles).
PREFERRED = [
    'java.lang.Object', 'java.lang.String', 'java.lang.Class', 'java.lang.System',
    'java.lang.Thread', 'java.lang.Runnable', 'java.lang.Comparable', 'java.lang.CharSequence',
    'java.io.Serializable', 'java.util.List', 'java.util.Map$Entry', 'java.lang.Number',
    'java.util.AbstractList', 'java.util.AbstractMap', 'java.lang.Record', 'java.lang.Enum',
    'java.lang.Thread$State', 'java.lang.annotation.RetentionPolicy', 'java.util.HashMap',
    'java.util.HashMap$Node', 'java.util.ArrayList', 'java.lang.Integer', 'java.lang.Throwable',
    'java.lang.ref.Reference', 'java.lang.ref.SoftReference', 'java.lang.invoke.MethodHandle',
    'java.lang.ClassLoader', 'java.lang.Module', 'java.util.concurrent.ConcurrentHashMap',
    'java.lang.invoke.LambdaForm$Holder',
]
APP = ('App', 'Shape', 'Op', 'Greeter')

CLASS = re.compile(r'^(0x[0-9a-f]+): @@ Class\s+(\d+) (\S+)')
HEADER = re.compile(r'^\s*- (requested_base_address|mapping_offset):\s*(0x[0-9a-f]+)')
LOADED = re.compile(r'\]\[class,load\s*\] (\S+) source: shared')


class OracleError(Exception):
    pass


def cache_path(row, kind='static'):
    if isinstance(row, str):
        row = jdk(row)
    return os.path.join(CACHE, 'gdbklass', build_id(row['libjvm']), kind + '.json')


def load(row, kind='static'):
    """The cached oracle of JDK ROW, or None."""
    p = cache_path(row, kind)
    if not os.path.exists(p):
        return None
    with open(p) as f:
        return json.load(f)


def sha256(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for b in iter(lambda: f.read(1 << 20), b''):
            h.update(b)
    return h.hexdigest()


def read_map(path):
    """(requested_base, region-0 mapping_offset, [(addr, name)] of instance classes)."""
    req = off0 = None
    classes = []
    with open(path, errors='replace') as f:
        for line in f:
            if line.startswith('0x'):
                if '@@ Class' in line:
                    m = CLASS.match(line)
                    if m and not m.group(3).startswith('['):
                        classes.append((int(m.group(1), 16), m.group(3)))
                continue
            m = HEADER.match(line)
            if m:
                if m.group(1) == 'requested_base_address' and req is None:
                    req = int(m.group(2), 16)
                elif m.group(1) == 'mapping_offset' and off0 is None:
                    off0 = int(m.group(2), 16)
    if req is None or off0 is None:
        raise OracleError(f'{path}: no requested_base_address / mapping_offset in the header')
    return req, off0, classes


def internal(name):
    """The Symbol text of a map log class name: dots to slashes; a hidden class's
    '/0x..' suffix is '+0x..' in its Symbol."""
    name = name.replace('.', '/')
    m = re.match(r'^(.*)/(0x[0-9a-f]+)$', name)
    return m.group(1) + '+' + m.group(2) if m else name


def select(classes):
    """A deterministic choice of >= MIN_CLASSES (addr, name) from the map's instance classes."""
    by_name = {n: a for a, n in classes}
    chosen = {}
    for n in PREFERRED:
        if n in by_name:
            chosen[n] = by_name[n]
    for a, n in classes:         # every named class of the app
        if '.' not in n and n.split('$')[0] in APP and '/0x' not in n:
            chosen[n] = a
    hidden = [(a, n) for a, n in classes if '/0x' in n]     # lambda proxies: the app's first
    hidden.sort(key=lambda c: ('.' in c[1], c[0]))
    for a, n in hidden[:6]:
        chosen[n] = a
    rest = [(a, n) for a, n in classes if n not in chosen]
    need = max(TARGET - len(chosen), MIN_CLASSES - len(chosen), 0)
    if need and rest:
        step = max(len(rest) // need, 1)
        for a, n in rest[::step][:need]:
            chosen[n] = a
    return sorted(((a, n) for n, a in chosen.items()))


def make(row, kind='static', log=lambda s: None):
    if isinstance(row, str):
        row = jdk(row)
    name = row['name']
    if not row['dbg']:
        raise OracleError(f'{name}: no debug root in jdks.tsv: gdb would see no types')
    arch_name, map_name = KINDS[kind]
    d = os.path.join(CORPUS, name)
    archive, mapfile = os.path.join(d, arch_name), os.path.join(d, map_name)
    for p in (archive, mapfile, os.path.join(d, 'app.jar')):
        if not os.path.exists(p):
            raise OracleError(f'{p} missing: run gen-corpus.sh')
    out = cache_path(row, kind)
    digest = sha256(archive)
    old = load(row, kind)
    if old and complete(old) and old.get('archive_sha256') == digest:
        return old, True
    req, off0, classes = read_map(mapfile)
    chosen = select(classes)
    if len(chosen) < MIN_CLASSES:
        raise OracleError(f'{mapfile}: only {len(chosen)} instance classes to choose')
    major = int(re.match(r'\d+', row['version']).group(0))
    tag = 'cds' if major < 25 else 'aot'
    tmp = tempfile.mkdtemp(prefix=f'gdbklass-{name}-')
    runlog = os.path.join(tmp, 'run.log')
    xlog = (f'-Xlog:cds=info,cds+reloc=debug,class+load=info:file={runlog}:tags,uptime' if tag == 'cds' else
            f'-Xlog:aot=info,cds=info,aot+reloc=debug,class+load=info:file={runlog}:tags,uptime')
    mode = ['-Xshare:on', f'-XX:SharedArchiveFile={arch_name}']
    cmd = [row['java'], *mode, '-Xmx64m', xlog, '-cp', 'app.jar', 'App', '600']
    stdout = open(os.path.join(tmp, 'stdout.txt'), 'w+')
    jvm = subprocess.Popen(cmd, cwd=d, stdout=stdout, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                           start_new_session=True)
    try:
        deadline = time.time() + 60
        while True:
            with open(stdout.name) as f:
                text = f.read()
            if 'App OK' in text:
                break
            if jvm.poll() is not None or time.time() > deadline:
                raise OracleError(f'{name}: JVM did not reach its sleep (exit {jvm.poll()}): {text[-800:]}')
            time.sleep(0.2)
        pid = jvm_pid(jvm)
        if pid is None:
            raise OracleError(f'{name}: no process with libjvm.so under {jvm.pid}')
        rl = RunLog(runlog)
        if ('static', 0) not in rl.mapped:
            raise OracleError(f'{name}: {runlog} does not say where region #0 was mapped')
        mapped = rl.mapped[('static', 0)][0] - off0
        if rl.relocators and rl.mapped_base() != mapped:
            raise OracleError(f'{name}: region #0 says base {mapped:#x}, the relocator {rl.mapped_base():#x}')
        delta = mapped - req
        loaded = set()
        with open(runlog, errors='replace') as f:
            for line in f:
                m = LOADED.search(line)
                if m:
                    loaded.add(m.group(1))
        want = [{'map_addr': f'{a:#x}', 'addr': f'{a + delta:#x}', 'name': n} for a, n in chosen]
        inp, res = os.path.join(tmp, 'in.json'), os.path.join(tmp, 'out.json')
        with open(inp, 'w') as f:
            json.dump(want, f)
        gdbcmd = ['gdb', '-nx', '-batch', '-iex', f'set debug-file-directory {row["dbg"]}',
                  '-iex', 'set auto-load python-scripts off', '-iex', 'set pagination off',
                  '-ex', 'set width 0', '-ex', 'set print object off', '-ex', 'set print static-members off',
                  '-ex', 'set print repeats unlimited', '-ex', 'set print elements unlimited',
                  '-ex', f'source {os.path.join(HERE, "gdb_klass_gdb.py")}',
                  '-ex', 'echo @@ptype InstanceKlass\\n', '-ex', 'ptype/o InstanceKlass',
                  '-ex', 'echo @@ptype Klass\\n', '-ex', 'ptype/o Klass',
                  '-ex', 'echo @@ptype end\\n',
                  '-ex', f'aotdbg-klasses {inp} {res}', '-p', str(pid)]
        log(f'{name}: gdb -p {pid} for {len(want)} classes, base delta {delta:#x}')
        text, status, seconds, rss = run_gdb(gdbcmd)
        if not os.path.exists(res):
            raise OracleError(f'{name}: gdb wrote no result (status {status}, files in {tmp}): {text[-1500:]}')
        with open(res) as f:
            got = json.load(f)
    finally:
        try:
            os.killpg(jvm.pid, signal.SIGKILL)
        except OSError:
            pass
        jvm.wait()
        stdout.close()
    for c in got['classes']:
        c['loaded'] = c['name'] in loaded
    result = {
        'jdk': name, 'version': row['version'], 'build_id': build_id(row['libjvm']), 'kind': kind,
        'archive': os.path.relpath(archive, CACHE), 'archive_sha256': digest,
        'requested_base': f'{req:#x}', 'mapped_base': f'{mapped:#x}',
        'base_delta': hex(delta), 'sizeof': got['sizeof'], 'layout': got['layout'],
        'gdb': {'seconds': round(seconds, 1), 'max_rss_kb': rss},
        'classes': got['classes'],
    }
    bad = problems(result)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    pt = text.split('@@ptype InstanceKlass\n', 1)[-1].split('@@ptype end\n', 1)[0]
    pr = '@@klass ' + text.split('@@klass ', 1)[-1] if '@@klass ' in text else text
    _write(out[:-5] + '.ptype.txt', pt)
    _write(out[:-5] + '.print.txt', pr)
    if bad:
        _write(out[:-5] + '.failed.json', json.dumps(result, indent=1) + '\n')
        raise OracleError(f'{name}: ' + '; '.join(bad[:8]) + f' (result kept in {out[:-5]}.failed.json)')
    _write(out, json.dumps(result, indent=1) + '\n')
    shutil.rmtree(tmp, ignore_errors=True)     # kept on failure: the JVM's log and gdb's input
    return result, False


def problems(r):
    bad = []
    if len(r['classes']) < MIN_CLASSES:
        bad.append(f'{len(r["classes"])} classes, want {MIN_CLASSES}')
    for c in r['classes']:
        if 'error' in c or 'fields' not in c:
            bad.append(f'{c["name"]} at {c["addr"]}: {c.get("error")}')
        elif c.get('symbol') != internal(c['name']):
            bad.append(f'{c["name"]} at {c["addr"]}: its _name is {c.get("symbol")!r}')
    return bad


def complete(r):
    return not problems(r) and 'layout' in r


def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--kind', default='static', choices=sorted(KINDS))
    ap.add_argument('--print', action='store_true', help='print the cached JSON')
    ap.add_argument('jdk')
    args = ap.parse_args(argv)
    try:
        if args.print:
            r = load(args.jdk, args.kind)
            if r is None:
                print(f'gdb_klass: no oracle for {args.jdk}', file=sys.stderr)
                return 1
            json.dump(r, sys.stdout, indent=1)
            print()
            return 0
        t = time.monotonic()
        r, cached = make(args.jdk, args.kind, log=lambda s: print(f'[gdb_klass] {s}', file=sys.stderr, flush=True))
    except (OracleError, PtypeError, OSError, subprocess.CalledProcessError) as e:
        print(f'gdb_klass: {e}', file=sys.stderr)
        return 1
    n = len(r['classes'])
    nl = sum(c['loaded'] for c in r['classes'])
    print(f'{r["jdk"]}: {n} classes ({nl} loaded by the run), {len(r["layout"])} fields each, '
          f'base delta {r["base_delta"]}, gdb {r["gdb"]["seconds"]:.1f} s ({r["gdb"]["max_rss_kb"] // 1024} MB)'
          f'{" (cached)" if cached else ""}; total {time.monotonic() - t:.1f} s -> {os.path.relpath(cache_path(args.jdk, args.kind), CACHE)}')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
