//! The XML export kind (research doc §4): `entities.xml` (a flat hibernate dump of
//! objects referencing each other by id, bodies in storage format),
//! `exportDescriptor.properties` and
//! `attachments/<containerId>/<attachmentId>/<version>` (no extensions).
//!
//! Like real exports it also holds what a converter must skip: historical page
//! versions (`originalVersion`, still `current`, no parent), drafts, and older
//! attachment versions with their own files.

use std::fmt::Write as _;

use super::rng::Rng;
use super::text::{self, esc};
use super::{Plan, PlanAttachment, PlanPage, Zipper, write_attachment};
use crate::Error;

const SPACE_ID: u64 = 98_305;
const SPACE_DESCRIPTION_ID: u64 = 98_306;
const FIRST_HISTORY_ID: u64 = 20_000_000;
const FIRST_BODY_ID: u64 = 30_000_000;
const FIRST_OLD_ATTACHMENT_ID: u64 = 60_000_000;
const FIRST_PROPERTY_ID: u64 = 70_000_000;

struct Ids {
    history: u64,
    body: u64,
    old_attachment: u64,
    property: u64,
}

fn user_key(i: usize) -> String {
    format!("8a7f808a{:024x}", (i as u64 + 1) * 0x1f3d_5b79)
}

fn person(name: &str) -> usize {
    text::PEOPLE.iter().position(|p| *p == name).unwrap_or(0)
}

/// CDATA that survives `]]>` inside the text (split as Confluence does).
fn cdata(s: &str, out: &mut String) {
    out.push_str("<![CDATA[");
    out.push_str(&s.replace("]]>", "]]]]><![CDATA[>"));
    out.push_str("]]>");
}

fn prop(out: &mut String, name: &str, value: &str) {
    let _ = write!(out, "\t<property name=\"{name}\">");
    cdata(value, out);
    out.push_str("</property>\n");
}

fn reference(out: &mut String, name: &str, class: &str, package: &str, id: u64) {
    let _ = writeln!(
        out,
        "\t<property name=\"{name}\" class=\"{class}\" package=\"com.atlassian.confluence.{package}\"><id name=\"id\">{id}</id></property>"
    );
}

fn user_ref(out: &mut String, name: &str, who: &str) {
    let _ = writeln!(
        out,
        "\t<property name=\"{name}\" class=\"ConfluenceUserImpl\" package=\"com.atlassian.confluence.user\"><id name=\"key\"><![CDATA[{}]]></id></property>",
        user_key(person(who))
    );
}

fn collection(out: &mut String, name: &str, class: &str, package: &str, ids: &[u64]) {
    if ids.is_empty() {
        let _ = writeln!(
            out,
            "\t<collection name=\"{name}\" class=\"java.util.Collection\"/>"
        );
        return;
    }
    let _ = writeln!(
        out,
        "\t<collection name=\"{name}\" class=\"java.util.Collection\">"
    );
    for id in ids {
        let _ = writeln!(
            out,
            "\t\t<element class=\"{class}\" package=\"com.atlassian.confluence.{package}\"><id name=\"id\">{id}</id></element>"
        );
    }
    out.push_str("\t</collection>\n");
}

fn date(rng: &mut Rng) -> String {
    format!(
        "202{}-{:02}-{:02} {:02}:{:02}:{:02}.{:03}",
        rng.range(0, 5),
        rng.range(1, 12),
        rng.range(1, 28),
        rng.below(24),
        rng.below(60),
        rng.below(60),
        rng.below(1000)
    )
}

pub fn write(plan: &Plan, zip: &mut Zipper) -> Result<(), Error> {
    zip.start("entities.xml")?;
    entities(plan, zip)?;
    let descriptor = format!(
        "#Wed Jun 11 14:06:00 UTC 2025\nexportType=space\nspaceKey={}\nbuildNumber=6452\ncreatedByBuildNumber=6452\ncreatedByVersionNumber=1000.0.0-4a2e5c0e6c2b\nbackupAttachments=true\ndefaultUsersGroup=confluence-users\nsource=cloud\ntimezoneId=UTC\ninlineTasksFileIncluded=true\n",
        plan.key
    );
    zip.add("exportDescriptor.properties", descriptor.as_bytes())?;
    for page in &plan.pages {
        for &a in &page.attachments {
            let att = &plan.attachments[a];
            if att.version > 1 {
                // The previous version's file (different bytes, same size class).
                let old = PlanAttachment {
                    content: att.content ^ 0x5555,
                    version: 1,
                    ..att.clone()
                };
                zip.start(&format!("attachments/{}/{}/1", page.id, att.id))?;
                write_attachment(&old, zip.writer()).map_err(|e| zip.io(e))?;
            }
            zip.start(&format!(
                "attachments/{}/{}/{}",
                page.id, att.id, att.version
            ))?;
            write_attachment(att, zip.writer()).map_err(|e| zip.io(e))?;
        }
    }
    Ok(())
}

