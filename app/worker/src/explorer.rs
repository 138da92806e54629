//! The explorer's side of the worker: the generator shipped with the page and the training
//! model's, each calibrated on the live grid's fixed z (see [`Generator::calibrated`]), and the
//! images and files they make. Plain Rust over a burn device, tested natively.

use std::collections::HashMap;

use burn::tensor::{Device, Tensor, TensorData};
use image::RgbaImage;
use model::images::{encode_gif, encode_png, enlarge, to_rgba};
use model::principal::PrincipalDirections;
use model::{GanConfig, Generator, checkpoint};

use protocol::data::{GRID_SAMPLES, grid_latents};
use protocol::messages::{ExportFormat, GeneratorSource, PretrainedInfo, Showcase};

use crate::trainer::Trainer;

/// Most images one request may ask for (the strip has at most 16; an animation at most 64).
pub const MAX_FRAMES: usize = 64;
/// Samples the principal directions are computed from (GANSpace uses more; the Gram matrix of
/// 512 is quick to decompose in WebAssembly and steady in its top ten directions).
const DIRECTION_SAMPLES: usize = 512;
/// Principal directions offered as sliders.
pub const DIRECTION_COUNT: usize = 10;
/// Enlargement of exported single images and strips, and of animation frames.
const PNG_SCALE: u32 = 8;
const ANIMATION_SCALE: u32 = 4;

/// A generator ready to draw, with what it needs to be described.
#[derive(Clone)]
struct Ready {
    config: GanConfig,
    generator: Generator,
}

/// The explorer's generators.
#[derive(Default)]
pub struct Explorer {
    pretrained: HashMap<Showcase, Ready>,
    /// The training model's calibrated generator and the weights version it was made from.
    training: Option<((u64, u64), Ready)>,
}

/// Images drawn on the device, to be read back: `[n, channels, size, size]` in [-1, 1].
#[derive(Debug)]
pub struct Drawing {
    /// The images.
    pub images: Tensor<4>,
    /// Colour channels.
    pub channels: usize,
    /// Side in pixels.
    pub size: usize,
}

impl Drawing {
    /// The read-back pixels as one RGBA image per z.
    pub fn frames(&self, pixels: &[f32]) -> Vec<RgbaImage> {
        let per = self.channels * self.size * self.size;
        pixels
            .chunks(per)
            .map(|p| to_rgba(p, self.channels, self.size))
            .collect()
    }
}

impl Explorer {
    /// Loads a generator shipped with the page from its checkpoint bytes onto `device`.
    pub fn load_pretrained(
        &mut self,
        showcase: Showcase,
        bytes: &[u8],
        device: &Device,
    ) -> Result<PretrainedInfo, String> {
        let (config, step, generator) =
            checkpoint::load_generator(bytes, device).map_err(|e| e.to_string())?;
        // A shipped file was calibrated on the grid's z when it was written.
        let generator = if checkpoint::is_calibrated(bytes).map_err(|e| e.to_string())? {
            generator
        } else {
            calibrate(&generator, &config, device)
        };
        self.pretrained.insert(
            showcase,
            Ready {
                config: config.clone(),
                generator,
            },
        );
        Ok(PretrainedInfo { config, step })
    }

    /// The generator for `source`; the training one is recalibrated when its weights changed.
    fn ready(&mut self, source: GeneratorSource, trainer: &Trainer) -> Result<Ready, String> {
        match source {
            GeneratorSource::Pretrained(showcase) => {
                self.pretrained.get(&showcase).cloned().ok_or_else(|| {
                    format!(
                        "the generator pretrained on {} is not loaded",
                        showcase.trained_on()
                    )
                })
            }
            GeneratorSource::Training => {
                let version = trainer.weights_version();
                match &self.training {
                    Some((v, ready)) if *v == version => Ok(ready.clone()),
                    _ => {
                        let config = trainer.config().clone();
                        let generator =
                            calibrate(&trainer.inference_generator(), &config, trainer.device());
                        let ready = Ready { config, generator };
                        self.training = Some((version, ready.clone()));
                        Ok(ready)
                    }
                }
            }
        }
    }

    /// Dispatches G(z) for every z of `zs` with the `source` generator. Refuses (without
    /// touching the device) an empty or oversized request and any z of the wrong length.
    pub fn draw(
        &mut self,
        source: GeneratorSource,
        trainer: &Trainer,
        zs: &[Vec<f32>],
    ) -> Result<Drawing, String> {
        let ready = self.ready(source, trainer)?;
        let latent = ready.config.latent_size;
        if zs.is_empty() || zs.len() > MAX_FRAMES {
            return Err(format!(
                "between 1 and {MAX_FRAMES} images can be drawn at once, not {}",
                zs.len()
            ));
        }
        if let Some(bad) = zs
            .iter()
            .find(|z| z.len() != latent || !z.iter().all(|v| v.is_finite()))
        {
            return Err(format!(
                "z must hold {latent} finite numbers for this generator (got {})",
                bad.len()
            ));
        }
        let device = trainer.device().clone().without_autodiff();
        let z = Tensor::<2>::from_data(TensorData::new(zs.concat(), [zs.len(), latent]), &device);
        Ok(Drawing {
            images: ready.generator.forward(z), // [n, channels, size, size]
            channels: ready.config.channels,
            size: ready.config.image_size,
        })
    }

