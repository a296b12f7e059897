"""The ELF core reader (plugin/target_core.c), through testdata/unit/core_test.c
built with ASan and UBSan: cores of live processes (gcore's, and the kernel's
when it writes them to a file) against /proc/PID/maps and /proc/PID/mem, then
hostile cores made from them."""
import glob
import os
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import time

from harness import test, check, sanitizer_clean, _env

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SRCS = ['testdata/unit/core_test.c', 'plugin/target_core.c', 'plugin/target.c', 'plugin/mappings.c',
        'plugin/file.c', 'plugin/err.c']
SLEEPER = [sys.executable, '-c', 'import time; time.sleep(60)']
NT_FILE = 0x46494c45
PHDR = struct.Struct('<IIQQQQQQ')  # type flags offset vaddr paddr filesz memsz align


def build(tmp):
    exe = os.path.join(tmp, 'core_test')
    r = subprocess.run([os.environ.get('CC', 'cc'), '-std=gnu11', '-D_GNU_SOURCE', '-O1', '-g', '-Wall', '-Wextra',
                        '-Werror', '-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-Iplugin']
                       + SRCS + ['-o', exe], cwd=ROOT, capture_output=True, text=True)
    return exe if check('core_test builds', r.returncode == 0, r.stderr[-800:]) else None


def read_core(exe, core, addrs=()):
    """Run the reader: (status, parsed output, raw stdout, stderr)."""
    p = subprocess.run([exe, core] + ['%x:%d' % (a, n) for a, n in addrs], capture_output=True, text=True,
                       errors='replace', timeout=120, env=_env())
    res = {'loads': [], 'files': [], 'reads': {}}
    for line in p.stdout.splitlines():
        key, _, rest = line.partition(' ')
        if key == 'load':
            s, e, name = rest.split(' ', 2)
            res['loads'].append((int(s, 16), int(e, 16), name))
        elif key == 'file':
            s, e, o, path = rest.split(' ', 3)
            res['files'].append((int(s, 16), int(e, 16), int(o, 16), path))
        elif key == 'read':
            a, _, v = rest.partition(' ')
            res['reads'][int(a, 16)] = v
        elif key in ('pid', 'truncated', 'skipped'):
            res[key] = int(rest)
        else:
            res[key.rstrip(':')] = rest
    return p.returncode, res, p.stdout, p.stderr


def file_maps(pid):
    """/proc/PID/maps: every line as (start, end, offset, path, perms)."""
    out = []
    with open(f'/proc/{pid}/maps') as f:
        for line in f:
            parts = line.rstrip('\n').split(None, 5)
            s, e = (int(x, 16) for x in parts[0].split('-'))
            out.append((s, e, int(parts[2], 16), parts[5] if len(parts) > 5 else '', parts[1]))
    return out


def mem(pid, addr, n):
    with open(f'/proc/{pid}/mem', 'rb') as f:
        f.seek(addr)
        return f.read(n)


def probes(maps, exe_path):
    """(label, address, length): the executable's first page and the stack's top page."""
    exe_start = next(m[0] for m in maps if m[3] == exe_path and m[2] == 0)
    stack = next(m for m in maps if m[3] == '[stack]')
    return [('executable header', exe_start, 64), ('stack top page', stack[1] - 4096, 256)]


def compare(label, exe, core, pid, maps, memory, exe_path=None, command=None):
    """Check the reader's view of CORE against the process's MAPS and the bytes in MEMORY."""
    status, res, out, err = read_core(exe, core, [(a, len(b)) for a, b in memory.values()])
    if not check(f'{label}: reads cleanly', status == 0 and sanitizer_clean(err), (out + err)[-800:]):
        return None
    check(f'{label}: pid', res.get('pid') == pid, f'{res.get("pid")} != {pid}')
    if command:
        check(f'{label}: command', res.get('command') == command, repr(res.get('command')))
    check(f'{label}: not truncated', res.get('truncated') == 0 and res.get('skipped') == 0, out[:400])
    lines = {m[:4] for m in maps}
    files = res['files']
    missing = [f for f in files if f not in lines]
    check(f'{label}: NT_FILE has entries', len(files) >= 3, out[:800])
    check(f'{label}: every NT_FILE entry is a /proc/PID/maps line', not missing, missing[:5])
    if exe_path:
        check(f'{label}: NT_FILE has the executable', any(f[3] == exe_path and f[2] == 0 for f in files),
              files[:5])
    for what, (addr, want) in memory.items():
        got = res['reads'].get(addr, '')
        check(f'{label}: {what} at 0x{addr:x} equals /proc/PID/mem', got == want.hex(), f'{got[:80]} vs {want.hex()[:80]}')
    segs = sorted(res['loads'])
    check(f'{label}: segments sorted and disjoint', all(a[1] <= b[0] for a, b in zip(segs, segs[1:])), segs[:5])
    return res


