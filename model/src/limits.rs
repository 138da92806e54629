//! Limits on what users bring, shared by the page (which refuses a file before reading it) and
//! the decoder in [`images`](crate) (which refuses what gets past it).

/// Largest file accepted, in bytes (50 MB).
pub const MAX_FILE_BYTES: usize = 50 * 1000 * 1000;
/// Largest image accepted, in pixels as declared by its header (40 megapixels).
pub const MAX_PIXELS: u64 = 40 * 1000 * 1000;
