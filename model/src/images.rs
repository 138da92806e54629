//! User images in and out: decoding with limits, EXIF orientation, alpha on white, centre crop,
//! resize, conversion to and from the model's [-1, 1] pixels, PNG encoding and sample grids.

use std::io::Cursor;

use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, Rgba, RgbaImage};

pub use crate::limits::{MAX_FILE_BYTES, MAX_PIXELS};

/// Why an image was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImageErrorKind {
    /// The file has no bytes.
    #[error("the file is empty")]
    Empty,
    /// The file is over [`MAX_FILE_BYTES`].
    #[error("the file is {bytes} bytes, over the limit of {MAX_FILE_BYTES}")]
    FileTooLarge {
        /// Its size.
        bytes: usize,
    },
    /// No supported image format recognised its first bytes.
    #[error("not an image in a supported format (PNG, JPEG, GIF, WebP or BMP)")]
    NotAnImage,
    /// A recognised image format that this build does not decode.
    #[error("{0} images are not supported (use PNG, JPEG, GIF, WebP or BMP)")]
    UnsupportedFormat(String),
    /// The header declares more pixels than [`MAX_PIXELS`], or a zero side.
    #[error("the image declares {width}×{height} pixels, outside 1 to {MAX_PIXELS} pixels")]
    BadDimensions {
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
    },
    /// The decoder failed: truncated or corrupt data.
    #[error("the image data is corrupt or truncated ({0})")]
    Corrupt(String),
}

/// An image that could not be loaded: the file's name and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}: {kind}")]
pub struct ImageError {
    /// The file's name, as the user gave it.
    pub file: String,
    /// The reason.
    pub kind: ImageErrorKind,
}

/// Decodes `bytes` (PNG, JPEG, GIF's first frame, WebP, BMP) into an upright image.
///
/// The size and the header's dimensions are checked before any pixel is decoded.
pub fn decode(file: &str, bytes: &[u8]) -> Result<DynamicImage, ImageError> {
    let fail = |kind| ImageError {
        file: file.to_string(),
        kind,
    };
    if bytes.is_empty() {
        return Err(fail(ImageErrorKind::Empty));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(fail(ImageErrorKind::FileTooLarge { bytes: bytes.len() }));
    }
    let format = image::guess_format(bytes).map_err(|_| fail(ImageErrorKind::NotAnImage))?;
    if !matches!(
        format,
        ImageFormat::Png
            | ImageFormat::Jpeg
            | ImageFormat::Gif
            | ImageFormat::WebP
            | ImageFormat::Bmp
    ) {
        return Err(fail(ImageErrorKind::UnsupportedFormat(format!(
            "{format:?}"
        ))));
    }
    // The declared size is read from the header alone (imagesize) before any decoder is made:
    // some decoders refuse absurd headers themselves, with a less useful message (on 32-bit
    // wasm, "memory limit exceeded").
    let check = |width: u64, height: u64| {
        if width == 0 || height == 0 || width * height > MAX_PIXELS {
            let clamp = |v: u64| v.min(u64::from(u32::MAX)) as u32;
            return Err(fail(ImageErrorKind::BadDimensions {
                width: clamp(width),
                height: clamp(height),
            }));
        }
        Ok(())
    };
    if let Ok(size) = imagesize::blob_size(bytes) {
        check(size.width as u64, size.height as u64)?;
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.no_limits();
    let corrupt = |e: image::ImageError| ImageErrorKind::Corrupt(e.to_string());
    let mut decoder = reader.into_decoder().map_err(|e| fail(corrupt(e)))?;
    let (width, height) = decoder.dimensions();
    check(u64::from(width), u64::from(height))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    // RGBA at 16 bits per channel is the largest buffer a decoder needs, plus slack.
    limits.max_alloc = Some(MAX_PIXELS * 8 + (64 << 20));
    decoder.set_limits(limits).map_err(|e| fail(corrupt(e)))?;
    // A broken EXIF block should not cost the user the image: treat it as upright.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| fail(corrupt(e)))?;
    image.apply_orientation(orientation);
    Ok(image)
}

/// The filter that scales an image to the training size (`gan-train --resize`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Resize {
    /// Lanczos (3 lobes): the sharpest, with some ringing at hard edges.
    #[default]
    Lanczos3,
    /// Bilinear, widened when shrinking (a triangle filter: PIL's antialiased `BILINEAR`).
    Bilinear,
    /// The average of the source pixels each output pixel covers (box/area; bilinear when
    /// enlarging).
    Area,
}

