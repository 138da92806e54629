//! The training images: a folder's, a built-in set's or a project file's, and their export as
//! prepared.

use std::path::Path;

use anyhow::{Context, bail};
use model::emoji::EmojiSet;
use model::procedural::Procedural;
use model::project::Project;
use model::{GanConfig, images};

use crate::args::{Args, Builtin};

/// Every loadable image under `dir`; bad files are reported and skipped.
pub fn load_folder(
    dir: &Path,
    config: &GanConfig,
    resize: images::Resize,
) -> anyhow::Result<Vec<f32>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut pixels = Vec::new();
    let mut skipped = 0;
    for path in &files {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).with_context(|| format!("reading {name}"))?;
        match images::decode(&name, &bytes) {
            Ok(image) => pixels.extend(images::prepare_with(
                &image,
                config.image_size,
                config.channels,
                resize,
            )),
            Err(e) => {
                skipped += 1;
                eprintln!("skipped {e}");
            }
        }
    }
    if pixels.is_empty() {
        bail!(
            "no usable image under {} ({skipped} files skipped)",
            dir.display()
        );
    }
    Ok(pixels)
}

/// The pixels `args` train on, prepared for `config`: `--data`'s folder, else the project
/// file's own images, else `--builtin`'s set.
pub fn training_pixels(
    args: &Args,
    config: &GanConfig,
    project: Option<&Project>,
) -> anyhow::Result<Vec<f32>> {
    Ok(match (&args.data, args.builtin) {
        (Some(dir), _) => load_folder(dir, config, args.resize)?,
        (None, Some(b)) => {
            let (count, channels, size) = (args.builtin_count, config.channels, config.image_size);
            match b {
                Builtin::Digits => model::digits::pixels(count, channels, size),
                Builtin::Rings => Procedural::Rings.pixels(count, channels, size, config.seed),
                Builtin::Stripes => Procedural::Stripes.pixels(count, channels, size, config.seed),
                Builtin::Faces | Builtin::Emoji => {
                    let set = match b {
                        Builtin::Faces => EmojiSet::Faces,
                        _ => EmojiSet::All,
                    };
                    let png = set.read_shipped()?;
                    model::emoji::pixels(&set.images(&png)?, count, channels, size)
                }
            }
        }
        (None, None) => match project {
            Some(project) => project.pixels(config).map_err(anyhow::Error::msg)?,
            None => bail!("give --data DIR, --builtin NAME or --resume a project file"),
        },
    })
}

/// `--export-sheet`: every image as prepared, tiled 32 to a row in one PNG (how the built-in
/// sets ship: `model::sheet`).
pub fn export_sheet(file: &Path, pixels: &[f32], config: &GanConfig) -> anyhow::Result<()> {
    let (channels, size) = (config.channels, config.image_size);
    let tiles: Vec<image::RgbImage> = pixels
        .chunks(channels * size * size)
        .map(|p| image::DynamicImage::ImageRgba8(images::to_rgba(p, channels, size)).to_rgb8())
        .collect();
    let layout = model::sheet::SpriteSheet {
        tile: size as u32,
        per_row: 32,
        count: tiles.len(),
    };
    let png = layout.png(&tiles)?;
    if let Some(folder) = file.parent() {
        std::fs::create_dir_all(folder).with_context(|| folder.display().to_string())?;
    }
    std::fs::write(file, &png).with_context(|| file.display().to_string())?;
    let (width, height) = layout.dimensions();
    eprintln!(
        "wrote {} images to {} ({width} × {height}, {} bytes)",
        tiles.len(),
        file.display(),
        png.len()
    );
    Ok(())
}

/// `--export-prepared`: each image as the training size's PNG in `dir`.
pub fn export_prepared(dir: &Path, pixels: &[f32], config: &GanConfig) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let (channels, size) = (config.channels, config.image_size);
    let each = channels * size * size;
    for (i, image) in pixels.chunks(each).enumerate() {
        images::to_rgba(image, channels, size)
            .save(dir.join(format!("{i:05}.png")))
            .with_context(|| dir.display().to_string())?;
    }
    eprintln!(
        "wrote {} prepared images to {}",
        pixels.len() / each,
        dir.display()
    );
    Ok(())
}
