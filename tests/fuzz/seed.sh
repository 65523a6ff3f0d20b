#!/bin/sh
# Seeds corpus/<target>/ from the sample export and the hostile samples of
# testdata/ (run from tests/fuzz). corpus/ is not committed.
set -e
T=../../testdata
mkdir -p corpus/html_page corpus/storage_body corpus/entities_xml corpus/zip_archive
for f in "$T"/acme-html/*.html "$T"/hostile/unsafe-html/*.html; do
    cp "$f" "corpus/html_page/$(basename "$(dirname "$f")")-$(basename "$f")"
done
for d in "$T"/hostile/xml-*; do
    cp "$d/entities.xml" "corpus/entities_xml/$(basename "$d").xml"
done
cp "$T"/hostile/*.zip corpus/zip_archive/
# Storage-format bodies: the CDATA body properties of the XML samples.
python3 - "$T" <<'PY'
import glob, re, sys
n = 0
for f in glob.glob(sys.argv[1] + "/hostile/xml-*/entities.xml"):
    t = open(f, encoding="utf-8", errors="replace").read()
    for m in re.finditer(r'<property name="body"><!\[CDATA\[(.*?)\]\]></property>', t, re.S):
        open("corpus/storage_body/seed%03d.xml" % n, "w").write(m.group(1).replace("]]]]><![CDATA[>", "]]>"))
        n += 1
PY
echo "seeded: $(ls corpus/* | wc -l) files"
