//! The container both file formats share (checkpoints and project files): a header — eight
//! magic bytes naming the format, its version (u32, little-endian) and the CRC-32 of the body
//! (u32) — then the body, length-prefixed sections: each its length (u64, little-endian) then its
//! bytes. What each section holds is the format's business.

/// Magic, version and checksum.
pub(crate) const HEADER: usize = 8 + 4 + 4;

/// `body` behind a header of `magic` and `version`, with its checksum.
pub(crate) fn seal(magic: &[u8; 8], version: u32, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER + body.len());
    out.extend_from_slice(magic);
    out.extend(version.to_le_bytes());
    out.extend(crc32fast::hash(body).to_le_bytes());
    out.extend_from_slice(body);
    out
}

/// Why bytes are not a file of a format, as far as its header tells.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Unsealed {
    /// They do not start with the format's magic bytes.
    Foreign,
    /// They stop before the header (or `min_body` bytes of body) ends: "N bytes".
    Truncated(String),
}

/// A file's header read, its body not yet checked.
pub(crate) struct Sealed<'a> {
    /// The format version it was written in.
    pub version: u32,
    /// The body.
    pub body: &'a [u8],
    crc: u32,
}

impl Sealed<'_> {
    /// Whether the body is as it was written. Check it after reading the sections, so that a
    /// file cut short reports itself as truncated rather than damaged.
    pub fn intact(&self) -> bool {
        crc32fast::hash(self.body) == self.crc
    }
}

/// Reads the header of a file of the format `magic`, with at least `min_body` bytes of body.
pub(crate) fn unseal<'a>(
    bytes: &'a [u8],
    magic: &[u8; 8],
    min_body: usize,
) -> Result<Sealed<'a>, Unsealed> {
    if bytes.len() < magic.len() || &bytes[..magic.len()] != magic {
        return Err(if bytes.len() < magic.len() && magic.starts_with(bytes) {
            Unsealed::Truncated(format!("{} bytes", bytes.len()))
        } else {
            Unsealed::Foreign
        });
    }
    if bytes.len() < HEADER + min_body {
        return Err(Unsealed::Truncated(format!("{} bytes", bytes.len())));
    }
    let u32_at = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().expect("4 bytes"));
    Ok(Sealed {
        version: u32_at(8),
        crc: u32_at(12),
        body: &bytes[HEADER..],
    })
}

/// Appends `section` with its length.
pub(crate) fn write(out: &mut Vec<u8>, section: &[u8]) {
    out.extend((section.len() as u64).to_le_bytes());
    out.extend_from_slice(section);
}

/// The first `count` sections of `body`, or what is missing ("section 2 has no length").
pub(crate) fn read(mut body: &[u8], count: usize) -> Result<Vec<&[u8]>, String> {
    let mut sections = Vec::with_capacity(count);
    for i in 0..count {
        if body.len() < 8 {
            return Err(format!("section {i} has no length"));
        }
        let len = u64::from_le_bytes(body[..8].try_into().expect("8 bytes"));
        body = &body[8..];
        if len > body.len() as u64 {
            return Err(format!(
                "section {i} needs {len} bytes, {} left",
                body.len()
            ));
        }
        let (head, tail) = body.split_at(len as usize);
        sections.push(head);
        body = tail;
    }
    Ok(sections)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_body_comes_back_and_any_damage_shows() {
        let mut body = Vec::new();
        write(&mut body, b"first");
        write(&mut body, b"");
        let file = seal(b"TESTFMT\0", 3, &body);
        let sealed = unseal(&file, b"TESTFMT\0", 0).unwrap();
        assert_eq!(sealed.version, 3);
        assert!(sealed.intact());
        assert_eq!(read(sealed.body, 2).unwrap(), [&b"first"[..], &b""[..]]);
        let mut damaged = file.clone();
        damaged[HEADER + 9] ^= 1;
        assert!(!unseal(&damaged, b"TESTFMT\0", 0).unwrap().intact());
        assert_eq!(
            unseal(&file, b"OTHERFM\0", 0).err(),
            Some(Unsealed::Foreign)
        );
        assert_eq!(
            unseal(&file[..5], b"TESTFMT\0", 0).err(),
            Some(Unsealed::Truncated("5 bytes".into()))
        );
        assert!(read(&sealed.body[..10], 2).is_err(), "a cut section");
    }
}
