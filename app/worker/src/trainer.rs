//! The worker's state: the model, the training images and what trains on what. Plain Rust over
//! a burn device, so it is tested natively; the worker only adds messaging and async reads.

use burn::tensor::{Device, Tensor};
use image::RgbaImage;
use model::anatomy::Architecture;
use model::data::DataPosition;
use model::guard::{Fallback, RunGuard};
use model::health::Alarm;
use model::images::{self, grid, prepare, to_rgba};
use model::procedural::Procedural;
use model::project::{Project, ProjectData, ProjectImage};
use model::swd::{SwdConfig, SwdSpread, sliced_wasserstein_spread};
use model::{Dataset, Gan, GanConfig, StepStats, StepValues, checkpoint};
pub use protocol::data::{Builtin, GRID_SAMPLES, STORED_SIZE, Source, grid_latents};
use protocol::messages::{
    EarlierState, Memorisation, NearestReport, Neighbour, QUALITY_SEEDS, Thumbnail,
};
use protocol::verdict::{self, Judged, VerdictReport};

/// Images drawn for a built-in dataset.
const BUILTIN_COUNT: usize = 512;
/// Training images shown as a generated image's nearest.
pub const NEAREST: usize = 3;
/// Training images whose spacing [`Trainer::memorisation`] measures.
const SPACING_IMAGES: usize = 256;

/// Which step to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// D then G.
    Full,
    /// Discriminator only.
    Discriminator,
    /// Generator only.
    Generator,
}

struct UserImage {
    id: u64,
    name: String,
    image: RgbaImage,
}

/// Model, data and their bookkeeping.
pub struct Trainer {
    device: Device,
    gan: Gan,
    user: Vec<UserImage>,
    next_id: u64,
    source: Source,
    dataset: Option<Dataset>,
    fixed_z: Vec<Vec<f32>>,
    /// Counts models installed (configure, load): with the step it names one set of weights.
    generation: u64,
    /// Counts the verdicts made (see [`Trainer::verdict_report`]).
    verdicts: u64,
    /// The grid and the explorer show the raw generator, not its average.
    show_raw: bool,
    /// D scores the verdict's two rows as one mixed batch (else each row as its own batch, as
    /// in training).
    mixed_verdict: bool,
    /// The training images' pixels as the dataset was built from them (for the nearest
    /// training images); current whenever `dataset` is built.
    training_pixels: Vec<f32>,
    /// The last verdict's real and generated rows, one image's pixels each.
    verdict_pixels: [Vec<Vec<f32>>; 2],
    /// Watches the run for D winning or the samples falling apart, and keeps the states to go
    /// back to.
    guard: RunGuard,
    /// Where the data stood in the checkpoint or project last opened: applied when the
    /// dataset is next built, so a resumed run draws the same batches.
    resumed_position: Option<DataPosition>,
    /// False from a non-finite step until the model is replaced or goes back: such a state is
    /// never autosaved over a good one.
    healthy: bool,
}

impl Trainer {
    /// A fresh model of `config` on `device`, training on the built-in rings.
    pub fn new(device: Device, config: GanConfig) -> Result<Self, String> {
        let mut gan = Gan::new(config, &device).map_err(|e| e.to_string())?;
        // The page charts both gradient norms: "G's gradient vanishes" is something to watch.
        gan.measure_gradients = true;
        let fixed_z = grid_latents(gan.config.latent_size);
        Ok(Self {
            device,
            guard: RunGuard::new(gan.config.loss),
            gan,
            user: Vec::new(),
            next_id: 0,
            source: Source::Builtin(Builtin::Drawn(Procedural::Rings)),
            dataset: None,
            fixed_z,
            generation: 0,
            verdicts: 0,
            show_raw: false,
            mixed_verdict: false,
            training_pixels: Vec::new(),
            verdict_pixels: [Vec::new(), Vec::new()],
            resumed_position: None,
            healthy: true,
        })
    }

    /// The current configuration.
    pub fn config(&self) -> &GanConfig {
        &self.gan.config
    }

    /// Generator updates so far.
    pub fn step_count(&self) -> u64 {
        self.gan.step
    }

    /// Names the current weights: (models installed so far, step). Equal versions, equal weights.
    pub fn weights_version(&self) -> (u64, u64) {
        (self.generation, self.gan.step)
    }

    /// The latent vectors of the live grid's tiles, row by row.
    pub fn fixed_z(&self) -> &[Vec<f32>] {
        &self.fixed_z
    }

    /// The generator in inference mode, on the training device.
    pub fn inference_generator(&self) -> model::Generator {
        if self.show_raw {
            self.gan.raw_generator()
        } else {
            self.gan.inference_generator()
        }
    }

    /// The compute device.
    pub fn device(&self) -> &Device {
        &self.device
    }

    /// Passes over the data so far.
    pub fn epoch(&self) -> usize {
        self.dataset.as_ref().map_or(0, Dataset::epoch)
    }

    /// Number of user images.
    pub fn user_count(&self) -> usize {
        self.user.len()
    }

    /// What trains now, for the page.
    pub fn source(&self) -> Source {
        self.source
    }

