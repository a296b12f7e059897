"""aot-print-method --bytecodes against javap -c of the class files the archive was made from.

The archive holds rewritten bytecodes (the JVM's linker and the CDS dump
replace some with internal ones); the disassembly names each rewritten one
with the standard bytecode it stands for, which is what javap shows.
"""
import json
import os
import re
import subprocess

from harness import test, check, run, run_batch_json, jdks, jdk_tool, jvm_args, sanitizer_clean, corpus

INSN = re.compile(r'^\s+(\d+): (\w+)')
# javap -c -p -s: a member's declaration, then "descriptor: …", then Code.
DESC = re.compile(r'^    descriptor: (\S+)$')
# JDK methods beside App's, to reach a spread of shapes (switches, wide, invokeinterface).
JDK_METHODS = [('java.lang.String', 'hashCode', '()I'), ('java.lang.String', 'equals', '(Ljava/lang/Object;)Z'),
               ('java.lang.Integer', 'toString', '(I)Ljava/lang/String;'),
               ('java.lang.Character', 'getType', '(I)I'),
               ('java.util.HashMap', 'putVal', '(ILjava/lang/Object;Ljava/lang/Object;ZZ)Ljava/lang/Object;'),
               ('java.util.ArrayList', 'add', '(Ljava/lang/Object;)Z'),
               ('java.lang.Thread', 'getState', '()Ljava/lang/Thread$State;'),
               ('java.util.concurrent.ConcurrentHashMap', 'putVal', '(Ljava/lang/Object;Ljava/lang/Object;Z)Ljava/lang/Object;'),
               ('java.lang.invoke.MethodType', 'methodType', '(Ljava/lang/Class;[Ljava/lang/Class;)Ljava/lang/invoke/MethodType;')]
# fast_[iaf]access_0 stands for aload_0 followed by a getfield.
ACCESS_0 = ('fast_iaccess_0', 'fast_aaccess_0', 'fast_faccess_0')


def javap(jdk, cls, jar=None):
    """{(name, descriptor): [mnemonic, …]} from javap -c -p -s."""
    args = [jdk_tool(jdk, 'javap'), '-c', '-p', '-s'] + (['-cp', jar] if jar else []) + [cls]
    out = subprocess.run(args, capture_output=True, text=True).stdout
    methods, name, cur = {}, None, None
    for line in out.splitlines():
        m = re.match(r'^  (?:[\w.$<>\[\], ]+ )?([\w$<>]+)\(.*\)', line)
        if m and not line.startswith('    '):
            name = '<init>' if m.group(1) == cls.rsplit('.', 1)[-1] else m.group(1)
            if line.strip().startswith('static {}'):
                name = '<clinit>'
            continue
        if line.strip() == 'static {};':
            name = '<clinit>'
            continue
        d = DESC.match(line)
        if d and name:
            cur = methods.setdefault((name, d.group(1)), [])
            continue
        i = INSN.match(line)
        if i and cur is not None:
            cur.append(i.group(2))
    return methods


def ours(doc):
    names = []
    for row in doc['method']['bytecodes']:
        if row['name'] in ACCESS_0:
            names += ['aload_0', 'getfield']
        else:
            names.append(row['java_name'] + ('_w' if row['mnemonic'].startswith('wide ') and
                                              row['java_name'] == 'iinc' else ''))
    return names


@test
def test_bytecodes_equal_javap():
    for jdk in jdks():
        arch = [a for j, k, a, mp in corpus() if j == jdk['name'] and k == 'static']
        if not arch:
            continue
        archive = arch[0]
        jar = os.path.join(os.path.dirname(archive), 'app.jar')
        base = [archive] + jvm_args(jdk)
        wanted = [('App', None)] + [(c, (n, d)) for c, n, d in JDK_METHODS]
        cmds, expect = [], []
        for cls, only in wanted:
            status, out, err = run(base + ['--json', '-c', f'aot-print-klass {cls}'])
            if status != 0:
                check(f'{jdk["name"]}: {cls} is archived', False, err.strip())
                continue
            ref = javap(jdk, cls, jar if cls == 'App' else None)
            for m in json.loads(out)['klass']['methods']:
                key = (m['name'], m['signature'])
                if (only and key != only) or key not in ref or not ref[key]:
                    continue
                cmds.append(f'aot-print-method {m["address"]} --bytecodes')
                expect.append((f'{cls}.{m["name"]}{m["signature"]}', ref[key]))
        status, docs, err = run_batch_json(base, cmds, timeout=300)
        if not check(f'{jdk["name"]}: --bytecodes runs on {len(cmds)} methods', status == 0 and
                     len(docs) == len(cmds) and sanitizer_clean(err), err[-300:]):
            continue
        bad, rewritten, total = [], 0, 0
        for (what, ref), doc in zip(expect, docs):
            got = ours(doc)
            total += len(ref)
            rewritten += sum(r['rewritten'] for r in doc['method']['bytecodes'])
            if got != ref:
                bad.append(f'{what}: {len(got)} vs javap {len(ref)}: '
                           f'{[(a, b) for a, b in zip(got, ref) if a != b][:3]}')
        print(f'  {jdk["name"]}: {len(cmds)} methods, {total} bytecodes, {rewritten} rewritten by the JVM')
        check(f'{jdk["name"]}: --bytecodes of {len(cmds)} methods (>= 20) equal javap -c in count and '
              'mnemonics', len(cmds) >= 20 and not bad, '; '.join(bad[:3]))
