//! The XML space export reader: `entities.xml` is streamed once with quick-xml
//! (never a DOM, never the whole file in memory). Each `<object>` is collected
//! into a small property list, turned into a typed record of the shared object
//! index (`read::objects`) and dropped; page bodies go straight to the on-disk
//! body store. A DOCTYPE is ignored: no entity it declares is ever expanded and
//! nothing external is fetched, so entity bombs and external entities are inert.

use std::io::{BufReader, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use crate::Error;
use crate::archive::Archive;
use crate::model::{Export, Spill};
use crate::read::objects::{
    AttachmentRec, BodyRec, Class, ContentRec, Index, SpaceRec, build, descriptor_space,
};
use crate::read::storage::entities;

/// Largest single property value kept (a page body); longer ones are cut.
const MAX_VALUE_BYTES: usize = 256 * 1024 * 1024;
/// Largest `exportDescriptor.properties` read.
const MAX_DESCRIPTOR_BYTES: u64 = 1024 * 1024;

/// Reads an XML export.
pub fn read(archive: &Archive, spill: Option<&Spill>) -> Result<Export, Error> {
    let findings = archive.findings.clone();
    let entry = "entities.xml";
    let bad = |reason: String| Error::BadArchive {
        path: archive.path().to_path_buf(),
        reason,
    };
    let mut reader = archive.reader()?;
    let mut ix = Index::new(entry).map_err(|e| Error::io(archive.path(), e))?;
    if archive.contains("exportDescriptor.properties") {
        let text = reader
            .read_string("exportDescriptor.properties", MAX_DESCRIPTOR_BYTES)
            .map_err(|e| bad(format!("cannot read exportDescriptor.properties: {e}")))?;
        ix.descriptor_space = descriptor_space(&text);
    }
    let stream = reader
        .open(entry)
        .map_err(|e| bad(format!("cannot read {}{entry}: {e}", archive.root())))?;
    parse(stream, &mut ix).map_err(|e| bad(format!("{}{entry}: {e}", archive.root())))?;
    Ok(build(ix, archive, spill, findings))
}

/// One `<property>`: its text, or the id of the object it references.
#[derive(Debug, Default)]
struct Prop {
    name: String,
    /// `class` attribute of a reference.
    class: Option<String>,
    value: String,
}

/// One `<object>` being read.
#[derive(Debug, Default)]
struct Obj {
    class: String,
    id: String,
    props: Vec<Prop>,
    /// (collection name, element ids).
    collections: Vec<(String, Vec<String>)>,
}

impl Obj {
    fn get(&self, name: &str) -> Option<&str> {
        self.props
            .iter()
            .find(|p| p.name == name)
            .map(|p| p.value.as_str())
            .filter(|v| !v.trim().is_empty())
    }

    fn string(&self, name: &str) -> Option<String> {
        self.get(name).map(|v| v.trim().to_string())
    }

    fn reference(&self, name: &str) -> Option<(&str, String)> {
        let p = self.props.iter().find(|p| p.name == name)?;
        let v = p.value.trim();
        // Some exports write "no reference" as -1 (seen: `originalVersion` -1 on a
        // live page, which must not make it a historical version).
        (!v.is_empty() && !v.starts_with('-'))
            .then(|| (p.class.as_deref().unwrap_or(""), v.to_string()))
    }

    fn collection(&self, name: &str) -> &[String] {
        self.collections
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
            .unwrap_or_default()
    }
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .map(|a| entities::unescape(&a.value))
}

/// Where in an object the reader is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    /// Outside any object.
    Outside,
    /// Directly inside `<object>`.
    Object,
    /// Inside `<id>` of the object.
    ObjectId,
    /// Inside `<property>` (its text or its nested `<id>`).
    Property,
    /// Inside `<collection>`.
    Collection,
    /// Inside `<element>` of a collection (its `<id>` gives the value).
    Element,
    /// Anywhere else (ignored).
    Other,
}