    /// A description and size of the training data.
    pub fn dataset_summary(&self) -> (String, usize) {
        match self.source {
            Source::Builtin(Builtin::Digits) => {
                (Builtin::Digits.label().to_string(), model::digits::COUNT)
            }
            Source::Builtin(b) => (b.label().to_string(), BUILTIN_COUNT),
            Source::User => ("Your images".to_string(), self.user.len()),
        }
    }

    /// Decodes files; returns the thumbnails of the good ones and (name, reason) of the others.
    pub fn add_files(
        &mut self,
        files: Vec<(String, Vec<u8>)>,
    ) -> (Vec<Thumbnail>, Vec<(String, String)>) {
        self.admit(files, |name, bytes| {
            let decoded = images::decode(name, &bytes).map_err(|e| e.kind.to_string())?;
            Ok(to_rgba(&prepare(&decoded, STORED_SIZE, 3), 3, STORED_SIZE))
        })
    }

    /// Takes back images that another worker kept (after a lost GPU device): each a name and
    /// the RGBA8 of a [`Thumbnail`]; malformed ones are refused with a reason.
    pub fn restore(
        &mut self,
        images: Vec<(String, Vec<u8>)>,
    ) -> (Vec<Thumbnail>, Vec<(String, String)>) {
        let side = STORED_SIZE as u32;
        self.admit(images, |_, rgba| {
            RgbaImage::from_raw(side, side, rgba)
                .ok_or_else(|| "not a kept image of this page".into())
        })
    }

    /// Keeps each (name, bytes) that `make` turns into a stored image; lists the others with
    /// the reason.
    fn admit(
        &mut self,
        files: Vec<(String, Vec<u8>)>,
        make: impl Fn(&str, Vec<u8>) -> Result<RgbaImage, String>,
    ) -> (Vec<Thumbnail>, Vec<(String, String)>) {
        let mut added = Vec::new();
        let mut rejected = Vec::new();
        for (name, bytes) in files {
            match make(&name, bytes) {
                Ok(image) => added.push(self.keep(name, image)),
                Err(reason) => rejected.push((name, reason)),
            }
        }
        if self.source == Source::User && !added.is_empty() {
            self.dataset = None;
        }
        (added, rejected)
    }

    fn keep(&mut self, name: String, image: RgbaImage) -> Thumbnail {
        let id = self.next_id;
        self.next_id += 1;
        let rgba = image.as_raw().clone();
        self.user.push(UserImage {
            id,
            name: name.clone(),
            image,
        });
        Thumbnail { id, name, rgba }
    }

    /// Removes one user image (no-op for an unknown id).
    pub fn remove(&mut self, id: u64) {
        self.user.retain(|u| u.id != id);
        self.user_changed();
    }

    /// Removes every user image.
    pub fn clear(&mut self) {
        self.user.clear();
        self.user_changed();
    }

    fn user_changed(&mut self) {
        if self.source == Source::User {
            self.dataset = None;
            if self.user.is_empty() {
                self.source = Source::Builtin(Builtin::Drawn(Procedural::Rings));
            }
        }
    }

    /// Trains on a built-in set from now on.
    pub fn use_builtin(&mut self, kind: Builtin) {
        self.source = Source::Builtin(kind);
        self.dataset = None;
    }

    /// Trains on the user's images from now on.
    pub fn use_user(&mut self) -> Result<(), String> {
        if self.user.is_empty() {
            return Err("add some images first".into());
        }
        self.source = Source::User;
        self.dataset = None;
        Ok(())
    }

    /// Replaces the model with a fresh one of `config` (the data stays).
    pub fn configure(&mut self, config: GanConfig) -> Result<(), String> {
        let gan = Gan::new(config, &self.device).map_err(|e| e.to_string())?;
        self.install(gan);
        Ok(())
    }

    fn install(&mut self, mut gan: Gan) {
        gan.measure_gradients = true;
        let resized = !gan.config.same_architecture(&self.gan.config)
            || gan.config.seed != self.gan.config.seed;
        self.fixed_z = grid_latents(gan.config.latent_size);
        self.guard = RunGuard::new(gan.config.loss);
        self.gan = gan;
        self.generation += 1;
        self.healthy = true;
        self.resumed_position = None;
        if resized {
            self.dataset = None;
        }
    }

    /// Takes full step `step`'s read-back values; says when the discriminator has won for good
    /// (see [`RunGuard::observe_step`], which also keeps a state every `KEEP_EVERY` steps).
    pub fn observe_step(&mut self, step: u64, values: &StepValues) -> Option<Alarm> {
        self.guard.observe_step(&self.gan, step, values)
    }

    /// Whether observing `step` keeps a state of the model (so no later step may be dispatched
    /// before it is observed).
    pub fn keeps_state_at(step: u64) -> bool {
        RunGuard::keeps_state_at(step)
    }

    /// Takes a quality measurement (SWD ×10³); keeps the best state; says when the samples got
    /// much worse than the best.
    pub fn observe_quality(&mut self, swd: f32) -> Option<Alarm> {
        self.guard.observe_quality(&self.gan, swd).0
    }

