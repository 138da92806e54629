//! Project files: one file that holds a whole run, so that it goes on elsewhere (another
//! browser, the same page after a reload, the native trainer's `--resume`): the training data
//! (the user's images as the page keeps them, or which built-in set), the checkpoint (networks,
//! Adam's moments, averaged generator, noise and data positions) and the page's own state
//! (charts, explorer view), which this crate keeps as opaque JSON.
//!
//! Layout (little-endian): magic `GANPROJ\0` · format version u32 · CRC-32 of the rest u32 ·
//! three length-prefixed (u64) sections: manifest JSON, images (RGBA8, `image_side`² pixels
//! each, in the manifest's order), checkpoint (see [`crate::checkpoint`]).

use image::{DynamicImage, RgbaImage};
use serde::{Deserialize, Serialize};

use crate::checkpoint::{self, CheckpointError};
use crate::config::GanConfig;
use crate::container::{self, Unsealed};
use crate::procedural::Procedural;

/// First bytes of every project file.
pub const MAGIC: &[u8; 8] = b"GANPROJ\0";
/// Version of the layout written by this build.
pub const FORMAT_VERSION: u32 = 1;
/// Largest side of a kept image (the page keeps them at 64).
const MAX_SIDE: u32 = 1024;

/// What the run trains on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProjectData {
    /// A set drawn in code: which, and how many images (drawn again from the model's seed).
    Drawn {
        /// Which set.
        kind: Procedural,
        /// How many images.
        count: usize,
    },
    /// The UCI handwritten digits shipped with the page.
    Digits,
    /// A set of emoji shipped with the page as a sheet.
    Emoji(crate::emoji::EmojiSet),
    /// The images in the file.
    Images,
}

/// A user image in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectImage {
    /// The file it came from.
    pub name: String,
    /// As the page keeps it (cropped and resized to a square).
    pub image: RgbaImage,
}

/// A whole run.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    /// What it trains on.
    pub data: ProjectData,
    /// The user's images (kept even while a built-in set trains).
    pub images: Vec<ProjectImage>,
    /// The training state (a [`crate::checkpoint`] file).
    pub checkpoint: Vec<u8>,
    /// The page's own state, opaque here (`null` from the native trainer).
    pub page: serde_json::Value,
}

impl From<Unsealed> for ProjectError {
    fn from(e: Unsealed) -> Self {
        match e {
            Unsealed::Foreign => ProjectError::Foreign,
            Unsealed::Truncated(why) => ProjectError::Truncated(why),
        }
    }
}

/// Why bytes are not a project file this build can open.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProjectError {
    /// Shorter than its header or a section says.
    #[error("the project file is truncated ({0})")]
    Truncated(String),
    /// Does not start with the magic bytes.
    #[error("not a GAN Playground project file")]
    Foreign,
    /// Written by another version of the layout.
    #[error(
        "project format version {found} is not supported (this page reads version {FORMAT_VERSION})"
    )]
    Version {
        /// The version in the file.
        found: u32,
    },
    /// The checksum does not match: the bytes were damaged.
    #[error("the project file is damaged (checksum mismatch)")]
    Checksum,
    /// The manifest or the images do not fit together.
    #[error("the project file is inconsistent: {0}")]
    Inconsistent(String),
    /// The checkpoint inside is bad.
    #[error("the project's model: {0}")]
    Checkpoint(#[from] CheckpointError),
}

/// The manifest section.
#[derive(Serialize, Deserialize)]
struct Manifest {
    data: ProjectData,
    /// Side of every image.
    image_side: u32,
    /// Each image's name, in order.
    names: Vec<String>,
    page: serde_json::Value,
}

impl Project {
    /// The file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let side = self.images.first().map_or(0, |i| i.image.width());
        let manifest = Manifest {
            data: self.data,
            image_side: side,
            names: self.images.iter().map(|i| i.name.clone()).collect(),
            page: self.page.clone(),
        };
        let manifest = serde_json::to_vec(&manifest).expect("a manifest serialises");
        let mut pixels = Vec::with_capacity(self.images.len() * (side * side * 4) as usize);
        for image in &self.images {
            pixels.extend_from_slice(image.image.as_raw());
        }
        let mut body = Vec::new();
        for section in [&manifest[..], &pixels, &self.checkpoint] {
            container::write(&mut body, section);
        }
        container::seal(MAGIC, FORMAT_VERSION, &body)
    }

    /// Reads and checks a file: layout, checksum, manifest, images and the checkpoint's own
    /// checks (its configuration is read, its networks are not built). Never panics.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ProjectError> {
        let sealed = container::unseal(bytes, MAGIC, 0)?;
        if sealed.version != FORMAT_VERSION {
            return Err(ProjectError::Version {
                found: sealed.version,
            });
        }
        let sections = container::read(sealed.body, 3).map_err(ProjectError::Truncated)?;
        // The checksum last: a cut file reports itself as truncated, not as damaged.
        if !sealed.intact() {
            return Err(ProjectError::Checksum);
        }
        let manifest: Manifest = serde_json::from_slice(sections[0])
            .map_err(|e| ProjectError::Inconsistent(format!("manifest: {e}")))?;
        let side = manifest.image_side;
        if side > MAX_SIDE || (side == 0 && !manifest.names.is_empty()) {
            return Err(ProjectError::Inconsistent(format!("images of side {side}")));
        }
        let per = (side * side * 4) as usize;
        if sections[1].len() != per * manifest.names.len() {
            return Err(ProjectError::Inconsistent(format!(
                "{} images of {side}×{side} need {} bytes, the file has {}",
                manifest.names.len(),
                per * manifest.names.len(),
                sections[1].len()
            )));
        }
        if manifest.data == ProjectData::Images && manifest.names.is_empty() {
            return Err(ProjectError::Inconsistent(
                "it trains on its images but has none".into(),
            ));
        }
        let images = manifest
            .names
            .into_iter()
            .zip(sections[1].chunks_exact(per.max(1)))
            .map(|(name, rgba)| ProjectImage {
                name,
                image: RgbaImage::from_raw(side, side, rgba.to_vec()).expect("sized above"),
            })
            .collect();
        checkpoint::peek(sections[2])?;
        Ok(Self {
            data: manifest.data,
            images,
            checkpoint: sections[2].to_vec(),
            page: manifest.page,
        })
    }

    /// The configuration and step of the model inside.
    pub fn model_summary(&self) -> Result<(GanConfig, u64), CheckpointError> {
        checkpoint::peek(&self.checkpoint)
    }

    /// The training images for `config` (`count × channels × size × size` in [-1, 1]), as the
    /// page builds them: the same pixels on every machine, so a resumed run is the same run.
    /// An emoji set's sheet is read from the repository's `public/datasets/` (native tools).
    #[cfg(not(target_family = "wasm"))]
    pub fn pixels(&self, config: &GanConfig) -> Result<Vec<f32>, String> {
        let (channels, size) = (config.channels, config.image_size);
        Ok(match self.data {
            ProjectData::Drawn { kind, count } => kind.pixels(count, channels, size, config.seed),
            ProjectData::Digits => crate::digits::pixels(usize::MAX, channels, size),
            ProjectData::Emoji(set) => {
                let png = set.read_shipped().map_err(|e| e.to_string())?;
                let images = set.images(&png).map_err(|e| e.to_string())?;
                crate::emoji::pixels(&images, usize::MAX, channels, size)
            }
            ProjectData::Images => images_pixels(self.images.iter().map(|i| &i.image), config),
        })
    }
}

