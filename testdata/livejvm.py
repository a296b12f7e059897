#!/usr/bin/env python3
"""A JVM of the JDK matrix running the corpus app (`App 600`) from its archive,
for the live tests (testdata/tests/test_live.py).

    with LiveJVM('jdk25', 'aot') as j:      # app.aot; 'static' static.jsa; 'off' -Xshare:off
        j.pid                                # the process holding libjvm.so
        j.mapped                             # {('static', 0): (base, top), ...} from -Xlog:aot / -Xlog:cds
        j.heap_base                          # 'Heap data mapped at' (25+ AOT caches), or None
        j.classes()                          # [(addr, name)] of the archived classes the JVM has loaded
        j.classes_source                     # 'jcmd VM.classes' or '-Xlog:class+load=debug'
        j.jcmd('VM.version')                 # (status, text)

The JVM runs in its corpus directory with its archive mapped (-Xshare:on or
-XX:AOTMode=on: a mapping failure is fatal, not a silent fallback), its
cds/aot log (mapping, relocation at debug) and class+load log (debug: the
Klass address of each class) in files of a temporary directory.  It is
killed at the end, also on failure (the whole process group, SIGKILL), and
the directory removed unless KEEP.

    python3 testdata/livejvm.py JDK [KIND]   start one, print what it found, kill it
"""
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
from harness import CORPUS, jdk_of, jdk_tool  # noqa: E402
from runlog import RunLog  # noqa: E402

HEAP = re.compile(r'Heap data mapped at (0x[0-9a-f]+), size =\s*(\d+) bytes')
SHARED_LOAD = re.compile(r'\] (\S+) source: shared objects file')
KLASS_LINE = re.compile(r'\]\s+klass: (0x[0-9a-f]+)')
VMCLASS = re.compile(r'^(0x[0-9a-f]+)\s+(\d+)\s+(.*?)\s*$')

KINDS = {
    'aot': ('app.aot', lambda f: ['-XX:AOTMode=on', f'-XX:AOTCache={f}']),
    'static': ('static.jsa', lambda f: ['-Xshare:on', f'-XX:SharedArchiveFile={f}']),
    'dynamic': ('dynamic.jsa', lambda f: ['-Xshare:on', f'-XX:SharedArchiveFile={f}']),
    'default': ('default.jsa', lambda f: ['-Xshare:on', f'-XX:SharedArchiveFile={f}']),
    'off': (None, lambda f: ['-Xshare:off']),
}


class LiveJVMError(Exception):
    pass


def major(version):
    return int(re.match(r'\d+', version).group(0))


def children(pid):
    out = subprocess.run(['pgrep', '-P', str(pid)], capture_output=True, text=True).stdout
    pids = [int(x) for x in out.split()]
    return pids + [c for x in pids for c in children(x)]


def jvm_pid(p):
    """The process under Popen P that holds libjvm (the java wrappers exec, but be safe)."""
    for pid in [p.pid] + children(p.pid):
        try:
            with open(f'/proc/{pid}/maps') as f:
                if 'libjvm.so' in f.read():
                    return pid
        except OSError:
            pass
    return None