    /// The state [`Trainer::go_back`] would restore: the best by quality, else the older kept
    /// one; with `newest`, the most recent kept state first (after non-finite losses, where the
    /// best state by quality can be thousands of steps older than the last good one).
    pub fn fallback_step(&self, newest: bool) -> Option<EarlierState> {
        self.guard
            .fallback_step(self.gan.step, newest)
            .map(|Fallback { step, swd }| EarlierState { step, swd })
    }

    /// Goes back to [`Trainer::fallback_step`]'s state (networks, Adam state, step), with the
    /// training noise going on; the samples and data stay. Returns the step gone back to.
    pub fn go_back(&mut self, newest: bool) -> Result<u64, String> {
        let to = self
            .guard
            .go_back(&mut self.gan, newest)
            .ok_or("there is no earlier state to go back to")?;
        self.healthy = true;
        self.generation += 1;
        Ok(to.step)
    }

    /// The first `limit` training images as `count × channels × size × size` pixels for the
    /// current model.
    fn pixels(&self, limit: usize) -> Vec<f32> {
        let config = &self.gan.config;
        match self.source {
            Source::Builtin(Builtin::Drawn(kind)) => kind.pixels(
                limit.min(BUILTIN_COUNT),
                config.channels,
                config.image_size,
                config.seed,
            ),
            Source::Builtin(Builtin::Digits) => {
                model::digits::pixels(limit, config.channels, config.image_size)
            }
            // The project file's function: a resumed project trains on the same pixels.
            Source::User => model::project::images_pixels(
                self.user.iter().take(limit).map(|u| &u.image),
                config,
            ),
        }
    }

    fn dataset(&mut self) -> &mut Dataset {
        if self.dataset.is_none() {
            // Other images: quality measured so far compared the samples with other data.
            self.guard.forget_quality();
            let config = &self.gan.config;
            let (channels, size, seed) = (config.channels, config.image_size, config.seed);
            let pixels = self.pixels(usize::MAX);
            self.training_pixels = pixels.clone();
            let mut dataset =
                Dataset::from_pixels(pixels, channels, size, &self.device, seed, true);
            // Other data than the saved run's keeps its fresh order.
            if let Some(position) = self.resumed_position.take() {
                let _ = dataset.set_position(&position);
            }
            self.dataset = Some(dataset);
        }
        self.dataset.as_mut().expect("just built")
    }

    /// Dispatches one step; the returned stats are read back by the caller.
    pub fn step(&mut self, kind: StepKind) -> StepStats {
        match kind {
            StepKind::Full => {
                self.dataset();
                let data = self.dataset.as_mut().expect("built above");
                self.gan.train_step(data)
            }
            StepKind::Discriminator => {
                self.dataset();
                let data = self.dataset.as_mut().expect("built above");
                self.gan.discriminator_step(data)
            }
            StepKind::Generator => self.gan.generator_step(),
        }
    }

    /// Samples from the fixed latent vectors (batch statistics), `[64, c, s, s]`, to be read
    /// back asynchronously.
    pub fn samples(&self) -> Tensor<4> {
        if self.show_raw {
            self.raw_samples()
        } else {
            self.gan.sample_batch(&self.fixed_z)
        }
    }

    /// The raw generator's drawings of the fixed z (what D sees in training, whatever the grid
    /// shows), `[64, c, s, s]`.
    pub fn raw_samples(&self) -> Tensor<4> {
        self.gan
            .sample_batch_with(&self.gan.raw_generator(), &self.fixed_z)
    }

    /// The grid's samples and the raw generator's (see [`raw_samples`](Self::raw_samples)),
    /// drawn once when they are the same (no average, or the raw one shown).
    pub fn samples_and_raw(&self) -> (Tensor<4>, Tensor<4>) {
        let raw = self.raw_samples();
        if self.show_raw || self.gan.ema.is_none() {
            (raw.clone(), raw)
        } else {
            (self.gan.sample_batch(&self.fixed_z), raw)
        }
    }

    /// Whether the grid (and the explorer) show the raw generator rather than the average.
    pub fn set_show_raw(&mut self, raw: bool) {
        self.show_raw = raw;
    }

    /// Whether D's verdict scores its two rows as one mixed batch (see [`Gan::judge_mixed`]).
    pub fn set_mixed_verdict(&mut self, mixed: bool) {
        self.mixed_verdict = mixed;
    }

    /// Multiplies the generator's output weights by NaN (the test hook behind
    /// [`Request::SimulateNonFinite`](protocol::messages::Request::SimulateNonFinite)).
    pub fn poison_weights(&mut self) {
        let generator = &mut self.gan.generator;
        generator.output.weight = generator.output.weight.clone().map(|w| {
            let grad = w.is_require_grad();
            w.mul_scalar(f32::NAN).detach().set_require_grad(grad)
        });
    }

    /// The networks layer by layer, as built now.
    pub fn architecture(&self) -> Architecture {
        Architecture::of(&self.gan)
    }