/// Composites alpha over white, crops the centre square, resizes it to `size` with the default
/// filter ([`Resize::default`]) and returns `channels × size × size` values in [-1, 1] (grey:
/// luma).
pub fn prepare(image: &DynamicImage, size: usize, channels: usize) -> Vec<f32> {
    prepare_with(image, size, channels, Resize::default())
}

/// [`prepare`] with the filter `resize`.
///
/// Alpha goes over white *before* the resize: a transparent pixel's colour is hidden, often
/// black, and averaging it with its opaque neighbours first would bleed it into the edges.
pub fn prepare_with(
    image: &DynamicImage,
    size: usize,
    channels: usize,
    resize: Resize,
) -> Vec<f32> {
    let rgba = image.to_rgba32f();
    let (w, h) = rgba.dimensions();
    let side = w.min(h);
    let square =
        image::imageops::crop_imm(&rgba, (w - side) / 2, (h - side) / 2, side, side).to_image();
    let on_white = image::Rgb32FImage::from_fn(side, side, |x, y| {
        let p = square.get_pixel(x, y);
        let a = p[3].clamp(0.0, 1.0);
        image::Rgb(std::array::from_fn(|c| p[c] * a + (1.0 - a)))
    });
    let side_out = size as u32;
    let small = match resize {
        Resize::Lanczos3 => {
            image::imageops::resize(&on_white, side_out, side_out, FilterType::Lanczos3)
        }
        Resize::Area if side > side_out => {
            // `thumbnail` averages with integer rounding (it adds half the count before
            // dividing), which is wrong for f32 pixels: average 16-bit ones instead.
            let deep = DynamicImage::ImageRgb32F(on_white).to_rgb16();
            let small = image::imageops::thumbnail(&deep, side_out, side_out);
            DynamicImage::ImageRgb16(small).to_rgb32f()
        }
        Resize::Bilinear | Resize::Area => {
            image::imageops::resize(&on_white, side_out, side_out, FilterType::Triangle)
        }
    };
    let rgb: Vec<[f32; 3]> = small
        .pixels()
        .map(|p| std::array::from_fn(|c| p[c].clamp(0.0, 1.0)))
        .collect();
    let mut out = Vec::with_capacity(channels * size * size);
    for c in 0..channels {
        out.extend(rgb.iter().map(|p| {
            let v = if channels == 1 {
                0.299 * p[0] + 0.587 * p[1] + 0.114 * p[2]
            } else {
                p[c]
            };
            v * 2.0 - 1.0
        }));
    }
    out
}

/// Decodes and prepares in one go: what loading a user's file does.
pub fn load(
    file: &str,
    bytes: &[u8],
    size: usize,
    channels: usize,
) -> Result<Vec<f32>, ImageError> {
    Ok(prepare(&decode(file, bytes)?, size, channels))
}

/// One image of `channels × size × size` values in [-1, 1] as opaque RGBA8.
pub fn to_rgba(pixels: &[f32], channels: usize, size: usize) -> RgbaImage {
    let plane = size * size;
    let byte = |v: f32| ((v.clamp(-1.0, 1.0) + 1.0) * 127.5).round() as u8;
    RgbaImage::from_fn(size as u32, size as u32, |x, y| {
        let i = y as usize * size + x as usize;
        let c = |k: usize| byte(pixels[if channels == 1 { i } else { k * plane + i }]);
        Rgba([c(0), c(1), c(2), 255])
    })
}

