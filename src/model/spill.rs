//! Parking page bodies on disk between passes, so memory does not grow with the
//! export: a body is serialized (postcard) into one append-only temporary file and
//! read back by offset when a pass needs it.

use std::fs::File;
use std::io::{self, Write};
use std::sync::Mutex;

use super::{Body, Page};

/// Where a parked body is in the spill file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parked {
    offset: u64,
    len: u64,
}

/// An append-only store of serialized bodies (an anonymous temporary file).
pub struct Spill {
    writer: Mutex<(File, u64)>,
    reader: File,
}

impl Spill {
    pub fn new() -> io::Result<Spill> {
        let file = tempfile::tempfile()?;
        let reader = file.try_clone()?;
        Ok(Spill {
            writer: Mutex::new((file, 0)),
            reader,
        })
    }

    pub fn put(&self, body: &Body) -> io::Result<Parked> {
        let bytes = postcard::to_stdvec(body).map_err(io::Error::other)?;
        let mut w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let offset = w.1;
        w.0.write_all(&bytes)?;
        w.1 += bytes.len() as u64;
        Ok(Parked {
            offset,
            len: bytes.len() as u64,
        })
    }

    pub fn get(&self, p: Parked) -> io::Result<Body> {
        let mut buf = vec![0u8; p.len as usize];
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileExt;
            self.reader.read_exact_at(&mut buf, p.offset)?;
        }
        #[cfg(windows)]
        {
            use std::os::windows::fs::FileExt;
            let mut done = 0;
            while done < buf.len() {
                let n = self
                    .reader
                    .seek_read(&mut buf[done..], p.offset + done as u64)?;
                if n == 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                done += n;
            }
        }
        postcard::from_bytes(&buf).map_err(io::Error::other)
    }

    /// Moves a page's body to disk (no-op without a body).
    pub fn park(&self, page: &mut Page) -> io::Result<()> {
        if let Some(body) = page.body.take() {
            page.has_content = !body.is_empty();
            page.parked = Some(self.put(&body)?);
        }
        Ok(())
    }

    /// Brings a parked body back into `page.body`.
    pub fn unpark(&self, page: &mut Page) -> io::Result<()> {
        if let Some(p) = page.parked.take() {
            page.body = Some(self.get(p)?);
        }
        Ok(())
    }

    /// A copy of a page's body, parked or not.
    pub fn body(&self, page: &Page) -> io::Result<Option<Body>> {
        match (&page.body, page.parked) {
            (Some(b), _) => Ok(Some(b.clone())),
            (None, Some(p)) => self.get(p).map(Some),
            (None, None) => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Block, Inline};

    #[test]
    fn park_and_unpark_round_trip() {
        let spill = Spill::new().unwrap();
        let mut pages: Vec<Page> = (0..3)
            .map(|i| {
                let mut p = Page::new(i.to_string(), "t");
                p.body = Some(Body {
                    blocks: vec![Block::Para(vec![Inline::Text(format!("page {i} ]]> <&"))])],
                });
                p
            })
            .collect();
        let originals: Vec<_> = pages.iter().map(|p| p.body.clone()).collect();
        for p in &mut pages {
            spill.park(p).unwrap();
            assert!(p.body.is_none() && p.parked.is_some() && p.has_content);
        }
        for (p, o) in pages.iter_mut().zip(originals) {
            spill.unpark(p).unwrap();
            assert_eq!(p.body, o);
        }
    }
}