def live_gcore(exe, tmp):
    """A sleeping python, its gcore, compared live.  Returns the core's path, or None."""
    if not shutil.which('gcore'):
        print('  gcore not installed: the live gcore comparison is skipped')
        return None
    proc = subprocess.Popen(SLEEPER)
    try:
        time.sleep(0.5)
        maps = file_maps(proc.pid)
        exe_path = os.path.realpath(f'/proc/{proc.pid}/exe')
        with open(f'/proc/{proc.pid}/comm') as f:
            comm = f.read().rstrip('\n')
        memory = {w: (a, mem(proc.pid, a, n)) for w, a, n in probes(maps, exe_path)}
        g = subprocess.run(['gcore', '-o', os.path.join(tmp, 'g'), str(proc.pid)], capture_output=True,
                           text=True, timeout=120)
        core = os.path.join(tmp, f'g.{proc.pid}')
        if not check('gcore writes a core', g.returncode == 0 and os.path.exists(core), g.stderr[-400:]):
            return None
        # gcore stopped and resumed it: its maps must be what they were.
        check('gcore: the process kept its mappings', file_maps(proc.pid) == maps)
        res = compare('gcore', exe, core, proc.pid, maps, memory, exe_path=exe_path)
        if res:
            # gdb writes argv[0] alone into pr_psargs; the kernel writes them all.
            check('gcore: fname and command', res.get('fname') == comm
                  and res.get('command') == sys.executable[:79], (res.get('fname'), res.get('command')))
        return core
    finally:
        proc.kill()
        proc.wait()


def kernel_core(exe, tmp):
    """A sleep killed by SIGABRT, its core from the kernel, compared with what
    /proc showed just before.  Skipped when core_pattern pipes cores elsewhere."""
    with open('/proc/sys/kernel/core_pattern') as f:
        pattern = f.read().strip()
    if pattern.startswith('|') or '/' in pattern:
        print(f'  core_pattern is {pattern!r}: the kernel core comparison is skipped')
        return None
    d = os.path.join(tmp, 'kernel')
    os.mkdir(d)
    proc = subprocess.Popen(['sleep', '60'], cwd=d,
                            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_CORE, (-1, -1)))
    try:
        time.sleep(0.3)
        maps = file_maps(proc.pid)
        exe_path = os.path.realpath(f'/proc/{proc.pid}/exe')
        memory = {w: (a, mem(proc.pid, a, n)) for w, a, n in probes(maps, exe_path)}
    finally:
        proc.send_signal(6)
        proc.wait()
    cores = glob.glob(os.path.join(d, 'core*'))
    if not cores:
        print('  the kernel wrote no core (a container without core dumps?): skipped')
        return None
    res = compare('kernel core', exe, cores[0], proc.pid, maps, memory, exe_path=exe_path, command='sleep 60')
    if res:
        # The kernel leaves clean text pages out (p_filesz 0): reading them must fault.
        text = next((m for m in maps if m[3] == exe_path and 'x' in m[4]), None)
        if text:
            status, r, out, err = read_core(exe, cores[0], [(text[0], 16)])
            check('kernel core: a page the dumper left out faults',
                  'error' in r['reads'].get(text[0], '') and sanitizer_clean(err), out[-400:])
    return cores[0]


