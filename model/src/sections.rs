//! Length-prefixed sections, the body of both file formats (checkpoints and project files):
//! each section is its length (u64, little-endian) then its bytes.

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
