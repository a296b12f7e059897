"""Parse the JVM's own map log (-Xlog:cds+map / -Xlog:aot+map) of an archive,
and the metadata table of its dump log.

This is the oracle of the header, region, map and stats tests: every value
comes from what the JVM printed, never from a number written by hand.
"""
import re

FIELD = re.compile(r'^(\s*)- ([A-Za-z_][A-Za-z0-9_.\[\]]*):?\s*(.*?)\s*$')
REGION = re.compile(r'^=+ region =+ (\d+) "([^"]*)"')
SECTION = re.compile(r'^\[(.{18}) (0x[0-9a-f]+) - (0x[0-9a-f]+)\s+(\d+) bytes\]$')

# Section titles of the map log and the region each stands for.
SECTION_REGION = {
    'rw region': 'rw', 'rw': 'rw',
    'ro region': 'ro', 'ro': 'ro',
    'bitmap': 'bm',
    'heap': 'hp',
    'closed heap region': 'ca0',
    'open heap region': 'oa0',
}


class MapLog:
    def __init__(self, path):
        self.path = path
        self.title = None
        self.header = {}          # field -> value text (first occurrence)
        self.regions = {}         # index -> {'name': .., field: value}
        self.sections = {}        # region name -> (start, end, size)
        self.objects = 0
        self._parse()

    def _parse(self):
        prefix = []               # (indent, name) of open nested groups
        region = None
        in_header = False
        with open(self.path, errors='replace') as f:
            for n, line in enumerate(f):
                line = line.rstrip('\n')
                if n == 0:
                    self.title = line
                    continue
                m = SECTION.match(line)
                if m:
                    name = m.group(1).strip()
                    in_header = name == 'header'
                    if name in SECTION_REGION:
                        self.sections.setdefault(SECTION_REGION[name], (
                            int(m.group(2), 16), int(m.group(3), 16), int(m.group(4))))
                    continue
                if line.startswith('0x'):
                    if line_kind(line) == 'object':
                        self.objects += 1
                    continue
                if not in_header:
                    continue
                m = REGION.match(line)
                if m:
                    region = int(m.group(1))
                    self.regions[region] = {'name': m.group(2)}
                    continue
                if line.startswith('============ end regions'):
                    region = None
                    continue
                m = FIELD.match(line)
                if not m:
                    continue
                indent, key, value = len(m.group(1)), m.group(2), m.group(3)
                while prefix and prefix[-1][0] >= indent:
                    prefix.pop()
                if value == '' and region is None:
                    prefix.append((indent, key))
                    continue
                full = '.'.join([p[1] for p in prefix] + [key])
                target = self.regions[region] if region is not None else self.header
                target.setdefault(full, value)


def as_value(text):
    """A map-log or aotdbg value as a comparable Python value."""
    if isinstance(text, bool):
        return int(text)
    if isinstance(text, int):
        return text
    t = str(text).strip()
    try:
        return int(t, 16) if t.lower().startswith('0x') else int(t)
    except ValueError:
        return t


# -- The map's lines, streamed ------------------------------------------------
#
# A line of the map is one of:
#   [name      0x… - 0x…   N bytes]         a section (SECTION)
#   0x%016x: @@ Type  size name              an object ("0x" + 16 digits, then ": @@ ")
#   0x%016x:   words…  ascii                 a hex dump line (": " + two spaces)
# and, in the header and heap sections, field, root and region lines.
# A hex line's ASCII column may hold "@@", so the object test is positional.
# A java.lang.String's value is printed raw in an @@ Object line (25+); one
# with a raw newline continues on lines that start like none of the above.
# Such a line belongs to the object line before it.

def line_kind(line):
    """'object', 'hex' or None, by the fixed columns the JVM prints (str or bytes)."""
    if len(line) < 22 or line[:2] not in ('0x', b'0x'):
        return None
    tail = line[18:22]
    if tail in (': @@', b': @@'):
        return 'object'
    if tail in (':   ', b':   '):
        return 'hex'
    return None


# Starts of the lines a heap section has besides object and hex lines: "0x…:
# Heap roots segment" (25), " - field …" and " root[…]" (26+), "roots[…]" (25),
# "- ---- static fields" and the section lines.
_KNOWN_STARTS = (b'0x', b' ', b'-', b'[', b'roots[')


def section_key(title):
    """'rw', 'ro', 'bm', 'hp', 'ca0', 'oa0' or 'header' for a section title; None for others."""
    if title == 'header':
        return 'header'
    return SECTION_REGION.get(title)


def map_lines(path, hexlines=False):
    """Stream the map at PATH as (section, kind, text) with kind 'section', 'object' or 'hex'.

    section is section_key() of the section the line is in (None before the
    first).  text is the line without its newline, decoded with
    surrogateescape so that bytes compare as printed; an object line carries
    its continuation lines, joined with '\\n'.  Hex lines only with HEXLINES.
    The last line ("[End of … map]") is a 'section' line with section 'end'.
    """
    section = None
    pending = None            # an object line that may continue
    with open(path, 'rb') as f:
        for raw in f:
            line = raw.rstrip(b'\n')
            kind = line_kind(line)
            if pending is not None:
                if kind is None and not line.startswith(_KNOWN_STARTS) and section == 'hp':
                    pending += b'\n' + line
                    continue
                yield section, 'object', pending.decode('utf-8', 'surrogateescape')
                pending = None
            if kind == 'object':
                pending = line
            elif kind == 'hex':
                if hexlines:
                    yield section, 'hex', line.decode('utf-8', 'surrogateescape')
            elif line.startswith(b'['):
                text = line.decode('utf-8', 'surrogateescape')
                m = SECTION.match(text)
                if m:
                    section = section_key(m.group(1).strip())
                    yield section, 'section', text
                elif text.startswith('[End of'):
                    section = 'end'
                    yield section, 'section', text
    if pending is not None:
        yield section, 'object', pending.decode('utf-8', 'surrogateescape')