/// Kept images as training pixels for `config` (see [`Project::pixels`]).
pub fn images_pixels<'a>(
    images: impl Iterator<Item = &'a RgbaImage>,
    config: &GanConfig,
) -> Vec<f32> {
    images
        .flat_map(|image| {
            crate::images::prepare(
                &DynamicImage::ImageRgba8(image.clone()),
                config.image_size,
                config.channels,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Gan;
    use burn::tensor::Device;

    fn project() -> Project {
        let config = GanConfig::new()
            .with_generator_width(4)
            .with_discriminator_width(4)
            .with_latent_size(8)
            .with_batch_size(4);
        let gan = Gan::new(config, &Device::flex()).unwrap();
        let images = (0..3u8)
            .map(|i| ProjectImage {
                name: format!("cat {i}.png"),
                image: RgbaImage::from_pixel(8, 8, image::Rgba([i * 80, 20, 200, 255])),
            })
            .collect();
        Project {
            data: ProjectData::Images,
            images,
            checkpoint: checkpoint::save(&gan, None).unwrap(),
            page: serde_json::json!({"history": [1, 2, 3], "view": "#explore"}),
        }
    }

    #[test]
    fn a_project_round_trips() {
        let project = project();
        let bytes = project.to_bytes();
        let back = Project::from_bytes(&bytes).unwrap();
        assert_eq!(back, project);
        assert_eq!(back.model_summary().unwrap().1, 0);
        let config = back.model_summary().unwrap().0;
        let pixels = back.pixels(&config).unwrap();
        assert_eq!(pixels.len(), 3 * 3 * 32 * 32);
        assert!(pixels.iter().all(|p| (-1.0..=1.0).contains(p)));
        // A project on an emoji set keeps only the set's name, and trains on its sheet.
        let emoji = Project {
            data: ProjectData::Emoji(crate::emoji::EmojiSet::Faces),
            ..project
        };
        let back = Project::from_bytes(&emoji.to_bytes()).unwrap();
        assert_eq!(back.data, emoji.data);
        assert_eq!(back.pixels(&config).unwrap().len(), 118 * 3 * 32 * 32);
    }

    #[test]
    fn damaged_or_foreign_files_are_refused() {
        let bytes = project().to_bytes();
        let open = |b: &[u8]| Project::from_bytes(b).expect_err("must fail");
        assert_eq!(open(b""), ProjectError::Truncated("0 bytes".into()));
        assert_eq!(open(b"GANPLAY\0 a checkpoint"), ProjectError::Foreign);
        assert!(matches!(
            open(&bytes[..bytes.len() - 10]),
            ProjectError::Truncated(_)
        ));
        let mut flipped = bytes.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(open(&flipped), ProjectError::Checksum);
        let mut newer = bytes.clone();
        newer[8] = 9;
        assert_eq!(open(&newer), ProjectError::Version { found: 9 });
        // Every cut and many single-byte changes are refused without a panic.
        for cut in (0..bytes.len()).step_by(97) {
            assert!(Project::from_bytes(&bytes[..cut]).is_err());
        }
        for i in (container::HEADER..bytes.len()).step_by(131) {
            let mut b = bytes.clone();
            b[i] = b[i].wrapping_add(1);
            assert!(Project::from_bytes(&b).is_err(), "byte {i}");
        }
    }

    #[test]
    fn an_inconsistent_manifest_is_refused_even_with_a_good_checksum() {
        let mut project = project();
        project.images.clear();
        // Says it trains on its images but has none.
        let bytes = project.to_bytes();
        assert!(matches!(
            Project::from_bytes(&bytes),
            Err(ProjectError::Inconsistent(_))
        ));
        // A checkpoint that is not one.
        project.data = ProjectData::Digits;
        project.checkpoint = b"GANPLAY\0".to_vec();
        assert!(matches!(
            Project::from_bytes(&project.to_bytes()),
            Err(ProjectError::Checkpoint(_))
        ));
    }
}