def notes(core):
    """Every note of CORE: (file offset of the note, namesz, descsz, type, desc offset)."""
    phoff, = struct.unpack_from('<Q', core, 0x20)
    phnum, = struct.unpack_from('<H', core, 0x38)
    out = []
    for i in range(phnum):
        ph = PHDR.unpack_from(core, phoff + 56 * i)
        if ph[0] != 4:
            continue
        pos, end = ph[2], ph[2] + ph[5]
        while pos + 12 <= end:
            namesz, descsz, typ = struct.unpack_from('<III', core, pos)
            desc = pos + 12 + (namesz + 3) // 4 * 4
            out.append((pos, namesz, descsz, typ, desc))
            pos = desc + (descsz + 3) // 4 * 4
    return out


def phdrs(core):
    phoff, = struct.unpack_from('<Q', core, 0x20)
    phnum, = struct.unpack_from('<H', core, 0x38)
    return [(phoff + 56 * i, list(PHDR.unpack_from(core, phoff + 56 * i))) for i in range(phnum)]


def with_phdr(core, index, **fields):
    """CORE with the fields of the INDEX-th PT_LOAD that has file bytes changed."""
    names = ['type', 'flags', 'offset', 'vaddr', 'paddr', 'filesz', 'memsz', 'align']
    loads = [p for p in phdrs(core) if p[1][0] == 1 and p[1][5] > 0]
    off, ph = loads[index]
    for k, v in fields.items():
        ph[names.index(k)] = v
    b = bytearray(core)
    PHDR.pack_into(b, off, *ph)
    return bytes(b)


def patched(core, off, fmt, *values):
    b = bytearray(core)
    struct.pack_into(fmt, b, off, *values)
    return bytes(b)