/// `maps` feature maps of `side × side` values (laid one after another) as grey RGBA8 images,
/// each scaled from its own minimum (black) to its own maximum (white); a constant map is
/// black.
pub fn feature_maps_rgba(values: &[f32], maps: usize, side: usize) -> Vec<Vec<u8>> {
    values
        .chunks_exact(side * side)
        .take(maps)
        .map(|map| {
            let (lo, hi) = map
                .iter()
                .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &v| {
                    (lo.min(v), hi.max(v))
                });
            let range = if hi > lo { hi - lo } else { f32::INFINITY };
            map.iter()
                .flat_map(|&v| {
                    let g = ((v - lo) / range * 255.0).round() as u8;
                    [g, g, g, 255]
                })
                .collect()
        })
        .collect()
}

/// PNG bytes of an RGBA image.
pub fn encode_png(image: &RgbaImage) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image
        .write_to(&mut out, ImageFormat::Png)
        .expect("encoding an in-memory RGBA8 PNG cannot fail");
    out.into_inner()
}

/// `image` enlarged `factor` times with nearest-neighbour sampling: crisp pixels for exports of
/// small generated images.
pub fn enlarge(image: &RgbaImage, factor: u32) -> RgbaImage {
    let factor = factor.max(1);
    image::imageops::resize(
        image,
        image.width() * factor,
        image.height() * factor,
        FilterType::Nearest,
    )
}

/// An animated GIF of `frames` (all the same size) shown `frame_ms` each, looping forever.
pub fn encode_gif(frames: &[RgbaImage], frame_ms: u32) -> Result<Vec<u8>, image::ImageError> {
    use image::codecs::gif::{GifEncoder, Repeat};
    let mut out = Vec::new();
    {
        // Speed 10 of 30: a good palette for smooth generated images, still quick in wasm.
        let mut encoder = GifEncoder::new_with_speed(&mut out, 10);
        encoder.set_repeat(Repeat::Infinite)?;
        let delay = image::Delay::from_numer_denom_ms(frame_ms, 1);
        encoder.encode_frames(
            frames
                .iter()
                .map(|f| image::Frame::from_parts(f.clone(), 0, 0, delay)),
        )?;
    }
    Ok(out)
}

/// A `columns × rows` grid of images (each `channels × size × size` in [-1, 1], laid one after
/// another in `pixels`) with `gap` pixels of dark border; missing images stay dark.
pub fn grid(
    pixels: &[f32],
    channels: usize,
    size: usize,
    columns: usize,
    rows: usize,
    gap: usize,
) -> RgbaImage {
    let cell = size + gap;
    let (w, h) = ((columns * cell + gap) as u32, (rows * cell + gap) as u32);
    let mut out = RgbaImage::from_pixel(w, h, Rgba([24, 24, 32, 255]));
    let per_image = channels * size * size;
    for (i, image) in pixels
        .chunks_exact(per_image)
        .take(columns * rows)
        .enumerate()
    {
        let tile = to_rgba(image, channels, size);
        let (x, y) = ((i % columns) * cell + gap, (i / columns) * cell + gap);
        image::imageops::replace(&mut out, &tile, x as i64, y as i64);
    }
    out
}