    /// D's logits on up to [`GRID_SAMPLES`] fixed training images and on `fake` (the raw
    /// generator's drawings of the grid's z: what D sees in training), and the first
    /// [`verdict::ROW`] of those training images, all to be read back by the caller; `None` with
    /// fewer than two training images.
    pub fn judge(&mut self, fake: Tensor<4>) -> Option<(Tensor<1>, Tensor<1>, Tensor<4>)> {
        let data = self.dataset();
        let n = data.len().min(GRID_SAMPLES);
        if n < 2 {
            return None;
        }
        let real = data.images().clone().narrow(0, 0, n); // [n, c, s, s]
        let (real_logits, fake_logits) = if self.mixed_verdict {
            self.gan.judge_mixed(real.clone(), fake)
        } else {
            self.gan.judge(real.clone(), fake)
        };
        Some((
            real_logits,
            fake_logits,
            real.narrow(0, 0, n.min(verdict::ROW)),
        ))
    }

    /// A verdict report from read-back logits and images (see [`judge`](Self::judge)), its
    /// version one more than the last one's.
    pub fn verdict_report(
        &mut self,
        logits: (&[f32], &[f32]),
        pixels: (&[f32], &[f32]),
        judged: Judged,
    ) -> VerdictReport {
        let config = &self.gan.config;
        let (c, size) = (config.channels, config.image_size);
        let per = c * size * size;
        for (kept, pixels) in self.verdict_pixels.iter_mut().zip([pixels.0, pixels.1]) {
            *kept = pixels
                .chunks_exact(per)
                .take(verdict::ROW)
                .map(<[f32]>::to_vec)
                .collect();
        }
        let rows = |logits: &[f32], pixels: &[f32]| {
            let n = verdict::ROW.min(logits.len()).min(pixels.len() / per);
            let images = pixels
                .chunks_exact(per)
                .take(n)
                .map(|p| to_rgba(p, c, size).into_raw())
                .collect();
            (logits[..n].to_vec(), images)
        };
        let mut report = VerdictReport::new(
            config.loss,
            rows(logits.0, pixels.0),
            rows(logits.1, pixels.1),
            size as u32,
        );
        self.verdicts += 1;
        report.version = self.verdicts;
        report.step = self.step_count();
        report.judged = judged;
        report.mixed = self.mixed_verdict;
        report
    }

    /// The [`NEAREST`] training images nearest to image `index` of the last verdict's real
    /// (`real`) or generated row, by pixel distance at training resolution.
    pub fn nearest(&mut self, real: bool, index: usize) -> Result<NearestReport, String> {
        let query = self.verdict_pixels[usize::from(!real)]
            .get(index)
            .cloned()
            .ok_or("that image is no longer shown")?;
        let layout = self.layout();
        let (c, size, per) = (layout.channels, layout.side, layout.per_image());
        self.dataset();
        let found = model::nearest::nearest(&query, &self.training_pixels, layout, NEAREST);
        let image = |p: &[f32]| to_rgba(p, c, size).into_raw();
        Ok(NearestReport {
            real,
            index,
            size: size as u32,
            query: image(&query),
            neighbours: found
                .into_iter()
                .map(|m| Neighbour {
                    index: m.index,
                    distance: m.distance,
                    mirrored: m.mirrored,
                    rgba: image(&self.training_pixels[m.index * per..(m.index + 1) * per]),
                })
                .collect(),
        })
    }

    /// How the model's images are laid out.
    fn layout(&self) -> model::nearest::Layout {
        model::nearest::Layout {
            channels: self.gan.config.channels,
            side: self.gan.config.image_size,
        }
    }

    /// Median distance of `samples` (read-back pixels) to their nearest training image, and the
    /// training images' own median nearest-neighbour distance (on at most [`SPACING_IMAGES`] of
    /// them), each training image compared as it is and mirrored (training flips them): samples
    /// much nearer the data than the data is to itself are copies.
    pub fn memorisation(&mut self, samples: &[f32]) -> Option<Memorisation> {
        let layout = self.layout();
        let per = layout.per_image();
        self.dataset();
        let data = &self.training_pixels;
        let some = &data[..data.len().min(SPACING_IMAGES * per)];
        Some(Memorisation {
            samples: model::nearest::median_nearest(samples, data, layout, false)?,
            training: model::nearest::median_nearest(some, some, layout, true)?,
            images: data.len() / per,
        })
    }

    /// The generator's feature maps at `layer` of its [`architecture`](Self::architecture)
    /// (1 = the first block, the last = the image) for the live grid's first latent vector,
    /// at most `maps` of them: `[1, k, side, side]`, to be read back. `None` for z (layer 0)
    /// or past the end.
    pub fn activations(&self, layer: usize, maps: usize) -> Option<Tensor<4>> {
        let latent = self.gan.config.latent_size;
        let device = self.device.clone();
        let z = Tensor::<2>::from_data(
            burn::tensor::TensorData::new(self.fixed_z.concat(), [self.fixed_z.len(), latent]),
            &device,
        );
        let outputs = self.gan.inference_generator().activations(z);
        let output = outputs.into_iter().nth(layer.checked_sub(1)?)?; // [64, k, side, side]
        let [_, k, _, _] = output.dims();
        Some(output.slice([0..1, 0..k.min(maps)]))
    }