/// Streams `entities.xml` into the open zip entry, object by object.
fn entities(plan: &Plan, zip: &mut Zipper) -> Result<(), Error> {
    let mut ids = Ids {
        history: FIRST_HISTORY_ID,
        body: FIRST_BODY_ID,
        old_attachment: FIRST_OLD_ATTACHMENT_ID,
        property: FIRST_PROPERTY_ID,
    };
    let mut out = String::with_capacity(1 << 20);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<hibernate-generic datetime=\"2025-06-11 14:06:00\">\n");
    for (i, name) in text::PEOPLE.iter().enumerate() {
        let _ = writeln!(
            out,
            "<object class=\"ConfluenceUserImpl\" package=\"com.atlassian.confluence.user\">\n\t<id name=\"key\"><![CDATA[{}]]></id>",
            user_key(i)
        );
        prop(&mut out, "name", &format!("user{i}"));
        prop(&mut out, "lowerName", &format!("user{i}"));
        prop(
            &mut out,
            "atlassianAccountId",
            &format!("712020:{:08x}-{i:04}", i * 7919),
        );
        let _ = name;
        out.push_str("</object>\n");
    }
    // The space and its description.
    let _ = writeln!(
        out,
        "<object class=\"Space\" package=\"com.atlassian.confluence.spaces\">\n\t<id name=\"id\">{SPACE_ID}</id>"
    );
    prop(&mut out, "name", &plan.name);
    prop(&mut out, "key", &plan.key);
    prop(&mut out, "lowerKey", &plan.key.to_lowercase());
    reference(
        &mut out,
        "description",
        "SpaceDescription",
        "spaces",
        SPACE_DESCRIPTION_ID,
    );
    reference(&mut out, "homePage", "Page", "pages", plan.pages[0].id);
    user_ref(&mut out, "creator", text::PEOPLE[0]);
    prop(&mut out, "creationDate", "2019-01-14 09:12:44.000");
    prop(&mut out, "spaceType", "global");
    out.push_str("\t<property name=\"spaceStatus\" enum-class=\"SpaceStatus\" package=\"com.atlassian.confluence.spaces\">CURRENT</property>\n</object>\n");
    let desc_body = ids.body;
    ids.body += 1;
    body_content(
        &mut out,
        desc_body,
        "<p>Synthetic space for benchmarks</p>",
        "SpaceDescription",
        "spaces",
        SPACE_DESCRIPTION_ID,
    );
    let _ = writeln!(
        out,
        "<object class=\"SpaceDescription\" package=\"com.atlassian.confluence.spaces\">\n\t<id name=\"id\">{SPACE_DESCRIPTION_ID}</id>"
    );
    collection(
        &mut out,
        "bodyContents",
        "BodyContent",
        "core",
        &[desc_body],
    );
    reference(&mut out, "space", "Space", "spaces", SPACE_ID);
    prop(&mut out, "contentStatus", "current");
    out.push_str("</object>\n");
    flush(zip, &mut out)?;

    for (i, page) in plan.pages.iter().enumerate() {
        let mut rng = Rng::new(page.seed);
        let storage = storage_body(plan, page, &mut rng);
        let body_id = ids.body;
        ids.body += 1;
        // History: about one page in four has an older version, one in fifty a draft.
        let history = if rng.chance(0.25) { rng.range(1, 2) } else { 0 };
        let hist_ids: Vec<u64> = (0..history)
            .map(|_| {
                ids.history += 1;
                ids.history
            })
            .collect();
        for (k, &hid) in hist_ids.iter().enumerate() {
            let hbody = ids.body;
            ids.body += 1;
            // Older versions hold most of today's text.
            let cut = storage.len() * 3 / 4;
            let cut = (0..=cut)
                .rev()
                .find(|&c| storage.is_char_boundary(c))
                .unwrap_or(0);
            let old = &storage[..cut];
            let old = &old[..old.rfind("</p>").map(|e| e + 4).unwrap_or(0)];
            body_content(&mut out, hbody, old, "Page", "pages", hid);
            page_object(
                &mut out,
                hid,
                page,
                i,
                None,
                &[hbody],
                (k + 1) as u64,
                "current",
                Some(page.id),
                &[],
                &[],
                &mut rng,
            );
        }
        if rng.chance(0.02) {
            ids.history += 1;
            let did = ids.history;
            let dbody = ids.body;
            ids.body += 1;
            body_content(
                &mut out,
                dbody,
                "<p>Draft: work in progress</p>",
                "Page",
                "pages",
                did,
            );
            page_object(
                &mut out,
                did,
                page,
                i,
                None,
                &[dbody],
                history + 2,
                "draft",
                Some(page.id),
                &[],
                &[],
                &mut rng,
            );
        }
        // Attachments (with their content properties and older versions).
        let mut att_ids = Vec::new();
        for &a in &page.attachments {
            let att = &plan.attachments[a];
            att_ids.push(att.id);
            attachment_objects(&mut out, att, page.id, &mut ids);
        }
        // Bodies sometimes precede their page, sometimes follow (any order is legal).
        let before = rng.chance(0.5);
        if before {
            body_content(&mut out, body_id, &storage, "Page", "pages", page.id);
        }
        let children: Vec<u64> = page.children.iter().map(|&c| plan.pages[c].id).collect();
        let version = history + 1;
        page_object(
            &mut out,
            page.id,
            page,
            i,
            page.parent.map(|p| plan.pages[p].id),
            &[body_id],
            version,
            "current",
            None,
            &children,
            &att_ids,
            &mut rng,
        );
        if !before {
            body_content(&mut out, body_id, &storage, "Page", "pages", page.id);
        }
        if out.len() > 1 << 20 {
            flush(zip, &mut out)?;
        }
    }
    out.push_str("</hibernate-generic>\n");
    flush(zip, &mut out)
}

