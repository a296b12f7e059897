#!/usr/bin/env python3
"""Regenerate testdata/unit/bytecodes_javap.txt for bytecodes_test.c.

Compiles a Java class that uses every instruction shape javac emits, takes
each method's Code attribute from the class file, and records the pcs and
mnemonics `javap -c` prints for it.  Usage:
    python3 testdata/unit/bytecodes_gen.py [JAVA_HOME]
"""
import os
import re
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "bytecodes_javap.txt")


def java_source():
    many_locals = "".join("int v%d = %d; " % (i, i) for i in range(260))
    many_strings = ", ".join('"s%d"' % i for i in range(260))
    return """
import java.util.function.*;
public class BcSample implements Runnable {
    static int sf; int f; long lf; double df; float ff; char cf; short shf; byte bf; boolean zf; Object of;
    interface I { int m(int x); }
    public void run() { f++; }
    static int consts(int x) {
        int a = -1 + 0 + 1 + 2 + 3 + 4 + 5 + x; long l = 0L + 1L + x; float fl = 0f + 1f + 2f + x; double d = 0d + 1d + x;
        int b = 100 + x; int s = 30000 + x; int big = 1234567 + x; long lb = 123456789012L + x; double db = 3.25 + x; float fb = 2.5f + x;
        String str = "hello" + x; Class<?> c = String.class;
        return (int) (a + l + fl + d + b + s + big + lb + db + fb + str.length() + c.hashCode());
    }
    static String[] ldcw() { return new String[] { %s }; }
    static int wideLocals() { %s v259 += 1000; return v259 + v0; }
    static int wideIinc(int x) { x += 1000; x -= 200; x++; return x; }
    static int tswitch(int x) { switch (x) { case 1: return 10; case 2: return 20; case 3: return 30; case 4: return 31; default: return -1; } }
    static int lswitch(int x) { switch (x) { case -100: return 1; case 7: return 2; case 100000: return 3; default: return 0; } }
    static int lswitchMany(int x) { switch (x) { case 1: return 1; case 10: return 2; case 100: return 3; case 1000: return 4;
        case 10000: return 5; case 100000: return 6; case 1000000: return 7; default: return 0; } }
    static int iface(I i, Runnable r) { r.run(); return i.m(3); }
    static Object indy(int y) { IntUnaryOperator op = z -> z + y; Supplier<String> s = () -> "x" + y; return op.applyAsInt(1) + s.get(); }
    static Object arrays(int n) {
        int[][][] m = new int[n][2][]; Object[] o = new Object[n]; long[] la = new long[n]; boolean[] za = new boolean[n];
        char[] ca = new char[n]; byte[] ba = new byte[n]; short[] sa = new short[n]; double[] da = new double[n]; float[] fa = new float[n];
        la[0] = 1; za[0] = true; ca[0] = 'c'; ba[0] = 1; sa[0] = 2; da[0] = 1.5; fa[0] = 2.5f; o[0] = m;
        return m.length + o.length + la[0] + (za[0] ? 1 : 0) + ca[0] + ba[0] + sa[0] + da[0] + fa[0] + (o[0] == null ? 0 : 1);
    }
    static void statics() { sf = sf + 1; }
    int fields(BcSample o) {
        f = o.f + 1; lf = o.lf * 2; df = o.df / 3; ff = o.ff - 1; cf = o.cf; shf = o.shf; bf = o.bf; zf = !o.zf; of = o.of;
        return f;
    }
    static int casts(Object o, long l, double d, float fl, int i) {
        if (o instanceof String) { String s = (String) o; return s.length(); }
        if (o == null) return (int) l; if (o != null && l > 3) return (int) d;
        return (int) fl + (byte) i + (char) i + (short) i + (int) (l >> 2) + (int) (l >>> 3) + (i << 1) + (i >> 2) + (i >>> 3)
            + (i & 7) + (i | 8) + (i ^ 9) + (int) (l & 7) + (int) (l | 8) + (int) (l ^ 9) + (int) (d %% 3) + (int) (fl %% 2)
            + (int) (l %% 5) + (i %% 6) + (int) -l + (int) -d + (int) -fl + -i + (d < 1 ? 1 : 0) + (fl > 2 ? 1 : 0) + (l == 3 ? 1 : 0);
    }
    static int branches(int a, int b) {
        int r = 0;
        if (a == 0) r++; if (a != 0) r++; if (a < 0) r++; if (a >= 0) r++; if (a > 0) r++; if (a <= 0) r++;
        if (a == b) r++; if (a != b) r++; if (a < b) r++; if (a >= b) r++; if (a > b) r++; if (a <= b) r++;
        for (int i = 0; i < b; i++) r += i;
        return r;
    }
    synchronized void sync(Object o) { synchronized (o) { f++; } }
    static void thrower(int x) { try { if (x > 0) throw new IllegalStateException("x"); } catch (RuntimeException e) { sf = 1; } finally { sf++; } }
    static long stack(long a, long b) { long[] arr = {a, b}; arr[0] = arr[1]++ + a; return arr[0]; }
}
""" % (many_strings, many_locals)


