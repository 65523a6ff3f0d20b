//! Raw storage-format bodies kept on disk while an export is indexed: every body
//! met is appended to one anonymous temporary file and read back by offset when
//! its page is converted (or included by another page). Only (offset, length)
//! stays in memory, so a 2 GB `entities.xml` does not need 2 GB of RAM.

use std::fs::File;
use std::io::{self, Write};

/// Where one body is in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stored {
    offset: u64,
    len: u64,
}

pub struct BodyStore {
    file: File,
    end: u64,
}

impl BodyStore {
    pub fn new() -> io::Result<BodyStore> {
        Ok(BodyStore {
            file: tempfile::tempfile()?,
            end: 0,
        })
    }

    pub fn put(&mut self, text: &str) -> io::Result<Stored> {
        self.file.write_all(text.as_bytes())?;
        let at = Stored {
            offset: self.end,
            len: text.len() as u64,
        };
        self.end += text.len() as u64;
        Ok(at)
    }

    /// Reads a body back (shared access: positional reads, no seeking).
    pub fn get(&self, at: Stored) -> io::Result<String> {
        let mut buf = vec![0u8; at.len as usize];
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileExt;
            self.file.read_exact_at(&mut buf, at.offset)?;
        }
        #[cfg(windows)]
        {
            use std::os::windows::fs::FileExt;
            let mut done = 0;
            while done < buf.len() {
                let n = self
                    .file
                    .seek_read(&mut buf[done..], at.offset + done as u64)?;
                if n == 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                done += n;
            }
        }
        String::from_utf8(buf).map_err(io::Error::other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_round_trip() {
        let mut s = BodyStore::new().unwrap();
        let a = s.put("<p>one ]]> ü</p>").unwrap();
        let b = s.put("").unwrap();
        let c = s.put("<p>three</p>").unwrap();
        assert_eq!(s.get(c).unwrap(), "<p>three</p>");
        assert_eq!(s.get(a).unwrap(), "<p>one ]]> ü</p>");
        assert_eq!(s.get(b).unwrap(), "");
    }
}