    /// The 8×8 grid of read-back sample pixels: (width, height, RGBA8).
    pub fn grid_rgba(&self, pixels: &[f32]) -> (u32, u32, Vec<u8>) {
        let config = &self.gan.config;
        let image = grid(pixels, config.channels, config.image_size, 8, 8, 2);
        (image.width(), image.height(), image.into_raw())
    }

    /// SWD (×10³) of read-back samples to the training images, measured with
    /// [`QUALITY_SEEDS`] seeds of its patches and projections (their mean and range: on 64
    /// samples the measure is noisy), and the samples' diversity relative to the data's (mean
    /// pairwise distance ratio; near 0 means mode collapse).
    pub fn quality(&self, samples: &[f32]) -> (SwdSpread, f32) {
        let config = &self.gan.config;
        let per = config.channels * config.image_size * config.image_size;
        // Only as many real images as samples are compared: prepare no more than that.
        let real = self.pixels(GRID_SAMPLES);
        let count = (real.len() / per)
            .min(samples.len() / per)
            .min(GRID_SAMPLES);
        let (real, fake) = (&real[..count * per], &samples[..count * per]);
        let swd = sliced_wasserstein_spread(
            real,
            fake,
            config.channels,
            config.image_size,
            &SwdConfig::quick(),
            QUALITY_SEEDS,
        );
        (swd, diversity(fake, per) / diversity(real, per).max(1e-6))
    }

    /// A handle on the model to save from without holding the trainer (see
    /// [`checkpoint::save_async`]).
    pub fn gan(&self) -> Gan {
        self.gan.clone()
    }

    /// Replaces the model with a checkpoint's (networks, Adam's state, averaged generator, noise
    /// position; the data's position where it has one); on error nothing changes.
    pub fn load(&mut self, bytes: &[u8]) -> Result<(), String> {
        let gan = checkpoint::load(bytes, &self.device).map_err(|e| e.to_string())?;
        let position = checkpoint::data_position(bytes).map_err(|e| e.to_string())?;
        self.install(gan);
        self.resumed_position = position;
        self.dataset = None;
        Ok(())
    }

    /// A step's losses were not finite: the model is not autosaved until it is replaced or
    /// goes back.
    pub fn diverged(&mut self) {
        self.healthy = false;
    }

    /// False after a non-finite step, until the model is replaced or goes back.
    pub fn healthy(&self) -> bool {
        self.healthy
    }

    /// What a project file holds besides the model: the data source and the user's images.
    pub fn project_data(&self) -> (ProjectData, Vec<ProjectImage>) {
        let data = match self.source {
            Source::Builtin(Builtin::Drawn(kind)) => ProjectData::Drawn {
                kind,
                count: BUILTIN_COUNT,
            },
            Source::Builtin(Builtin::Digits) => ProjectData::Digits,
            Source::User => ProjectData::Images,
        };
        let images = self
            .user
            .iter()
            .map(|u| ProjectImage {
                name: u.name.clone(),
                image: u.image.clone(),
            })
            .collect();
        (data, images)
    }

    /// Where the data stands now (for a checkpoint that resumes exactly).
    pub fn data_position(&self) -> Option<DataPosition> {
        match &self.dataset {
            Some(dataset) => Some(dataset.position()),
            None => self.resumed_position.clone(),
        }
    }

    /// Replaces the model, the images and the data source with a project's; returns the
    /// images' thumbnails. On error nothing changes.
    pub fn open_project(&mut self, project: Project) -> Result<Vec<Thumbnail>, String> {
        let side = STORED_SIZE as u32;
        if let Some(image) = project
            .images
            .iter()
            .find(|i| i.image.dimensions() != (side, side))
        {
            return Err(format!(
                "its image {} is {}×{}, not {side}×{side}",
                image.name,
                image.image.width(),
                image.image.height()
            ));
        }
        let gan = checkpoint::load(&project.checkpoint, &self.device).map_err(|e| e.to_string())?;
        let position = checkpoint::data_position(&project.checkpoint).map_err(|e| e.to_string())?;
        self.user.clear();
        let thumbnails = project
            .images
            .into_iter()
            .map(|i| self.keep(i.name, i.image))
            .collect();
        self.source = match project.data {
            ProjectData::Drawn { kind, .. } => Source::Builtin(Builtin::Drawn(kind)),
            ProjectData::Digits => Source::Builtin(Builtin::Digits),
            ProjectData::Images => Source::User,
        };
        self.install(gan);
        self.resumed_position = position;
        self.dataset = None;
        Ok(thumbnails)
    }
}