fn flush(zip: &mut Zipper, out: &mut String) -> Result<(), Error> {
    zip.writer()
        .write_all(out.as_bytes())
        .map_err(|e| zip.io(e))?;
    out.clear();
    Ok(())
}

fn body_content(out: &mut String, id: u64, body: &str, class: &str, package: &str, owner: u64) {
    let _ = writeln!(
        out,
        "<object class=\"BodyContent\" package=\"com.atlassian.confluence.core\">\n\t<id name=\"id\">{id}</id>"
    );
    prop(out, "body", body);
    reference(out, "content", class, package, owner);
    out.push_str("\t<property name=\"bodyType\">2</property>\n</object>\n");
}

#[allow(clippy::too_many_arguments)]
fn page_object(
    out: &mut String,
    id: u64,
    page: &PlanPage,
    index: usize,
    parent: Option<u64>,
    bodies: &[u64],
    version: u64,
    status: &str,
    original: Option<u64>,
    children: &[u64],
    attachments: &[u64],
    rng: &mut Rng,
) {
    let _ = writeln!(
        out,
        "<object class=\"Page\" package=\"com.atlassian.confluence.pages\">\n\t<id name=\"id\">{id}</id>"
    );
    prop(out, "title", &page.title);
    prop(out, "lowerTitle", &page.title.to_lowercase());
    if let Some(p) = parent {
        reference(out, "parent", "Page", "pages", p);
    }
    collection(out, "bodyContents", "BodyContent", "core", bodies);
    if original.is_none() {
        collection(out, "children", "Page", "pages", children);
        collection(out, "attachments", "Attachment", "pages", attachments);
        let _ = writeln!(
            out,
            "\t<property name=\"position\">{}</property>",
            index * 10
        );
    } else {
        out.push_str("\t<property name=\"position\"/>\n");
    }
    reference(out, "space", "Space", "spaces", SPACE_ID);
    let _ = writeln!(out, "\t<property name=\"version\">{version}</property>");
    user_ref(out, "creator", page.author);
    user_ref(out, "lastModifier", page.editor);
    prop(out, "creationDate", &date(rng));
    prop(out, "lastModificationDate", &date(rng));
    match original {
        Some(o) => {
            reference(out, "originalVersion", "Page", "pages", o);
            let _ = writeln!(out, "\t<property name=\"originalVersionId\">{o}</property>");
        }
        None => out.push_str("\t<property name=\"originalVersionId\"/>\n"),
    }
    prop(out, "contentStatus", status);
    out.push_str("</object>\n");
}