class MapObjects:
    """The section lines and the @@ lines of each section of a map, in map order.

    sections: the section lines, as printed; objects: {section: [object text]}.
    """

    def __init__(self, path):
        self.path = path
        self.sections = []
        self.objects = {}
        for section, kind, text in map_lines(path):
            if kind == 'section':
                self.sections.append(text)
                self.objects.setdefault(section, [])
            else:
                self.objects.setdefault(section, []).append(text)

    def count(self):
        return sum(len(v) for v in self.objects.values())


META_LINE = re.compile(r'^0x([0-9a-f]{16}): @@ (?:(Misc data) (\d+) bytes|(\S+)\s+(\d+)(?: (.*))?)$', re.S)
HEAP_LINE = re.compile(r'^0x([0-9a-f]{16}): @@ (?:Object (?:\(0x([0-9a-f]+)\) )?(\S+)(?: (.*))?|(Unused heap space) (\d+) bytes)$', re.S)


def parse_meta(text):
    """(address, type, size, name) of a metadata @@ line; type 'Misc data' for the
    untyped tail, with name ''.  None for a line of another shape."""
    m = META_LINE.match(text)
    if not m:
        return None
    if m.group(2):
        return int(m.group(1), 16), 'Misc data', int(m.group(3)), ''
    return int(m.group(1), 16), m.group(4), int(m.group(5)), m.group(6) or ''


def parse_heap(text):
    """(address, narrow oop or None, class, rest) of a heap @@ line; class
    'Unused heap space' (21) with rest the byte count.  None for other shapes."""
    m = HEAP_LINE.match(text)
    if not m:
        return None
    if m.group(5):
        return int(m.group(1), 16), None, m.group(5), m.group(6)
    return (int(m.group(1), 16), int(m.group(2), 16) if m.group(2) else None,
            m.group(3), m.group(4) or '')


# -- The dump log's metadata table -------------------------------------------
#
#   Detailed metadata info (excluding heap region):
#                           ro_cnt   ro_bytes     % |   rw_cnt   rw_bytes     % |  all_cnt  all_bytes     %
#   --------------------+---------------------------+---------------------------+---------------------
#   Class               :        0          0   0.0 |      929     593904  20.0 |      929     593904   7.4
#   SharedClassPathEntry:        0          0   0.0 |        2         80   0.0 |        2         80   0.0
#   …
#   Total               :    91993    5036792 100.0 |    17803    2974488 100.0 |   109796    8011280 100.0
# each line behind the log decorations ("[0.9s][debug][aot] ").

DECORATIONS = re.compile(r'^(?:\[[^\]]*\])+ ?')
TABLE_ROW = re.compile(r'^(\S[^:]*?)\s*:\s+(\d+)\s+(\d+)\s+[\d.]+\s+\|\s+(\d+)\s+(\d+)\s+[\d.]+\s+\|\s+(\d+)\s+(\d+)\s+[\d.]+\s*$')
HEAP_SUMMARY = re.compile(r'Size of heap region = (\d+) bytes, (\d+) objects, (\d+) roots')


def metadata_table(path):
    """{type: {'ro_count', 'ro_bytes', 'rw_count', 'rw_bytes'}} from the dump log's
    "Detailed metadata info" table, rows as the JVM names them, 'Total' included,
    in table order.  Raises ValueError when the table is missing or its rows
    do not add up to its Total (a parse that dropped a row)."""
    rows = {}
    state = 'before'
    with open(path, errors='replace') as f:
        for line in f:
            text = DECORATIONS.sub('', line.rstrip('\n'))
            if state == 'before':
                if text.startswith('Detailed metadata info'):
                    state = 'in'
                continue
            m = TABLE_ROW.match(text)
            if m:
                ro_c, ro_b, rw_c, rw_b, all_c, all_b = (int(g) for g in m.groups()[1:])
                if (ro_c + rw_c, ro_b + rw_b) != (all_c, all_b):
                    raise ValueError(f'{path}: row {m.group(1)!r}: ro + rw != all')
                rows[m.group(1)] = {'ro_count': ro_c, 'ro_bytes': ro_b, 'rw_count': rw_c, 'rw_bytes': rw_b}
                if m.group(1) == 'Total':
                    break
            elif not text.startswith(('---', ' ')) and text.strip():
                raise ValueError(f'{path}: unexpected line in the metadata table: {text!r}')
    if 'Total' not in rows:
        raise ValueError(f'{path}: no "Detailed metadata info" table with a Total row')
    for key in ('ro_count', 'ro_bytes', 'rw_count', 'rw_bytes'):
        if sum(r[key] for n, r in rows.items() if n != 'Total') != rows['Total'][key]:
            raise ValueError(f'{path}: the rows\' {key} do not add up to the Total row')
    return rows


def heap_summary(path):
    """(bytes, objects, roots) of the dump log's "Size of heap region" line, or None."""
    with open(path, errors='replace') as f:
        for line in f:
            m = HEAP_SUMMARY.search(line)
            if m:
                return tuple(int(g) for g in m.groups())
    return None