def hostile(exe, tmp, core_path, which):
    core = open(core_path, 'rb').read()
    nt_file = next(n for n in notes(core) if n[3] == NT_FILE)
    note_off, _, descsz, _, desc = nt_file
    strings = desc + 16 + 24 * struct.unpack_from('<Q', core, desc)[0]
    load0 = next(p for _, p in phdrs(core) if p[0] == 1 and p[5] > 0)
    # (label, bytes, what must come out: 'error' with words the message must hold, or 'ok' with a check)
    cases = []
    for cut in [0, 3, 4, 40, 63, 64, 64 + 56 + 10, load0[2] + 100, note_off + 6, desc + 20, desc + descsz - 3,
                len(core) // 2, len(core) - 1]:
        cases.append((f'truncated at {cut}', core[:cut], None))
    cases += [
        ('PT_LOAD p_offset past the end', with_phdr(core, 0, offset=1 << 62), 'ok-truncated'),
        ('PT_LOAD p_offset + p_filesz wraps', with_phdr(core, 0, offset=(1 << 64) - 16, filesz=1 << 63,
                                                         memsz=1 << 63), 'ok-truncated'),
        ('PT_LOAD p_vaddr + p_filesz wraps', with_phdr(core, 0, vaddr=(1 << 64) - 4096), 'ok-skipped'),
        ('overlapping PT_LOADs', with_phdr(core, 1, vaddr=load0[3]), 'ok-skipped'),
        ('PT_LOAD p_filesz over p_memsz', with_phdr(core, 0, memsz=16), 'ok'),
        ('NT_FILE count 2^40', patched(core, desc, '<Q', 1 << 40), ['NT_FILE count', f'offset 0x{desc:x}']),
        ('NT_FILE count 2^64-1', patched(core, desc, '<Q', (1 << 64) - 1), ['NT_FILE count']),
        ('NT_FILE page_size 0', patched(core, desc + 8, '<Q', 0), ['NT_FILE page_size']),
        ('NT_FILE page_offset overflows', patched(patched(core, desc + 8, '<Q', 4096), desc + 32, '<Q', 1 << 60), ['NT_FILE page_offset']),
        ('NT_FILE end below start', patched(core, desc + 24, '<Q', 0), ['NT_FILE entry']),
        ('NT_FILE last path unterminated', patched(core, desc + descsz - 1, '<B', ord('X')), ['NT_FILE path']),
        ('NT_FILE no path terminated', core[:strings] + core[strings:desc + descsz].replace(b'\0', b'A')
         + core[desc + descsz:], ['NT_FILE path']),
        ('NT_FILE descsz past its segment', patched(core, note_off + 4, '<I', 0xfffffff0), ['note', 'extends past']),
        ('NT_FILE descsz below its header', patched(core, note_off + 4, '<I', 8), ['NT_FILE']),
        ('ELFCLASS32', patched(core, 4, '<B', 1), ['e_ident']),
        ('big-endian', patched(core, 5, '<B', 2), ['e_ident']),
        ('not x86-64', patched(core, 0x12, '<H', 183), ['e_machine']),
        ('e_phentsize 32', patched(core, 0x36, '<H', 32), ['e_phentsize']),
        # Past the end of a small core; inside a big one, whatever follows reads as program headers.
        ('e_phnum 0xfffe', patched(core, 0x38, '<H', 0xfffe), None),
        ('e_phnum PN_XNUM, e_shoff past the end', patched(patched(core, 0x38, '<H', 0xffff), 0x28, '<Q', 1 << 40),
         ['PN_XNUM']),
        ('e_phoff past the end', patched(core, 0x20, '<Q', (1 << 64) - 8), ['e_phoff']),
        ('non-core ELF', open('/bin/true', 'rb').read() if os.path.exists('/bin/true') else b'\x7fELF\2\1\1' + bytes(60),
         ['e_type']),
        ('non-ELF', b'#!/bin/sh\necho hello\n' * 10, ['not an ELF file']),
        ('empty', b'', ['not an ELF file']),
    ]
    for i, (label, data, want) in enumerate(cases):
        path = os.path.join(tmp, f'hostile-{which}-{i}.core')
        with open(path, 'wb') as f:
            f.write(data)
        status, res, out, err = read_core(exe, path, [(load0[3], 16), (0, 8), ((1 << 64) - 8, 8)])
        if not check(f'hostile {which} {label}: no sanitizer report, status 0 or 2',
                     status in (0, 2) and sanitizer_clean(err), f'status {status}: {(out + err)[-600:]}'):
            continue
        if status == 2:
            check(f'hostile {which} {label}: one error line naming the core and an offset',
                  out.count('\n') == 1 and out.startswith('error: ' + path + ': offset 0x'), out[:300])
        if want is None:
            continue
        if isinstance(want, list):
            check(f'hostile {which} {label}: an error', status == 2 and all(w in out for w in want), out[:300])
        else:
            check(f'hostile {which} {label}: a partial result', status == 0, out[:300])
            if want == 'ok-truncated':
                check(f'hostile {which} {label}: counted as truncated', res.get('truncated', 0) >= 1, out[:300])
            if want == 'ok-skipped':
                check(f'hostile {which} {label}: counted as skipped', res.get('skipped', 0) >= 1, out[:300])
    # A core cut past its program headers still serves what it holds.
    cut = core[:len(core) // 2]
    path = os.path.join(tmp, f'half-{which}.core')
    with open(path, 'wb') as f:
        f.write(cut)
    status, res, out, err = read_core(exe, path)
    check(f'half a {which} core: a partial result with its truncation counted',
          status == 0 and res.get('truncated', 0) >= 1 and all(e <= (1 << 64) for _, e, _ in res['loads']), out[:300])


def saved_inputs(exe):
    """The fuzzing seeds and every input that once crashed the reader."""
    paths = sorted(glob.glob(os.path.join(ROOT, 'fuzz', 'corpus', 'fuzz_core', '*')) +
                   glob.glob(os.path.join(ROOT, 'fuzz', 'regressions', 'fuzz_core', '*')))
    for p in paths:
        status, res, out, err = read_core(exe, p, [(0x1000, 8)])
        check(f'saved input {os.path.relpath(p, ROOT)}: no sanitizer report',
              status in (0, 2) and sanitizer_clean(err), f'status {status}: {(out + err)[-600:]}')


@test
def test_core():
    with tempfile.TemporaryDirectory() as tmp:
        exe = build(tmp)
        if not exe:
            return
        gcored = live_gcore(exe, tmp)
        kernel = kernel_core(exe, tmp)
        base = gcored or kernel or os.path.join(ROOT, 'fuzz', 'corpus', 'fuzz_core', 'gcore-small')
        hostile(exe, tmp, base, 'gcore' if gcored else 'kernel' if kernel else 'seed')
        if kernel and kernel != base:
            hostile(exe, tmp, kernel, 'kernel')
        saved_inputs(exe)