fn attachment_objects(out: &mut String, att: &PlanAttachment, page_id: u64, ids: &mut Ids) {
    let mut one = |out: &mut String, id: u64, version: u32, original: Option<u64>| {
        let media = ids.property;
        let size = ids.property + 1;
        ids.property += 2;
        let _ = writeln!(
            out,
            "<object class=\"ContentProperty\" package=\"com.atlassian.confluence.content\">\n\t<id name=\"id\">{media}</id>"
        );
        prop(out, "name", "MEDIA_TYPE");
        prop(out, "stringValue", att.kind.media_type());
        reference(out, "content", "Attachment", "pages", id);
        out.push_str("</object>\n");
        let _ = writeln!(
            out,
            "<object class=\"ContentProperty\" package=\"com.atlassian.confluence.content\">\n\t<id name=\"id\">{size}</id>"
        );
        prop(out, "name", "FILESIZE");
        let _ = writeln!(
            out,
            "\t<property name=\"longValue\">{}</property>",
            att.size
        );
        reference(out, "content", "Attachment", "pages", id);
        out.push_str("</object>\n");
        let _ = writeln!(
            out,
            "<object class=\"Attachment\" package=\"com.atlassian.confluence.pages\">\n\t<id name=\"id\">{id}</id>"
        );
        prop(out, "title", &att.file_name);
        prop(out, "lowerTitle", &att.file_name.to_lowercase());
        let _ = writeln!(out, "\t<property name=\"version\">{version}</property>");
        reference(out, "containerContent", "Page", "pages", page_id);
        reference(out, "space", "Space", "spaces", SPACE_ID);
        collection(
            out,
            "contentProperties",
            "ContentProperty",
            "content",
            &[media, size],
        );
        if let Some(o) = original {
            reference(out, "originalVersion", "Attachment", "pages", o);
            let _ = writeln!(out, "\t<property name=\"originalVersionId\">{o}</property>");
        } else {
            out.push_str("\t<property name=\"originalVersionId\"/>\n");
        }
        prop(out, "contentStatus", "current");
        out.push_str("</object>\n");
    };
    if att.version > 1 {
        let old = ids.old_attachment;
        ids.old_attachment += 1;
        one(out, old, 1, Some(att.id));
    }
    one(out, att.id, att.version, None);
}

fn uuid(rng: &mut Rng) -> String {
    let a = rng.next_u64();
    let b = rng.next_u64();
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}

fn macro_open(s: &mut String, name: &str, rng: &mut Rng) {
    let _ = write!(
        s,
        "<ac:structured-macro ac:name=\"{name}\" ac:schema-version=\"1\" ac:macro-id=\"{}\">",
        uuid(rng)
    );
}

