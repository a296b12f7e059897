"""Parse the JVM's own map log (-Xlog:cds+map / -Xlog:aot+map) of an archive.

This is the oracle of the header and region tests: every value comes from
what the JVM printed, never from a number written by hand.
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
                    if '@@' in line:
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