/// Streams `entities.xml` into the index. Errors name the byte offset.
pub fn parse<R: Read>(stream: R, ix: &mut Index) -> Result<(), String> {
    let mut reader = Reader::from_reader(BufReader::with_capacity(64 * 1024, stream));
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::new();
    let mut depth = 0usize;
    // Depth of the current object's element, and the stack of places.
    let mut places: Vec<At> = Vec::new();
    let mut obj: Option<Obj> = None;
    let mut text = String::new();
    let mut seq = 0usize;
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            format!(
                "not well-formed XML at byte {}: {e}",
                reader.error_position()
            )
        })?;
        match event {
            Event::Start(e) => {
                depth += 1;
                let here = places.last().copied().unwrap_or(At::Outside);
                let name = e.name();
                let next = match (here, name.as_ref()) {
                    // The document element of a real export: its children are
                    // the objects, so inside it is still "outside any object".
                    (At::Outside, "hibernate-generic") => At::Outside,
                    (At::Outside, "object") => {
                        obj = Some(Obj {
                            class: attr(&e, "class").unwrap_or_default(),
                            ..Obj::default()
                        });
                        At::Object
                    }
                    (At::Object, "id") => {
                        text.clear();
                        At::ObjectId
                    }
                    (At::Object, "property") => {
                        if let Some(o) = obj.as_mut() {
                            o.props.push(Prop {
                                name: attr(&e, "name").unwrap_or_default(),
                                class: attr(&e, "class"),
                                value: String::new(),
                            });
                        }
                        text.clear();
                        At::Property
                    }
                    (At::Object, "collection") => {
                        if let Some(o) = obj.as_mut() {
                            o.collections
                                .push((attr(&e, "name").unwrap_or_default(), Vec::new()));
                        }
                        At::Collection
                    }
                    (At::Collection, "element") => {
                        text.clear();
                        At::Element
                    }
                    // `<id>` inside a property or element: its text is the value.
                    (At::Property, "id") | (At::Element, "id") => here,
                    // The document element (`<hibernate-generic>`) and any other
                    // wrapper outside an object: objects may still follow inside.
                    (At::Outside, _) => At::Outside,
                    _ => At::Other,
                };
                places.push(next);
            }
            Event::Empty(e) => {
                // `<property name="x"/>` is null; `<object .../>` has nothing.
                if places.last() == Some(&At::Object)
                    && e.name().as_ref() == "property"
                    && let Some(o) = obj.as_mut()
                {
                    o.props.push(Prop {
                        name: attr(&e, "name").unwrap_or_default(),
                        class: attr(&e, "class"),
                        value: String::new(),
                    });
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                let Some(here) = places.pop() else { continue };
                let parent = places.last().copied().unwrap_or(At::Outside);
                match here {
                    At::ObjectId => {
                        if let Some(o) = obj.as_mut() {
                            o.id = text.trim().to_string();
                        }
                    }
                    At::Property if parent == At::Object => {
                        if let Some(p) = obj.as_mut().and_then(|o| o.props.last_mut()) {
                            p.value = std::mem::take(&mut text);
                        }
                    }
                    At::Element if parent == At::Collection => {
                        if let Some((_, ids)) = obj.as_mut().and_then(|o| o.collections.last_mut())
                        {
                            let id = text.trim();
                            if !id.is_empty() {
                                ids.push(id.to_string());
                            }
                        }
                    }
                    At::Object => {
                        if let Some(o) = obj.take() {
                            seq += 1;
                            take(ix, o, seq).map_err(|e| {
                                format!(
                                    "cannot store a body near byte {}: {e}",
                                    reader.buffer_position()
                                )
                            })?;
                        }
                    }
                    _ => {}
                }
            }
            Event::Text(t) if collecting(&places) => push(&mut text, &t.into_inner()),
            Event::CData(t) if collecting(&places) => push(&mut text, &t.into_inner()),
            Event::GeneralRef(r) if collecting(&places) => {
                let name = r.into_inner();
                match entities::resolve(&name) {
                    Some(v) => push(&mut text, &v),
                    // Unknown (possibly DTD-declared) entities are never expanded.
                    None => push(&mut text, &format!("&{name};")),
                }
            }
            Event::Eof => break,
            // DOCTYPE, processing instructions, comments: ignored.
            _ => {}
        }
        buf.clear();
    }
    if depth != 0 || obj.is_some() {
        return Err(format!(
            "the file ends inside an element at byte {} (truncated export?)",
            reader.buffer_position()
        ));
    }
    Ok(())
}

fn collecting(places: &[At]) -> bool {
    matches!(
        places.last(),
        Some(At::ObjectId) | Some(At::Property) | Some(At::Element)
    )
}

/// Appends text, dropping control characters XML forbids (they occur in real
/// exports) and refusing to grow past the per-value cap.
fn push(text: &mut String, s: &str) {
    if text.len() + s.len() > MAX_VALUE_BYTES {
        return;
    }
    if s.chars().any(entities::is_unwanted_control) {
        text.extend(s.chars().filter(|c| !entities::is_unwanted_control(*c)));
    } else {
        text.push_str(s);
    }
}

fn number<T: std::str::FromStr>(v: Option<&str>) -> Option<T> {
    v.and_then(|v| v.trim().parse().ok())
}