class LiveJVM:
    def __init__(self, jdk, kind='aot', extra=(), keep=False, timeout=60):
        self.row = jdk_of(jdk) if isinstance(jdk, str) else jdk
        if self.row is None:
            raise LiveJVMError(f'{jdk}: not in the JDK matrix (testdata/cache/jdks/jdks.tsv)')
        self.name = self.row['name']
        self.kind = kind
        self.major = major(self.row['version'])
        self.dir = os.path.join(CORPUS, self.name)
        arch, mode = KINDS[kind]
        self.archive = os.path.join(self.dir, arch) if arch else None
        for p in [os.path.join(self.dir, 'app.jar')] + ([self.archive] if arch else []):
            if not os.path.exists(p):
                raise LiveJVMError(f'{p} missing: run testdata/gen-corpus.sh')
        self.tmp = tempfile.mkdtemp(prefix=f'livejvm-{self.name}-{kind}-')
        self.log = os.path.join(self.tmp, 'run.log')
        self.loadlog = os.path.join(self.tmp, 'load.log')
        tag = 'cds' if self.major < 25 else 'aot'
        xlog = (f'-Xlog:cds=info,cds+reloc=debug:file={self.log}:tags,uptime' if tag == 'cds' else
                f'-Xlog:aot=info,cds=info,aot+reloc=debug:file={self.log}:tags,uptime')
        self.cmd = [self.row['java'], *mode(arch), '-Xmx64m', xlog,
                    f'-Xlog:class+load=debug:file={self.loadlog}:tags,uptime', *extra, '-cp', 'app.jar', 'App', '600']
        self.keep, self.timeout = keep, timeout
        self.proc = self.pid = None
        self.mapped, self.heap_base, self.runlog = {}, None, None
        self.classes_source = None

    # -- life cycle
    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc):
        self.close()

    def start(self):
        self.stdout = os.path.join(self.tmp, 'stdout.txt')
        with open(self.stdout, 'w') as out:
            self.proc = subprocess.Popen(self.cmd, cwd=self.dir, stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.time() + self.timeout
        while True:
            text = self.output()
            if 'App OK' in text:
                break
            if self.proc.poll() is not None or time.time() > deadline:
                raise LiveJVMError(f'{self.name}/{self.kind}: the JVM did not reach its sleep '
                                   f'(exit {self.proc.poll()}): {text[-600:]}')
            time.sleep(0.1)
        self.pid = jvm_pid(self.proc)
        if self.pid is None:
            raise LiveJVMError(f'{self.name}: no process with libjvm.so under {self.proc.pid}')
        self.runlog = RunLog(self.log)
        self.mapped = dict(self.runlog.mapped)
        with open(self.log, errors='replace') as f:
            m = HEAP.search(f.read())
        self.heap_base = int(m.group(1), 16) if m else None
        if self.archive and ('static', 0) not in self.mapped:
            raise LiveJVMError(f'{self.name}/{self.kind}: the log does not say where region #0 was mapped')

    def output(self):
        with open(self.stdout, errors='replace') as f:
            return f.read()

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def close(self):
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except OSError:
                pass
            self.proc.wait()
        if not self.keep:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- what the JVM says
    def jcmd(self, *args, timeout=60):
        p = subprocess.run([jdk_tool(self.row, 'jcmd'), str(self.pid), *args], capture_output=True, text=True,
                           errors='replace', timeout=timeout)
        return p.returncode, p.stdout + p.stderr

    def in_archive(self, addr):
        return any(b <= addr < t for (_, i), (b, t) in self.mapped.items())

    def classes(self):
        """[(addr, name)] of the archived classes the JVM has loaded: from
        `jcmd VM.classes` (JDK 21+: the 'S' flag, and array classes, which carry
        no flags, by their address in a mapped region), else from the
        class+load debug log (17: "source: shared objects file" and the klass
        line after it)."""
        st, text = self.jcmd('VM.classes')
        out = []
        if st == 0 and 'KlassAddr' in text:
            self.classes_source = 'jcmd VM.classes'
            for line in text.splitlines():
                m = VMCLASS.match(line)
                if not m:
                    continue
                addr = int(m.group(1), 16)
                rest = m.group(3).split()
                name = rest[-1]
                flags = rest[-2] if len(rest) >= 2 and re.fullmatch(r'[A-Za-z]+', rest[-2]) and \
                    rest[-2] not in ('fully_initialized', 'linked', 'loaded', 'being_initialized',
                                     'initialization_error') else ''
                if 'S' in flags or (not flags and self.in_archive(addr)):
                    out.append((addr, name))
            return out
        self.classes_source = '-Xlog:class+load=debug'
        pending = None
        with open(self.loadlog, errors='replace') as f:
            for line in f:
                m = SHARED_LOAD.search(line)
                if m:
                    pending = m.group(1)
                    continue
                m = KLASS_LINE.search(line)
                if m and pending:
                    out.append((int(m.group(1), 16), pending))
                pending = None
        return out


def main(argv):
    jdk = argv[0] if argv else 'jdk25'
    kind = argv[1] if len(argv) > 1 else ('aot' if major(jdk_of(jdk)['version']) >= 25 else 'static')
    with LiveJVM(jdk, kind) as j:
        print(f'{j.name}/{j.kind}: pid {j.pid}')
        for (k, i), (b, t) in sorted(j.mapped.items()):
            print(f'  {k} region #{i}: [{b:#x}, {t:#x})')
        if j.heap_base:
            print(f'  heap at {j.heap_base:#x}')
        cl = j.classes()
        print(f'  {len(cl)} archived classes loaded (from {j.classes_source})')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