def u1(b, o):
    return b[o], o + 1


def u2(b, o):
    return struct.unpack_from(">H", b, o)[0], o + 2


def u4(b, o):
    return struct.unpack_from(">I", b, o)[0], o + 4


def skip_cp(b, o):
    """Returns (utf8 strings by index, offset past the constant pool)."""
    n, o = u2(b, o)
    utf8 = {}
    i = 1
    while i < n:
        tag, o = u1(b, o)
        if tag == 1:
            ln, o = u2(b, o)
            utf8[i] = b[o:o + ln].decode("utf-8", "replace")
            o += ln
        elif tag in (3, 4, 9, 10, 11, 12, 17, 18):
            o += 4
        elif tag in (5, 6):
            o += 8
            i += 1
        elif tag in (7, 8, 16, 19, 20):
            o += 2
        elif tag == 15:
            o += 3
        else:
            raise SystemExit("unknown cp tag %d" % tag)
        i += 1
    return utf8, o


def skip_attrs(b, o):
    n, o = u2(b, o)
    for _ in range(n):
        o += 2
        ln, o = u4(b, o)
        o += ln
    return o


def code_attributes(path):
    b = open(path, "rb").read()
    utf8, o = skip_cp(b, 8)
    o += 6
    n, o = u2(b, o)
    o += 2 * n
    o = skip_attrs(b, o + 0) if False else o
    nf, o = u2(b, o)
    for _ in range(nf):
        o = skip_attrs(b, o + 6)
    nm, o = u2(b, o)
    out = []
    for _ in range(nm):
        o += 2
        name, o = u2(b, o)
        desc, o = u2(b, o)
        na, o = u2(b, o)
        for _ in range(na):
            an, o = u2(b, o)
            ln, o = u4(b, o)
            if utf8[an] == "Code":
                clen = struct.unpack_from(">I", b, o + 4)[0]
                out.append((utf8[name] + utf8[desc], b[o + 8:o + 8 + clen]))
            o += ln
    return out


def javap_methods(javap, classfile):
    text = subprocess.run([javap, "-c", "-p", classfile], check=True, capture_output=True,
                          text=True).stdout
    methods, cur = [], None
    for line in text.splitlines():
        if line.strip() == "Code:":
            cur = []
            methods.append(cur)
            continue
        m = re.match(r"^\s+(\d+): ([a-z][a-z0-9_]*)", line)
        if m and cur is not None:
            cur.append((int(m.group(1)), m.group(2)))
    return methods


def main():
    home = sys.argv[1] if len(sys.argv) > 1 else "/usr/lib/jvm/java-17-openjdk-amd64"
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "BcSample.java")
        open(src, "w").write(java_source())
        subprocess.run([os.path.join(home, "bin/javac"), "--release", "17", "-d", d, src],
                       check=True)
        cls = os.path.join(d, "BcSample.class")
        codes = code_attributes(cls)
        listings = javap_methods(os.path.join(home, "bin/javap"), cls)
    if len(codes) != len(listings):
        raise SystemExit("%d Code attributes, %d javap listings" % (len(codes), len(listings)))
    with open(OUT, "w") as f:
        f.write("# generated by bytecodes_gen.py from BcSample.java (javac --release 17)\n")
        f.write("# method NAME HEX, then one 'PC MNEMONIC' line per instruction from javap -c\n")
        for (name, code), insns in zip(codes, listings):
            f.write("method %s %s\n" % (name.replace(" ", "_"), code.hex()))
            for pc, mn in insns:
                f.write("%d %s\n" % (pc, mn))
    print("wrote", OUT, len(codes), "methods")


if __name__ == "__main__":
    main()