/// Mean Euclidean distance between consecutive pairs of images.
fn diversity(pixels: &[f32], per: usize) -> f32 {
    let images: Vec<&[f32]> = pixels.chunks_exact(per).collect();
    let pairs: Vec<f32> = images
        .windows(2)
        .map(|w| {
            w[0].iter()
                .zip(w[1])
                .map(|(a, b)| (a - b).powi(2))
                .sum::<f32>()
                .sqrt()
        })
        .collect();
    pairs.iter().sum::<f32>() / pairs.len().max(1) as f32
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
    use model::guard::KEEP_EVERY;
    use std::io::Cursor;

    fn tiny() -> GanConfig {
        GanConfig::new()
            .with_generator_width(4)
            .with_discriminator_width(4)
            .with_latent_size(8)
            .with_batch_size(4)
    }

    /// A step's values where neither player is winning.
    fn balanced_values() -> StepValues {
        StepValues {
            d_real: Some(0.7),
            d_fake: Some(0.3),
            ..Default::default()
        }
    }

    fn png(colour: [u8; 3]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(RgbImage::from_pixel(10, 12, Rgb(colour)))
            .write_to(&mut out, ImageFormat::Png)
            .unwrap();
        out.into_inner()
    }

    /// The generator's output weights, to tell states apart.
    fn g_weights(t: &Trainer) -> Vec<f32> {
        t.gan()
            .generator
            .output
            .weight
            .val()
            .into_data()
            .iter::<f32>()
            .collect()
    }

    /// D's verdict as the worker makes it, read back synchronously.
    fn verdict(t: &mut Trainer, judged: Judged) -> VerdictReport {
        let read = |x: Tensor<1>| x.into_data().iter::<f32>().collect::<Vec<f32>>();
        let samples = t.samples();
        let pixels: Vec<f32> = samples.clone().into_data().iter::<f32>().collect();
        let (r, f, real) = t.judge(samples).expect("the built-in set has images");
        let real: Vec<f32> = real.into_data().iter::<f32>().collect();
        t.verdict_report((&read(r), &read(f)), (&real, &pixels), judged)
    }

    #[test]
    fn d_steps_teach_d_to_tell_the_rows_apart() {
        let mut t = Trainer::new(Device::flex(), tiny().with_learning_rate_d(2e-3)).unwrap();
        let first = verdict(&mut t, Judged::Refresh);
        assert_eq!(first.real.len(), verdict::ROW);
        assert_eq!(first.fake.len(), verdict::ROW);
        assert!(
            first
                .real
                .iter()
                .chain(&first.fake)
                .all(|s| (0.0..=1.0).contains(&s.shown))
        );
        for _ in 0..10 {
            t.step(StepKind::Discriminator);
        }
        let after = verdict(&mut t, Judged::AfterStepD);
        assert_eq!(after.version, first.version + 1);
        let (real0, fake0) = first.means();
        let (real1, fake1) = after.means();
        assert!(
            real1 > real0 && fake1 < fake0,
            "{real0}→{real1}, {fake0}→{fake1}"
        );
        let (real, _) = after.changes(&first).unwrap();
        assert_eq!(real.len(), verdict::ROW);
        assert_eq!(after.step, 0, "D steps do not count as generator updates");
    }

    #[test]
    fn a_training_image_is_its_own_nearest_and_samples_are_measured_against_the_data() {
        let mut t = Trainer::new(Device::flex(), tiny()).unwrap();
        verdict(&mut t, Judged::Refresh);
        let own = t.nearest(true, 2).unwrap();
        assert_eq!(
            (own.neighbours[0].index, own.neighbours[0].distance),
            (2, 0.0)
        );
        assert_eq!(own.neighbours.len(), NEAREST);
        let generated = t.nearest(false, 0).unwrap();
        assert!(generated.neighbours[0].distance > 0.0);
        assert!(
            generated
                .neighbours
                .windows(2)
                .all(|w| w[0].distance <= w[1].distance)
        );
        assert!(t.nearest(false, 99).is_err());
        let samples: Vec<f32> = t.samples().into_data().iter::<f32>().collect();
        let m = t.memorisation(&samples).unwrap();
        assert!(m.samples > 0.0 && m.training > 0.0, "{m:?}");
        // The training images themselves, as samples, sit at distance 0 from the data.
        let copies = t.training_pixels[..samples.len()].to_vec();
        assert_eq!(t.memorisation(&copies).unwrap().samples, 0.0);
    }

    #[test]
    fn feature_maps_come_from_each_generator_layer() {
        let t = Trainer::new(Device::flex(), tiny()).unwrap();
        let layers = t.architecture().generator;
        assert!(t.activations(0, 8).is_none(), "z has no feature maps");
        assert!(t.activations(layers.len(), 8).is_none());
        for (i, layer) in layers.iter().enumerate().skip(1) {
            let maps = t.activations(i, 3).unwrap();
            let [_, c, h, w] = layer.output;
            assert_eq!(maps.dims(), [1, c.min(3), h, w], "{}", layer.operation);
        }
    }

    #[test]
    fn after_non_finite_losses_the_newest_good_state_is_chosen_not_the_best() {
        let mut t = Trainer::new(Device::flex(), tiny()).unwrap();
        t.step(StepKind::Full);
        t.observe_quality(60.0);
        for _ in 0..204 {
            t.step(StepKind::Full);
            t.observe_step(t.step_count(), &balanced_values());
        }
        assert_eq!(t.fallback_step(false).map(|e| e.step), Some(1), "the best");
        assert_eq!(
            t.fallback_step(true).map(|e| e.step),
            Some(200),
            "the newest kept"
        );
        t.diverged();
        assert!(!t.healthy());
        let finite =
            |t: &Trainer| pollster::block_on(model::snapshot::all_finite(&t.gan())).unwrap();
        assert!(finite(&t));
        t.poison_weights();
        assert!(!finite(&t), "NaN weights are seen");
        let values = pollster::block_on(t.step(StepKind::Full).read()).unwrap();
        assert!(!values.is_finite());
        assert_eq!(t.go_back(true), Ok(200));
        assert!(t.healthy());
        assert!(finite(&t), "the state gone back to is finite");
    }

    #[test]
    fn a_state_is_kept_only_while_the_model_is_at_the_step_observed() {
        let mut t = Trainer::new(Device::flex(), tiny()).unwrap();
        for _ in 0..KEEP_EVERY {
            t.step(StepKind::Full);
        }
        assert!(Trainer::keeps_state_at(t.step_count()));
        // The next step went to the device before this one's values came back.
        t.step(StepKind::Full);
        t.observe_step(KEEP_EVERY, &balanced_values());
        t.observe_step(KEEP_EVERY + 1, &balanced_values());
        assert_eq!(
            t.fallback_step(true),
            None,
            "not kept: the model was at 101 already"
        );
        for _ in 0..KEEP_EVERY - 1 {
            t.step(StepKind::Full);
        }
        t.observe_step(2 * KEEP_EVERY, &balanced_values());
        t.step(StepKind::Full);
        assert_eq!(t.fallback_step(true).map(|e| e.step), Some(2 * KEEP_EVERY));
    }

    #[test]
    fn a_run_that_falls_apart_is_noticed_and_goes_back_to_its_best_state() {
        let mut t = Trainer::new(Device::flex(), tiny()).unwrap();
        assert!(t.go_back(false).is_err(), "nothing to go back to yet");
        for _ in 0..3 {
            t.step(StepKind::Full);
            assert_eq!(t.observe_step(t.step_count(), &balanced_values()), None);
        }
        assert_eq!(t.observe_quality(60.0), None);
        let best = g_weights(&t);
        for _ in 0..3 {
            t.step(StepKind::Full);
        }
        assert_ne!(g_weights(&t), best);
        assert_eq!(
            t.fallback_step(false),
            Some(EarlierState {
                step: 3,
                swd: Some(60.0)
            })
        );
        // Quality far worse than the best: an alarm.
        assert!(matches!(
            t.observe_quality(150.0),
            Some(Alarm::QualityFell { best_step: 3, .. })
        ));
        // D winning for a while: an alarm too (values as the collapse of issue 14 showed).
        let won = StepValues {
            d_real: Some(1.0),
            d_fake: Some(0.0),
            ..Default::default()
        };
        let alarms: Vec<_> = (0..600)
            .filter_map(|_| t.observe_step(t.step_count(), &won))
            .collect();
        assert!(
            matches!(alarms[..], [Alarm::DiscriminatorWins { .. }]),
            "{alarms:?}"
        );
        assert_eq!(t.go_back(false), Ok(3));
        assert_eq!(t.step_count(), 3);
        assert_eq!(g_weights(&t), best, "the best state's weights");
        // Training goes on from there.
        t.step(StepKind::Full);
        assert_eq!(t.step_count(), 4);
    }

    #[test]
    fn good_and_bad_files_are_sorted_out() {
        let mut t = Trainer::new(Device::flex(), tiny()).unwrap();
        let (added, rejected) = t.add_files(vec![
            ("red.png".into(), png([255, 0, 0])),
            ("notes.txt".into(), b"hello".to_vec()),
            ("empty.jpg".into(), vec![]),
            ("blue.png".into(), png([0, 0, 255])),
        ]);
        assert_eq!(
            added.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
            ["red.png", "blue.png"]
        );
        assert_eq!(added[0].rgba.len(), STORED_SIZE * STORED_SIZE * 4);
        assert_eq!(&added[0].rgba[..4], &[255, 0, 0, 255]);
        assert_eq!(rejected.len(), 2);
        assert_eq!(rejected[0].0, "notes.txt");
        assert!(rejected[1].1.contains("empty"));
        t.use_user().unwrap();
        assert_eq!(t.dataset_summary().1, 2);
        t.remove(added[0].id);
        assert_eq!(t.user_count(), 1);
        t.clear();
        assert_eq!(
            t.source(),
            Source::Builtin(Builtin::Drawn(Procedural::Rings)),
            "falls back to a built-in set"
        );
        assert!(t.use_user().is_err());
    }

    #[test]
    fn the_digits_set_trains() {
        let mut t = Trainer::new(Device::flex(), tiny().with_channels(1)).unwrap();
        t.use_builtin(Builtin::Digits);
        assert_eq!(t.dataset_summary().1, 1797);
        let pixels = t.pixels(usize::MAX);
        assert_eq!(pixels.len(), 1797 * 32 * 32);
        // Ink is white on black: some pixels bright, most dark.
        let bright = pixels.iter().filter(|&&v| v > 0.5).count() as f32 / pixels.len() as f32;
        assert!((0.05..0.5).contains(&bright), "{bright}");
        assert!(
            pollster::block_on(t.step(StepKind::Full).read())
                .unwrap()
                .is_finite()
        );
    }

    #[test]
    fn steps_samples_quality_and_checkpoints() {
        let mut t = Trainer::new(Device::flex(), tiny()).unwrap();
        for kind in [StepKind::Full, StepKind::Discriminator, StepKind::Generator] {
            let v = pollster::block_on(t.step(kind).read()).unwrap();
            assert!(v.is_finite());
        }
        assert_eq!(t.step_count(), 2);
        let samples: Vec<f32> = t.samples().into_data().iter::<f32>().collect();
        assert_eq!(samples.len(), 64 * 3 * 32 * 32);
        let (w, h, rgba) = t.grid_rgba(&samples);
        assert_eq!((w, h), (8 * 34 + 2, 8 * 34 + 2));
        assert_eq!(rgba.len(), (w * h * 4) as usize);
        let (swd, diversity) = t.quality(&samples);
        assert!(swd.mean.is_finite() && swd.mean > 0.0 && diversity.is_finite());
        assert!(swd.low <= swd.mean && swd.mean <= swd.high && swd.low < swd.high);
        let saved = pollster::block_on(checkpoint::save_async(&t.gan(), None)).unwrap();
        assert!(t.load(b"garbage").is_err());
        assert_eq!(t.step_count(), 2, "a bad checkpoint leaves the model");
        t.configure(tiny().with_image_size(64)).unwrap();
        assert_eq!(t.step_count(), 0);
        pollster::block_on(t.step(StepKind::Full).read()).unwrap();
        t.load(&saved).unwrap();
        assert_eq!((t.step_count(), t.config().image_size), (2, 32));
        pollster::block_on(t.step(StepKind::Full).read()).unwrap();
    }

    #[test]
    fn kept_images_come_back_in_another_trainer() {
        let mut first = Trainer::new(Device::flex(), tiny()).unwrap();
        let (added, _) = first.add_files(vec![
            ("red.png".into(), png([255, 0, 0])),
            ("blue.png".into(), png([0, 0, 255])),
        ]);
        // What the page keeps of each image, handed to a new worker after a lost device.
        let mut kept: Vec<(String, Vec<u8>)> =
            added.into_iter().map(|t| (t.name, t.rgba)).collect();
        kept.push(("forged".into(), vec![1, 2, 3]));
        let mut second = Trainer::new(Device::flex(), tiny()).unwrap();
        let (back, rejected) = second.restore(kept);
        assert_eq!(back.len(), 2);
        assert_eq!(
            rejected,
            vec![(
                "forged".to_string(),
                "not a kept image of this page".to_string()
            )]
        );
        second.use_user().unwrap();
        let pixels = second.pixels(2);
        assert_eq!(pixels.len(), 2 * 3 * 32 * 32);
        assert!(
            (pixels[0] - 1.0).abs() < 1e-6,
            "red survives: {}",
            pixels[0]
        );
        pollster::block_on(second.step(StepKind::Full).read()).unwrap();
    }

    #[test]
    fn a_project_resumes_the_same_run_in_another_trainer() {
        let mut first = Trainer::new(Device::flex(), tiny()).unwrap();
        first.add_files(vec![
            ("red.png".into(), png([255, 0, 0])),
            ("blue.png".into(), png([0, 0, 255])),
            ("green.png".into(), png([0, 255, 0])),
        ]);
        first.use_user().unwrap();
        for _ in 0..3 {
            pollster::block_on(first.step(StepKind::Full).read()).unwrap();
        }
        let (data, images) = first.project_data();
        let checkpoint = checkpoint::save(&first.gan(), first.data_position().as_ref()).unwrap();
        let bytes = Project {
            data,
            images,
            checkpoint,
            page: serde_json::Value::Null,
        }
        .to_bytes();

        let mut second = Trainer::new(Device::flex(), tiny().with_latent_size(8)).unwrap();
        let opened = Project::from_bytes(&bytes).unwrap();
        let thumbnails = second.open_project(opened).unwrap();
        let names: Vec<_> = thumbnails.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["red.png", "blue.png", "green.png"]);
        assert_eq!(second.source(), Source::User);
        assert_eq!(second.step_count(), 3);
        assert_eq!(second.config(), first.config());
        // Same weights, Adam state, noise and batch order: the same next steps.
        for _ in 0..2 {
            let a = pollster::block_on(first.step(StepKind::Full).read()).unwrap();
            let b = pollster::block_on(second.step(StepKind::Full).read()).unwrap();
            assert_eq!(a, b);
        }
        // A project whose images are not the page's kept size is refused; nothing changes.
        let mut odd = Project::from_bytes(&bytes).unwrap();
        odd.images[0].image = RgbaImage::new(8, 8);
        assert!(second.open_project(odd).is_err());
        assert_eq!((second.step_count(), second.user_count()), (5, 3));
    }
}
