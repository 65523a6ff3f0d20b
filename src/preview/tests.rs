use std::cell::RefCell;

use super::*;
use crate::bundle::records::{Document, DocumentSource, OrgSource, Organization};

fn records(docs: usize) -> Records {
    let org = Organization {
        key: "org/SYN".into(),
        name: "Synthetic".into(),
        match_: "create".into(),
        source: OrgSource {
            space_key: "SYN".into(),
            space_name: "Synthetic".into(),
            page_id: None,
        },
    };
    let documents = (0..docs)
        .map(|i| Document {
            key: format!("doc/SYN/{i}"),
            org: org.key.clone(),
            name: format!("Page {i}"),
            folder: None,
            position: i,
            content: format!("documents/SYN/{i}.html"),
            images: Vec::new(),
            attachments: Vec::new(),
            links: Vec::new(),
            source: DocumentSource {
                kind: "page".into(),
                space_key: "SYN".into(),
                page_id: i.to_string(),
                title: format!("Page {i}"),
                version: None,
                created: None,
                modified: None,
                author: None,
                labels: Vec::new(),
                ancestors: Vec::new(),
                file: None,
            },
        })
        .collect();
    Records {
        organizations: vec![org],
        documents,
        ..Records::default()
    }
}

#[test]
fn build_each_hands_over_each_document_page_before_reading_the_next_body() {
    let recs = records(3);
    // What happened, in order: "read <body>" and "emit <path>".
    let log = RefCell::new(Vec::<String>::new());
    let body = |rel: &str| {
        log.borrow_mut().push(format!("read {rel}"));
        Ok(format!("<p>body of {rel}</p>"))
    };
    let mut emitted = Vec::new();
    build_each(&recs, &[], &body, &mut |path, text| {
        log.borrow_mut().push(format!("emit {path}"));
        emitted.push((path, text));
        Ok(())
    })
    .unwrap();
    let log = log.borrow().clone();
    let reads: Vec<usize> = (0..log.len())
        .filter(|&i| log[i].starts_with("read "))
        .collect();
    assert_eq!(reads.len(), 3);
    for w in reads.windows(2) {
        assert!(
            log[w[0] + 1].starts_with("emit "),
            "a document's page is emitted before the next body is read: {log:?}"
        );
    }
    // The same files as `build`, which sorts them.
    emitted.sort_by(|a, b| a.0.cmp(&b.0));
    let plain = |rel: &str| Ok(format!("<p>body of {rel}</p>"));
    assert_eq!(emitted, build(&recs, &[], &plain).unwrap());
    assert!(
        emitted
            .iter()
            .any(|(_, t)| t.contains("body of documents/SYN/2.html"))
    );
}