/// A storage-format body (research doc §6) of about the planned size.
pub(crate) fn storage_body(plan: &Plan, page: &PlanPage, rng: &mut Rng) -> String {
    let mut s = String::with_capacity(page.body_bytes + 2048);
    let mut images = page
        .attachments
        .iter()
        .map(|&a| &plan.attachments[a])
        .filter(|a| a.kind.is_image())
        .peekable();
    let mut files = page
        .attachments
        .iter()
        .map(|&a| &plan.attachments[a])
        .filter(|a| !a.kind.is_image())
        .peekable();
    let mut task_id = 1;
    while s.len() < page.body_bytes {
        match rng.below(14) {
            0 | 1 => {
                let mut h = String::new();
                text::words(rng, 3, &mut h);
                let _ = write!(s, "<h2>{}</h2>", esc(&h));
            }
            2 if rng.chance(0.15) => credentials(rng, &mut s),
            2 => {
                let cols = rng.range(2, 5);
                s.push_str("<table data-layout=\"default\"><colgroup>");
                for _ in 0..cols {
                    s.push_str("<col style=\"width: 190.0px;\" />");
                }
                s.push_str("</colgroup><tbody><tr>");
                for _ in 0..cols {
                    let _ = write!(
                        s,
                        "<th><p><strong>{}</strong></p></th>",
                        text::header_word(rng)
                    );
                }
                s.push_str("</tr>");
                for _ in 0..rng.range(3, 14) {
                    s.push_str("<tr>");
                    for _ in 0..cols {
                        let mut w = String::new();
                        let n = rng.range(1, 6) as usize;
                        text::words(rng, n, &mut w);
                        let _ = write!(s, "<td><p>{}</p></td>", esc(&w));
                    }
                    s.push_str("</tr>");
                }
                s.push_str("</tbody></table>");
            }
            3 => {
                let kind = rng.pick(&["info", "note", "warning", "tip"]);
                macro_open(&mut s, kind, rng);
                let _ = write!(
                    s,
                    "<ac:rich-text-body><p>{}</p></ac:rich-text-body></ac:structured-macro>",
                    esc(&text::sentence(rng))
                );
            }
            4 => {
                macro_open(&mut s, "code", rng);
                s.push_str("<ac:parameter ac:name=\"language\">bash</ac:parameter><ac:plain-text-body><![CDATA[");
                for _ in 0..rng.range(2, 12) {
                    let _ = writeln!(
                        s,
                        "if [[ -f /etc/{}.conf ]]; then systemctl restart {} && echo \"<ok> {}\"; fi",
                        rng.pick(text::WORDS),
                        rng.pick(text::WORDS),
                        rng.below(10_000)
                    );
                }
                if rng.chance(0.3) {
                    // A body containing `]]>` itself, split like Confluence does.
                    s.push_str("echo \"a[b[0]]]]><![CDATA[>c\"\n");
                }
                s.push_str("]]></ac:plain-text-body></ac:structured-macro>");
            }
            5 => {
                macro_open(&mut s, "expand", rng);
                let _ = write!(
                    s,
                    "<ac:parameter ac:name=\"title\">{}</ac:parameter><ac:rich-text-body><p>{}</p><p>{}</p></ac:rich-text-body></ac:structured-macro>",
                    esc(&text::sentence(rng)),
                    esc(&text::sentence(rng)),
                    esc(&text::sentence(rng))
                );
            }
            6 => {
                s.push_str("<ac:task-list>");
                for _ in 0..rng.range(2, 6) {
                    let status = if rng.chance(0.5) {
                        "complete"
                    } else {
                        "incomplete"
                    };
                    let _ = write!(
                        s,
                        "<ac:task><ac:task-id>{task_id}</ac:task-id><ac:task-status>{status}</ac:task-status><ac:task-body><span class=\"placeholder-inline-tasks\">{}</span></ac:task-body></ac:task>",
                        esc(&text::sentence(rng))
                    );
                    task_id += 1;
                }
                s.push_str("</ac:task-list>");
            }
            7 => {
                if let Some(img) = images.next() {
                    let _ = write!(
                        s,
                        "<p><ac:image ac:align=\"center\" ac:layout=\"center\" ac:width=\"{}\" ac:original-height=\"480\" ac:original-width=\"960\"><ri:attachment ri:filename=\"{}\" ri:version-at-save=\"{}\" /></ac:image></p>",
                        rng.range(200, 900),
                        esc(&img.file_name),
                        img.version
                    );
                } else if let Some(f) = files.next() {
                    macro_open(&mut s, "view-file", rng);
                    let _ = write!(
                        s,
                        "<ac:parameter ac:name=\"name\"><ri:attachment ri:filename=\"{}\" /></ac:parameter><ac:parameter ac:name=\"height\">250</ac:parameter></ac:structured-macro>",
                        esc(&f.file_name)
                    );
                } else {
                    paragraph(plan, rng, &mut s);
                }
            }
            8 => {
                s.push_str("<p>Tracked in ");
                macro_open(&mut s, "jira", rng);
                let _ = write!(
                    s,
                    "<ac:parameter ac:name=\"server\">System JIRA</ac:parameter><ac:parameter ac:name=\"serverId\">{}</ac:parameter><ac:parameter ac:name=\"key\">OPS-{}</ac:parameter></ac:structured-macro> ",
                    uuid(rng),
                    rng.range(1, 900)
                );
                macro_open(&mut s, "status", rng);
                let _ = write!(
                    s,
                    "<ac:parameter ac:name=\"colour\">Green</ac:parameter><ac:parameter ac:name=\"title\">{}</ac:parameter></ac:structured-macro> <time datetime=\"2024-07-{:02}\" /> <ac:emoticon ac:name=\"tick\" ac:emoji-shortname=\":check_mark:\" ac:emoji-id=\"atlassian-check_mark\" ac:emoji-fallback=\":check_mark:\" />&nbsp;</p>",
                    rng.pick(&["DONE", "IN PROGRESS", "QUARTERLY"]),
                    rng.range(1, 28)
                );
            }
            9 => {
                s.push_str("<ul>");
                for _ in 0..rng.range(2, 7) {
                    let _ = write!(s, "<li><p>{}</p></li>", esc(&text::sentence(rng)));
                }
                s.push_str("</ul>");
            }
            10 if rng.chance(0.3) => {
                s.push_str("<ac:layout><ac:layout-section ac:type=\"two_equal\"><ac:layout-cell>");
                paragraph(plan, rng, &mut s);
                s.push_str("</ac:layout-cell><ac:layout-cell>");
                paragraph(plan, rng, &mut s);
                s.push_str("</ac:layout-cell></ac:layout-section></ac:layout>");
            }
            _ => paragraph(plan, rng, &mut s),
        }
    }
    for img in images {
        let _ = write!(
            s,
            "<p><ac:image><ri:attachment ri:filename=\"{}\" /></ac:image></p>",
            esc(&img.file_name)
        );
    }
    s
}

