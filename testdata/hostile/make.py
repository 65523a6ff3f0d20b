#!/usr/bin/env python3
"""Writes the hostile and broken archives of this folder (run from this folder).

Each archive is a tiny valid HTML space export plus one hostile or broken property.
The zips are committed, so tests do not need Python; this script documents how each
was made and regenerates them byte-identically (fixed timestamps).
"""
import struct
import zipfile
import zlib

DATE = (2026, 1, 1, 0, 0, 0)

INDEX = b"""<html><head><title>EVIL (Evil Corp)</title></head><body>
<div id="main-content"><table><tr><th>Key</th><td>EVIL</td></tr><tr><th>Name</th><td>Evil Corp</td></tr></table></div>
<div class="pageSection"><div class="pageSectionHeader"><h2 class="pageSectionTitle">Available Pages:</h2></div>
<ul><li><a href="Home_1.html">Home</a> <img src="images/icons/contenttypes/home_page_16.png"/>
<ul><li><a href="Notes_2.html">Notes</a></li></ul></li></ul></div></body></html>
"""
PAGE = b"""<html><head><title>Evil Corp : %s</title></head><body>
<div id="main-header"><h1 id="title-heading"><span id="title-text">Evil Corp : %s</span></h1></div>
<div id="content"><div id="main-content" class="wiki-content group"><p>%s</p></div>
<div class="pageSection group"><div class="pageSectionHeader"><h2 id="attachments" class="pageSectionTitle">Attachments:</h2></div>
<div class="greybox"><a href="attachments/2/10.txt">notes.txt</a> (text/plain)<br/></div></div>
</div></body></html>
"""


def base(z, top="EVIL/"):
    def add(name, data):
        info = zipfile.ZipInfo(top + name, DATE)
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, data)
    add("index.html", INDEX)
    add("styles/site.css", b"body{}\n")
    add("Home_1.html", PAGE % (b"Home", b"Home", b"Welcome."))
    add("Notes_2.html", PAGE % (b"Notes", b"Notes", b"Some notes."))
    add("attachments/2/10.txt", b"plain notes\n")


def entry(z, name, data=b"x", attr=None, flag_bits=0, method=zipfile.ZIP_DEFLATED):
    info = zipfile.ZipInfo(name, DATE)
    info.compress_type = method
    if attr is not None:
        info.external_attr = attr
    info.flag_bits |= flag_bits
    z.writestr(info, data)


def make(path, extra):
    with zipfile.ZipFile(path, "w") as z:
        base(z)
        extra(z)


make("dotdot.zip", lambda z: entry(z, "EVIL/../../evil.txt", b"escaped"))
make("absolute.zip", lambda z: entry(z, "/tmp/evil.txt", b"escaped"))
make("drive-letter.zip", lambda z: entry(z, "C:/Windows/evil.txt", b"escaped"))
make("backslash-dotdot.zip", lambda z: entry(z, "EVIL\\..\\..\\evil.txt", b"escaped"))
make("backslash-names.zip", lambda z: entry(z, "EVIL\\attachments\\1\\11.txt", b"windows zipper"))
make("symlink.zip", lambda z: entry(z, "EVIL/attachments/2/11.txt", b"/etc/passwd", attr=(0o120777 << 16)))
make("nested.zip", lambda z: entry(z, "EVIL/attachments/2/13.zip", open("dotdot.zip", "rb").read()))


def duplicate(z):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        entry(z, "EVIL/attachments/2/10.txt", b"second copy")
make("duplicate.zip", duplicate)


def bomb(z):
    # 64 MiB of zeros: deflates about 1000:1.
    info = zipfile.ZipInfo("EVIL/attachments/2/14.bin", DATE)
    info.compress_type = zipfile.ZIP_DEFLATED
    with z.open(info, "w") as f:
        chunk = b"\0" * (1 << 20)
        for _ in range(64):
            f.write(chunk)
make("bomb.zip", bomb)


def patched(path, name, data, new_name, flags):
    """An entry named `name` whose name bytes become `new_name` (same length) and
    whose general-purpose flags get `flags`, in both of its headers (written by hand,
    since Python's zipfile refuses to write such names)."""
    assert len(new_name) == len(name)
    with zipfile.ZipFile(path, "w") as z:
        base(z)
        entry(z, name.decode(), data, method=zipfile.ZIP_STORED)
    raw = bytearray(open(path, "rb").read())
    for sig, flag_off, len_off, name_off in ((b"PK\x03\x04", 6, 26, 30), (b"PK\x01\x02", 8, 28, 46)):
        i = 0
        while (i := raw.find(sig, i)) >= 0:
            n = struct.unpack_from("<H", raw, i + len_off)[0]
            if raw[i + name_off:i + name_off + n] == name:
                raw[i + name_off:i + name_off + n] = new_name
                f = struct.unpack_from("<H", raw, i + flag_off)[0] | flags
                struct.pack_into("<H", raw, i + flag_off, f)
            i += 4
    open(path, "wb").write(bytes(raw))


# The UTF-8 flag (bit 11) on a name that is not UTF-8.
patched("invalid-utf8.zip", b"EVIL/attachments/2/PLACEHOLDER.txt", b"bad name",
        b"EVIL/attachments/2/\xff\xfeBADNAME\xc3\x28.txt", 0x800)
# A NUL byte inside a name.
patched("nul-in-name.zip", b"EVIL/attachments/2/badXname.txt", b"nul",
        b"EVIL/attachments/2/bad\x00name.txt", 0)
# The encryption flag (bit 0) on an entry.
patched("encrypted.zip", b"EVIL/attachments/2/12.bin", b"secret",
        b"EVIL/attachments/2/12.bin", 0x1)


def lying_size():
    # The central directory says the attachment inflates to 4 bytes; it inflates to 40.
    with zipfile.ZipFile("lying-size.zip", "w") as z:
        base(z)
        entry(z, "EVIL/attachments/2/15.txt", b"0123456789" * 4)
    data = bytearray(open("lying-size.zip", "rb").read())
    for sig, size_off, name_off, len_off in ((b"PK\x03\x04", 22, 30, 26), (b"PK\x01\x02", 24, 46, 28)):
        i = 0
        while True:
            i = data.find(sig, i)
            if i < 0:
                break
            n = struct.unpack_from("<H", data, i + len_off)[0]
            if data[i + name_off:i + name_off + n].endswith(b"15.txt"):
                struct.pack_into("<I", data, i + size_off, 4)
            i += 4
    open("lying-size.zip", "wb").write(bytes(data))
lying_size()


def truncated_and_corrupt():
    with zipfile.ZipFile("ok.tmp", "w") as z:
        base(z)
    data = open("ok.tmp", "rb").read()
    import os
    os.remove("ok.tmp")
    open("truncated-directory.zip", "wb").write(data[:-30])
    cd = data.rfind(b"PK\x01\x02")
    corrupt = bytearray(data)
    corrupt[cd:cd + 4] = b"XXXX"
    open("corrupt-directory.zip", "wb").write(bytes(corrupt))
truncated_and_corrupt()