/// One finished object → its record in the index.
fn take(ix: &mut Index, o: Obj, seq: usize) -> std::io::Result<()> {
    let class = o.class.as_str();
    match class {
        "Space" => ix.spaces.push(SpaceRec {
            id: o.id.clone(),
            key: o.string("key").unwrap_or_default(),
            name: o.string("name").unwrap_or_default(),
            home: o.reference("homePage").map(|(_, id)| id),
            description: o.reference("description").map(|(_, id)| id),
        }),
        "Page" | "BlogPost" | "Comment" | "SpaceDescription" => {
            let mut c = ContentRec::new(o.id.clone(), Class::from_name(class), seq);
            c.title = o.get("title").unwrap_or("").trim().to_string();
            c.space = o.reference("space").map(|(_, id)| id);
            c.parent = o.reference("parent").map(|(_, id)| id);
            c.container = o
                .reference("containerContent")
                .or_else(|| o.reference("owner"))
                .or_else(|| o.reference("page"))
                .map(|(_, id)| id);
            c.position = number(o.get("position"));
            c.version = number(o.get("version"));
            c.created = o.string("creationDate");
            c.modified = o.string("lastModificationDate");
            c.creator = o
                .reference("creator")
                .map(|(_, k)| k)
                .or_else(|| o.string("creatorName"));
            c.status = o.string("contentStatus");
            c.original = o
                .reference("originalVersion")
                .map(|(_, id)| id)
                .or_else(|| o.string("originalVersionId"));
            ix.contents.insert(c.id.clone(), c);
        }
        "Attachment" => ix.attachments.push(AttachmentRec {
            id: o.id.clone(),
            name: o
                .get("title")
                .or_else(|| o.get("fileName"))
                .unwrap_or("")
                .trim()
                .to_string(),
            container: o
                .reference("containerContent")
                .or_else(|| o.reference("content"))
                .map(|(_, id)| id),
            version: number(o.get("version")).or_else(|| number(o.get("attachmentVersion"))),
            status: o.string("contentStatus"),
            original: o
                .reference("originalVersion")
                .map(|(_, id)| id)
                .or_else(|| o.string("originalVersionId")),
            media_type: o.string("contentType"),
            properties: o.collection("contentProperties").to_vec(),
            seq,
        }),
        "BodyContent" => {
            let Some((_, owner)) = o.reference("content") else {
                return Ok(());
            };
            let body = o.get("body").unwrap_or("");
            let at = ix.store.put(body)?;
            ix.bodies.push(BodyRec {
                owner,
                body_type: number(o.get("bodyType")),
                at,
            });
        }
        "Label" => {
            let ns = o.get("namespace").unwrap_or("global").trim();
            if ns == "global"
                && let Some(name) = o.string("name")
            {
                ix.labels.insert(o.id.clone(), name);
            }
        }
        "Labelling" => {
            if let (Some((_, label)), Some((_, content))) =
                (o.reference("label"), o.reference("content"))
            {
                ix.labellings.push((label, content));
            }
        }
        "ConfluenceUserImpl" => {
            let name = o.string("name").or_else(|| o.string("lowerName"));
            if let Some(name) = name {
                if let Some(aaid) = o.string("atlassianAccountId") {
                    ix.users.insert(aaid, name.clone());
                }
                ix.users.insert(name.clone(), name.clone());
                ix.users.insert(o.id.clone(), name);
            }
        }
        "ContentProperty" => {
            if o.get("name").map(str::trim) == Some("MEDIA_TYPE")
                && let Some(v) = o.string("stringValue")
            {
                ix.media_types.insert(o.id.clone(), v);
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_inside_the_hibernate_generic_root_are_read() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?>
<hibernate-generic datetime="2026-07-08 10:00:00">
  <object class="Space" package="com.atlassian.confluence.spaces">
    <id name="id">10</id>
    <property name="key"><![CDATA[OPS]]></property>
  </object>
  <object class="Page" package="com.atlassian.confluence.pages">
    <id name="id">30</id>
    <property name="title"><![CDATA[Sample Page]]></property>
    <property name="space" class="Space" package="com.atlassian.confluence.spaces"><id name="id">10</id></property>
  </object>
</hibernate-generic>"#;
        let mut ix = Index::new("entities.xml").unwrap();
        parse(xml.as_bytes(), &mut ix).unwrap();
        assert_eq!(ix.spaces.len(), 1);
        assert_eq!(ix.spaces[0].key, "OPS");
        let page = &ix.contents["30"];
        assert_eq!(page.title, "Sample Page");
        assert_eq!(page.space.as_deref(), Some("10"));
        assert_eq!(page.original, None);
    }

    #[test]
    fn a_reference_of_minus_one_is_no_reference() {
        let xml = r#"<hibernate-generic>
  <object class="Page" package="com.atlassian.confluence.pages">
    <id name="id">31</id>
    <property name="title"><![CDATA[Live]]></property>
    <property name="originalVersion">-1</property>
  </object>
  <object class="Page" package="com.atlassian.confluence.pages">
    <id name="id">32</id>
    <property name="title"><![CDATA[Old]]></property>
    <property name="originalVersion" class="Page" package="com.atlassian.confluence.pages"><id name="id">31</id></property>
  </object>
</hibernate-generic>"#;
        let mut ix = Index::new("entities.xml").unwrap();
        parse(xml.as_bytes(), &mut ix).unwrap();
        assert_eq!(ix.contents["31"].original, None);
        assert_eq!(ix.contents["32"].original.as_deref(), Some("31"));
    }
}