fn paragraph(plan: &Plan, rng: &mut Rng, s: &mut String) {
    s.push_str("<p>");
    for k in 0..rng.range(2, 6) {
        if k > 0 {
            s.push(' ');
        }
        match rng.below(10) {
            0 => {
                let other = &plan.pages[rng.below(plan.pages.len() as u64) as usize];
                let _ = write!(
                    s,
                    "See <ac:link><ri:page ri:content-title=\"{}\" ri:version-at-save=\"4\" /><ac:plain-text-link-body>",
                    esc(&other.title)
                );
                cdata(&other.title, s);
                s.push_str("</ac:plain-text-link-body></ac:link>.");
            }
            1 => {
                let other = &plan.pages[rng.below(plan.pages.len() as u64) as usize];
                let _ = write!(
                    s,
                    "Details in <ac:link ac:card-appearance=\"inline\"><ri:page ri:space-key=\"{}\" ri:content-title=\"{}\" /></ac:link>.",
                    plan.key,
                    esc(&other.title)
                );
            }
            2 => {
                let _ = write!(
                    s,
                    "Ask <ac:link><ri:user ri:account-id=\"712020:{:08x}-{:04}\" /></ac:link>.",
                    rng.below(14) * 7919,
                    rng.below(14)
                );
            }
            3 => {
                let _ = write!(
                    s,
                    "Use <code>\\\\srv{:02}\\{}</code> and <strong>{}</strong>.",
                    rng.below(40),
                    rng.pick(text::WORDS),
                    rng.pick(text::WORDS)
                );
            }
            _ => s.push_str(&esc(&text::sentence(rng))),
        }
    }
    s.push_str("</p>");
}

fn credentials(rng: &mut Rng, s: &mut String) {
    let t = text::Credentials::new(rng);
    s.push_str("<table data-layout=\"default\"><tbody><tr>");
    for h in t.header {
        let _ = write!(s, "<th><p><strong>{h}</strong></p></th>");
    }
    s.push_str("</tr>");
    for row in &t.rows {
        s.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            if i == text::Credentials::URL {
                let _ = write!(s, "<td><p><a href=\"{0}\">{0}</a></p></td>", esc(cell));
            } else {
                let _ = write!(s, "<td><p>{}</p></td>", esc(cell));
            }
        }
        s.push_str("</tr>");
    }
    s.push_str("</tbody></table>");
}