    /// The principal directions of the `source` generator's latent space (one async read).
    pub fn directions(
        &mut self,
        source: GeneratorSource,
        trainer: &Trainer,
    ) -> Result<impl Future<Output = Result<PrincipalDirections, String>> + 'static, String> {
        let ready = self.ready(source, trainer)?;
        let device = trainer.device().clone().without_autodiff();
        Ok(async move {
            PrincipalDirections::compute(
                &ready.generator,
                DIRECTION_SAMPLES,
                DIRECTION_COUNT,
                7,
                &device,
            )
            .await
            .map_err(|e| format!("the device failed: {e}"))
        })
    }
}

/// `generator` calibrated on the live grid's fixed z for `config` (the same vectors the
/// [`Trainer`] draws its grid from).
fn calibrate(generator: &Generator, config: &GanConfig, device: &Device) -> Generator {
    let latent = config.latent_size;
    let z = grid_latents(latent).concat();
    let device = device.clone().without_autodiff();
    let z = Tensor::<2>::from_data(TensorData::new(z, [GRID_SAMPLES, latent]), &device);
    generator.calibrated(z)
}

/// An exported file: (name, MIME type, bytes).
pub fn export(
    frames: &[RgbaImage],
    format: ExportFormat,
) -> Result<(String, String, Vec<u8>), String> {
    let first = frames.first().ok_or("nothing to export")?;
    match format {
        ExportFormat::Png => Ok((
            "gan-preview.png".into(),
            "image/png".into(),
            encode_png(&enlarge(first, PNG_SCALE)),
        )),
        ExportFormat::StripPng => {
            let (side, gap) = (first.width(), 2);
            let width = frames.len() as u32 * (side + gap) - gap;
            let mut strip = RgbaImage::from_pixel(width, side, image::Rgba([255, 255, 255, 255]));
            for (i, frame) in frames.iter().enumerate() {
                image::imageops::overlay(&mut strip, frame, i as i64 * (side + gap) as i64, 0);
            }
            Ok((
                "gan-interpolation.png".into(),
                "image/png".into(),
                encode_png(&enlarge(&strip, PNG_SCALE / 2)),
            ))
        }
        ExportFormat::Gif { frame_ms } => {
            // There and back again, so the loop has no jump.
            let there: Vec<RgbaImage> =
                frames.iter().map(|f| enlarge(f, ANIMATION_SCALE)).collect();
            let back = there
                .iter()
                .rev()
                .skip(1)
                .take(there.len().saturating_sub(2));
            let all: Vec<RgbaImage> = there.iter().chain(back).cloned().collect();
            let bytes = encode_gif(&all, frame_ms.clamp(20, 2000)).map_err(|e| e.to_string())?;
            Ok(("gan-interpolation.gif".into(), "image/gif".into(), bytes))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trainer::StepKind;
    use model::Gan;
    use model::latent::seeded_normal;

    fn tiny() -> GanConfig {
        GanConfig::new()
            .with_generator_width(8)
            .with_discriminator_width(8)
            .with_latent_size(16)
            .with_batch_size(4)
    }

    fn read(drawing: &Drawing) -> Vec<RgbaImage> {
        let pixels: Vec<f32> = drawing.images.clone().into_data().iter::<f32>().collect();
        drawing.frames(&pixels)
    }

    #[test]
    fn draws_each_z_and_refuses_bad_requests() {
        let device = Device::flex();
        let trainer = Trainer::new(device.clone(), tiny()).unwrap();
        let mut explorer = Explorer::default();
        let zs = seeded_normal(3, 3, 16);
        let drawing = explorer
            .draw(GeneratorSource::Training, &trainer, &zs)
            .unwrap();
        let frames = read(&drawing);
        assert_eq!(frames.len(), 3);
        assert_eq!(frames[0].dimensions(), (32, 32));
        assert_ne!(frames[0], frames[1], "different z, different image");

        for bad in [
            vec![],
            vec![vec![0.0; 15]],
            vec![vec![f32::NAN; 16]],
            vec![vec![0.0; 16]; 65],
        ] {
            assert!(
                explorer
                    .draw(GeneratorSource::Training, &trainer, &bad)
                    .is_err()
            );
        }
        assert!(
            explorer
                .draw(GeneratorSource::Pretrained(Showcase::Digits), &trainer, &zs)
                .unwrap_err()
                .contains("not loaded")
        );
    }

    #[test]
    fn a_grid_tile_and_its_preview_match_and_follow_training() {
        let device = Device::flex();
        let mut trainer = Trainer::new(device.clone(), tiny()).unwrap();
        let mut explorer = Explorer::default();
        let tile = trainer.fixed_z()[9].clone();
        let grid: Vec<f32> = trainer.samples().into_data().iter::<f32>().collect();
        let per = 3 * 32 * 32;
        let expected = to_rgba(&grid[9 * per..10 * per], 3, 32);
        let before = read(
            &explorer
                .draw(
                    GeneratorSource::Training,
                    &trainer,
                    std::slice::from_ref(&tile),
                )
                .unwrap(),
        );
        let close = before[0]
            .pixels()
            .zip(expected.pixels())
            .all(|(a, b)| a.0.iter().zip(b.0).all(|(x, y)| x.abs_diff(y) <= 1));
        assert!(close, "the preview of a clicked tile is that tile");
        pollster::block_on(trainer.step(StepKind::Full).read()).unwrap();
        let after = read(
            &explorer
                .draw(GeneratorSource::Training, &trainer, &[tile])
                .unwrap(),
        );
        assert_ne!(before, after, "the explorer uses the latest weights");
    }

    #[test]
    fn the_pretrained_generator_loads_from_a_checkpoint_and_bad_bytes_are_refused() {
        let device = Device::flex();
        let trainer = Trainer::new(device.clone(), tiny()).unwrap();
        let config = tiny().with_latent_size(8).with_channels(1);
        let gan = Gan::new(config.clone(), &device).unwrap();
        let bytes = model::checkpoint::save(&gan, None).unwrap();
        let mut explorer = Explorer::default();
        assert!(
            explorer
                .load_pretrained(Showcase::Digits, &bytes[..100], &device)
                .is_err()
        );
        let info = explorer
            .load_pretrained(Showcase::Digits, &bytes, &device)
            .unwrap();
        assert_eq!(info.config, config);
        let drawing = explorer
            .draw(
                GeneratorSource::Pretrained(Showcase::Digits),
                &trainer,
                &seeded_normal(1, 2, 8),
            )
            .unwrap();
        assert_eq!(drawing.images.dims(), [2, 1, 32, 32]);
        let directions = pollster::block_on(
            explorer
                .directions(GeneratorSource::Pretrained(Showcase::Digits), &trainer)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(directions.directions.len(), 8.min(DIRECTION_COUNT));
        // Each shipped generator is its own: the emoji one is not loaded yet, then is.
        let emoji = GeneratorSource::Pretrained(Showcase::Emoji);
        let zs = seeded_normal(1, 2, 8);
        let missing = explorer.draw(emoji, &trainer, &zs).unwrap_err();
        assert!(missing.contains("emoji is not loaded"), "{missing}");
        let colour = Gan::new(config.with_channels(3), &device).unwrap();
        let bytes = model::checkpoint::save(&colour, None).unwrap();
        explorer
            .load_pretrained(Showcase::Emoji, &bytes, &device)
            .unwrap();
        let drawing = explorer.draw(emoji, &trainer, &zs).unwrap();
        assert_eq!(drawing.images.dims(), [2, 3, 32, 32]);
        let digits = GeneratorSource::Pretrained(Showcase::Digits);
        let drawing = explorer.draw(digits, &trainer, &zs).unwrap();
        assert_eq!(
            drawing.images.dims(),
            [2, 1, 32, 32],
            "the digits are still there"
        );
    }

    #[test]
    fn exports_are_valid_files() {
        let frames: Vec<RgbaImage> = (0..4u8)
            .map(|i| RgbaImage::from_pixel(32, 32, image::Rgba([i * 60, 10, 10, 255])))
            .collect();
        let (_, mime, png) = export(&frames[..1], ExportFormat::Png).unwrap();
        assert_eq!(mime, "image/png");
        let image = image::load_from_memory(&png).unwrap();
        assert_eq!((image.width(), image.height()), (256, 256));
        let (_, _, strip) = export(&frames, ExportFormat::StripPng).unwrap();
        let strip = image::load_from_memory(&strip).unwrap();
        assert_eq!((strip.width(), strip.height()), ((4 * 34 - 2) * 4, 128));
        let (_, mime, gif) = export(&frames, ExportFormat::Gif { frame_ms: 100 }).unwrap();
        assert_eq!(mime, "image/gif");
        let decoder = image::codecs::gif::GifDecoder::new(std::io::Cursor::new(gif)).unwrap();
        let decoded = image::AnimationDecoder::into_frames(decoder)
            .collect_frames()
            .unwrap();
        assert_eq!(decoded.len(), 4 + 2, "there and back again");
        assert!(export(&[], ExportFormat::Png).is_err());
    }
}