/// The tiles of a `columns × rows` grid of `size`-pixel images, as [`grid`] writes it (with a
/// gap) or edge to edge (as the PyTorch reference writes it), each `channels × size × size`
/// values in [-1, 1], row by row. The gap is found from the grid's width.
pub fn grid_tiles(
    grid: &RgbaImage,
    columns: usize,
    rows: usize,
    size: usize,
    channels: usize,
) -> Result<Vec<f32>, String> {
    let width = grid.width() as usize;
    let spare = width
        .checked_sub(columns * size)
        .filter(|s| s % (columns + 1) == 0);
    let gap = match spare {
        Some(0) => 0,
        Some(spare) => spare / (columns + 1),
        None => {
            return Err(format!(
                "{width} pixels wide is not {columns} tiles of {size} with equal gaps"
            ));
        }
    };
    let step = size + gap;
    if (grid.height() as usize) < rows * step {
        return Err(format!("{} pixels high is too short", grid.height()));
    }
    let mut out = Vec::with_capacity(columns * rows * channels * size * size);
    for i in 0..columns * rows {
        let (x, y) = ((i % columns) * step + gap, (i / columns) * step + gap);
        let tile = image::imageops::crop_imm(grid, x as u32, y as u32, size as u32, size as u32);
        out.extend(prepare(
            &DynamicImage::ImageRgba8(tile.to_image()),
            size,
            channels,
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder, Rgb, RgbImage};

    #[test]
    fn grid_tiles_read_back_what_grid_wrote_with_or_without_gaps() {
        let pixels: Vec<f32> = (0..4 * 3 * 16 * 16)
            .map(|i| (i * 37 % 255) as f32 / 127.5 - 1.0)
            .collect();
        let quantised: Vec<f32> = pixels
            .iter()
            .map(|v| ((v + 1.0) * 127.5).round() / 127.5 - 1.0)
            .collect();
        for gap in [0, 2] {
            let image = grid(&pixels, 3, 16, 2, 2, gap);
            let tiles = grid_tiles(&image, 2, 2, 16, 3).unwrap();
            assert_eq!(tiles.len(), pixels.len());
            for (a, b) in tiles.iter().zip(&quantised) {
                assert!((a - b).abs() < 1e-5, "gap {gap}");
            }
        }
        assert!(grid_tiles(&RgbaImage::new(33, 33), 2, 2, 16, 3).is_err());
    }

    fn encoded(format: ImageFormat, image: &DynamicImage) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    /// A 40×20 image: left half red, right half blue.
    fn halves() -> DynamicImage {
        DynamicImage::ImageRgb8(RgbImage::from_fn(40, 20, |x, _| {
            if x < 20 {
                Rgb([255, 0, 0])
            } else {
                Rgb([0, 0, 255])
            }
        }))
    }

    #[test]
    fn decodes_every_format() {
        let image = halves();
        for format in [
            ImageFormat::Png,
            ImageFormat::Jpeg,
            ImageFormat::Gif,
            ImageFormat::WebP,
            ImageFormat::Bmp,
        ] {
            let bytes = encoded(format, &image);
            let back = decode("x", &bytes).unwrap_or_else(|e| panic!("{format:?}: {e}"));
            assert_eq!((back.width(), back.height()), (40, 20), "{format:?}");
            let px = back.to_rgb8();
            // Lossy formats (JPEG, GIF's palette) stay near the colours.
            assert!(
                px.get_pixel(5, 10)[0] > 200 && px.get_pixel(35, 10)[2] > 200,
                "{format:?}"
            );
        }
    }

    #[test]
    fn prepare_crops_the_centre_and_scales_to_unit_range() {
        // Centre crop of 40×20 is x in 10..30: half red, half blue.
        let p = prepare(&halves(), 8, 3);
        assert_eq!(p.len(), 3 * 64);
        assert!(p.iter().all(|v| (-1.0..=1.0).contains(v)));
        let (red, blue) = (&p[0..64], &p[128..192]);
        assert!(red[8] > 0.9 && blue[8] < -0.9, "left of the crop is red");
        assert!(
            red[15] < -0.9 && blue[15] > 0.9,
            "right of the crop is blue"
        );
        assert_eq!(prepare(&halves(), 8, 1).len(), 64);
    }

    #[test]
    fn transparent_pixels_become_white() {
        let clear = DynamicImage::ImageRgba8(RgbaImage::from_pixel(4, 4, Rgba([0, 0, 0, 0])));
        let p = prepare(&clear, 4, 3);
        assert!(p.iter().all(|&v| (v - 1.0).abs() < 1e-5));
    }

    #[test]
    fn hidden_colour_of_transparent_pixels_does_not_bleed_into_edges() {
        // A white opaque half beside a transparent half whose hidden colour is black: on
        // white, the image is all white, whatever the filter does at the edge.
        let image = RgbaImage::from_fn(16, 16, |x, _| {
            if x < 8 {
                Rgba([255, 255, 255, 255])
            } else {
                Rgba([0, 0, 0, 0])
            }
        });
        let p = prepare(&DynamicImage::ImageRgba8(image), 5, 3);
        let darkest = p.iter().cloned().fold(f32::INFINITY, f32::min);
        assert!(
            darkest > 0.999,
            "an edge pixel took the hidden black: {darkest}"
        );
    }

    #[test]
    fn every_filter_keeps_a_flat_image_flat_and_halves_stay_apart() {
        for resize in [Resize::Lanczos3, Resize::Bilinear, Resize::Area] {
            let grey =
                DynamicImage::ImageRgba8(RgbaImage::from_pixel(40, 40, Rgba([64, 64, 64, 255])));
            let p = prepare_with(&grey, 8, 3, resize);
            let want = 64.0 / 255.0 * 2.0 - 1.0;
            assert!(p.iter().all(|v| (v - want).abs() < 1e-4), "{resize:?}");
            let p = prepare_with(&halves(), 8, 3, resize);
            assert!(
                p[8] > 0.9 && p[15] < -0.9,
                "{resize:?}: red left, not right"
            );
        }
        // The area filter averages: a 2×2 checkerboard of black and white, halved, is grey.
        let checker = RgbaImage::from_fn(16, 16, |x, y| {
            if (x + y) % 2 == 0 {
                Rgba([255, 255, 255, 255])
            } else {
                Rgba([0, 0, 0, 255])
            }
        });
        let p = prepare_with(&DynamicImage::ImageRgba8(checker), 8, 1, Resize::Area);
        assert!(p.iter().all(|v| v.abs() < 0.01), "grey: {:?}", &p[..4]);
    }

    #[test]
    fn exif_orientation_is_applied() {
        // A JPEG of a 40×20 image whose EXIF says "rotate 90° clockwise": upright it is 20×40.
        let mut jpeg = encoded(ImageFormat::Jpeg, &halves());
        // APP1 Exif segment, big-endian TIFF with one IFD entry: Orientation (0x0112) = 6.
        let tiff: [u8; 26] = [
            b'M', b'M', 0, 42, 0, 0, 0, 8, // header, IFD at 8
            0, 1, // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, // Orientation, SHORT, 1, value 6
            0, 0, 0, 0, // no next IFD
        ];
        let mut app1 = vec![0xFF, 0xE1];
        let len = (2 + 6 + tiff.len()) as u16;
        app1.extend(len.to_be_bytes());
        app1.extend(b"Exif\0\0");
        app1.extend(tiff);
        jpeg.splice(2..2, app1);
        let upright = decode("rotated.jpg", &jpeg).unwrap();
        assert_eq!((upright.width(), upright.height()), (20, 40));
    }

    #[test]
    fn bad_files_get_named_reasons() {
        let kind = |name: &str, bytes: &[u8]| {
            let err = decode(name, bytes).unwrap_err();
            assert_eq!(err.file, name);
            assert!(err.to_string().starts_with(name));
            err.kind
        };
        assert_eq!(kind("empty.png", b""), ImageErrorKind::Empty);
        assert_eq!(
            kind("notes.txt", b"hello, this is text"),
            ImageErrorKind::NotAnImage
        );
        let huge = vec![0u8; MAX_FILE_BYTES + 1];
        assert!(matches!(
            kind("big.png", &huge),
            ImageErrorKind::FileTooLarge { .. }
        ));
        let tiff = b"II*\0\x08\0\0\0\0\0\0\0\0\0";
        assert!(matches!(
            kind("scan.tif", tiff),
            ImageErrorKind::UnsupportedFormat(_)
        ));
        let png = encoded(ImageFormat::Png, &halves());
        assert!(matches!(
            kind("cut.png", &png[..png.len() / 2]),
            ImageErrorKind::Corrupt(_)
        ));
        let mut garbage = png.clone();
        for b in garbage.iter_mut().skip(40) {
            *b ^= 0x5A;
        }
        assert!(matches!(
            kind("garbage.png", &garbage),
            ImageErrorKind::Corrupt(_)
        ));
    }

    #[test]
    fn absurd_dimensions_are_refused_before_decoding() {
        // A valid PNG header declaring 100000×100000 pixels, with no pixel data at all.
        let mut header = Vec::new();
        image::codecs::png::PngEncoder::new(&mut header)
            .write_image(&[0; 3], 1, 1, image::ExtendedColorType::Rgb8)
            .unwrap();
        // IHDR width/height are at bytes 16..24; the CRC after them is now wrong, so patch it.
        header[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        header[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let crc = crc32fast::hash(&header[12..29]);
        header[29..33].copy_from_slice(&crc.to_be_bytes());
        let err = decode("absurd.png", &header).unwrap_err();
        assert!(
            matches!(err.kind, ImageErrorKind::BadDimensions { .. }),
            "{err}"
        );
        assert!(err.to_string().contains("absurd.png"));
    }

    #[test]
    fn rgba_png_and_grid_round_trip() {
        let p = prepare(&halves(), 8, 3);
        let png = encode_png(&to_rgba(&p, 3, 8));
        let back = decode("grid.png", &png).unwrap();
        assert_eq!(prepare(&back, 8, 3).len(), p.len());
        let back = back.to_rgba8();
        assert_eq!(
            back.get_pixel(1, 1)[0],
            ((p[9] + 1.0) * 127.5).round() as u8
        );
        let two: Vec<f32> = [p.clone(), p].concat();
        let g = grid(&two, 3, 8, 2, 2, 1);
        assert_eq!(g.dimensions(), (19, 19));
        assert_eq!(g.get_pixel(0, 0), &Rgba([24, 24, 32, 255]));
        assert_ne!(g.get_pixel(10, 1), &Rgba([24, 24, 32, 255]));
        assert_eq!(
            g.get_pixel(15, 15),
            &Rgba([24, 24, 32, 255]),
            "missing images stay dark"
        );
    }

    #[test]
    fn an_animation_is_a_looping_gif_with_every_frame() {
        let frames: Vec<RgbaImage> = (0..5u8)
            .map(|i| {
                enlarge(
                    &RgbaImage::from_pixel(4, 4, Rgba([i * 50, 0, 255 - i * 50, 255])),
                    3,
                )
            })
            .collect();
        assert_eq!(frames[0].dimensions(), (12, 12));
        let gif = encode_gif(&frames, 80).unwrap();
        assert_eq!(&gif[..6], b"GIF89a");
        let decoder = image::codecs::gif::GifDecoder::new(Cursor::new(&gif)).unwrap();
        let decoded = image::AnimationDecoder::into_frames(decoder)
            .collect_frames()
            .unwrap();
        assert_eq!(decoded.len(), 5);
        assert_eq!(decoded[4].delay().numer_denom_ms(), (80, 1));
        let last = decoded[4].buffer().get_pixel(6, 6);
        assert!(last[0] > 190 && last[2] < 65, "{last:?}");
    }

    #[test]
    fn feature_maps_are_scaled_each_to_its_own_range() {
        let values = [0.0, 1.0, 2.0, 4.0, 5.0, 5.0, 5.0, 5.0, -1.0, 9.0, 9.0, 9.0];
        let maps = feature_maps_rgba(&values, 2, 2);
        assert_eq!(maps.len(), 2, "at most `maps`");
        assert_eq!(
            maps[0],
            [
                0, 0, 0, 255, 64, 64, 64, 255, 128, 128, 128, 255, 255, 255, 255, 255
            ]
        );
        assert!(
            maps[1].chunks(4).all(|p| p == [0, 0, 0, 255]),
            "constant: black"
        );
    }
}
