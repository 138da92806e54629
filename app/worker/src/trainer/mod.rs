//! The worker's state: the model, the training images and what trains on what. Plain Rust over
//! a burn device, so it is tested natively; the worker only adds messaging and async reads.
//!
//! One concern per file: here the model's lifecycle and the training step; [`library`] the
//! user's images; [`inspection`] what the page asks about the model (verdict, nearest images,
//! feature maps, quality); [`files`] project files; [`sheets`] the emoji sets' sheets. The states kept to go back to are
//! `model::guard`'s, shared with `gan-train`.

mod files;
mod inspection;
mod library;
mod sheets;

use std::collections::HashMap;

use burn::tensor::{Device, Tensor};
use image::DynamicImage;
use library::{ImageLibrary, Rejected};
use model::anatomy::Architecture;
use model::data::DataPosition;
use model::emoji::EmojiSet;
use model::guard::{Fallback, RunGuard};
use model::health::Alarm;
use model::procedural::Procedural;
use model::{Dataset, Gan, GanConfig, StepStats, StepValues, checkpoint};
pub use protocol::data::{Builtin, GRID_SAMPLES, STORED_SIZE, Source, grid_latents};
use protocol::messages::{NamedFile, Thumbnail};

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

/// Model, data and their bookkeeping.
pub struct Trainer {
    device: Device,
    gan: Gan,
    /// The user's images.
    library: ImageLibrary,
    source: Source,
    dataset: Option<Dataset>,
    fixed_z: Vec<Vec<f32>>,
    /// Counts models installed (configure, load, going back): with the step it names one set of weights.
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
    /// The emoji sets' drawings, once their sheets were fetched ([`Trainer::add_sheet`]).
    sheets: HashMap<EmojiSet, Vec<DynamicImage>>,
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
            guard: RunGuard::new(&gan.config),
            gan,
            library: ImageLibrary::default(),
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
            sheets: HashMap::new(),
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
        self.library.len()
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
            Source::Builtin(Builtin::Emoji(set)) => (set.label().to_string(), set.count()),
            Source::Builtin(b) => (b.label().to_string(), BUILTIN_COUNT),
            Source::User => ("Your images".to_string(), self.library.len()),
        }
    }

    /// Decodes files into the user's images; returns the thumbnails of the good ones and
    /// (name, reason) of the others.
    pub fn add_files(&mut self, files: Vec<NamedFile>) -> (Vec<Thumbnail>, Rejected) {
        let (added, rejected) = self.library.add_files(files);
        if !added.is_empty() {
            self.user_changed();
        }
        (added, rejected)
    }

    /// Takes back images that another worker kept (after a lost GPU device); see
    /// [`ImageLibrary::restore`].
    pub fn restore(&mut self, images: Vec<NamedFile>) -> (Vec<Thumbnail>, Rejected) {
        let (added, rejected) = self.library.restore(images);
        if !added.is_empty() {
            self.user_changed();
        }
        (added, rejected)
    }

    /// Removes one user image (no-op for an unknown id).
    pub fn remove(&mut self, id: u64) {
        self.library.remove(id);
        self.user_changed();
    }

    /// Removes every user image.
    pub fn clear(&mut self) {
        self.library.clear();
        self.user_changed();
    }

    fn user_changed(&mut self) {
        if self.source == Source::User {
            self.dataset = None;
            if self.library.is_empty() {
                self.source = Source::Builtin(Builtin::Drawn(Procedural::Rings));
            }
        }
    }

    /// Trains on a built-in set from now on; an emoji set once its sheet is here
    /// ([`Trainer::add_sheet`]).
    pub fn use_builtin(&mut self, kind: Builtin) -> Result<(), String> {
        if let Builtin::Emoji(set) = kind
            && !self.sheets.contains_key(&set)
        {
            return Err(format!(
                "the built-in set “{}” has not been fetched",
                set.label()
            ));
        }
        self.source = Source::Builtin(kind);
        self.dataset = None;
        Ok(())
    }

    /// Trains on the user's images from now on.
    pub fn use_user(&mut self) -> Result<(), String> {
        if self.library.is_empty() {
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
        self.guard = RunGuard::new(&gan.config);
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
    pub fn fallback_step(&self, newest: bool) -> Option<Fallback> {
        self.guard.fallback_step(self.gan.step, newest)
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
            Source::Builtin(Builtin::Emoji(set)) => match self.sheets.get(&set) {
                Some(images) => {
                    model::emoji::pixels(images, limit, config.channels, config.image_size)
                }
                // Only until the sheet is here (the worker holds the page's requests back
                // meanwhile, [`Trainer::missing_sheet`]): the rings stand in, never with the
                // saved run's data position, and `add_sheet` drops them.
                None => Procedural::Rings.pixels(
                    limit.min(BUILTIN_COUNT),
                    config.channels,
                    config.image_size,
                    config.seed,
                ),
            },
            // The project file's function: a resumed project trains on the same pixels.
            Source::User => model::project::images_pixels(
                self.library.images().take(limit).map(|u| &u.image),
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
            // Other data than the saved run's keeps its fresh order; a project opened on an emoji
            // set keeps its position until the set's sheet is here.
            if self.missing_sheet().is_none()
                && let Some(position) = self.resumed_position.take()
            {
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

    /// A handle on the model to save from without holding the trainer (see
    /// [`checkpoint::save_async`]).
    pub fn gan(&self) -> Gan {
        self.gan.clone()
    }

    /// Replaces the model with a checkpoint's (networks, Adam's state, averaged generator, noise
    /// position; the data's position where it has one); on error nothing changes.
    pub fn load(&mut self, bytes: &[u8]) -> Result<(), String> {
        let (gan, position) =
            checkpoint::load_run(bytes, &self.device).map_err(|e| e.to_string())?;
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
}

/// What the trainer's tests share (each file's tests use it).
#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
    use protocol::verdict::{Judged, VerdictReport};
    use std::io::Cursor;

    pub(crate) fn tiny() -> GanConfig {
        GanConfig::new()
            .with_generator_width(4)
            .with_discriminator_width(4)
            .with_latent_size(8)
            .with_batch_size(4)
    }

    /// One full training step, its values read back synchronously.
    pub(crate) fn full_step(t: &mut Trainer) -> StepValues {
        pollster::block_on(t.step(StepKind::Full).read()).unwrap()
    }

    /// A step's values where neither player is winning.
    pub(crate) fn balanced_values() -> StepValues {
        StepValues {
            d_real: Some(0.7),
            d_fake: Some(0.3),
            ..Default::default()
        }
    }

    /// A file as the page hands it over.
    pub(crate) fn file(name: &str, bytes: Vec<u8>) -> NamedFile {
        NamedFile {
            name: name.into(),
            bytes,
        }
    }

    pub(crate) fn png(colour: [u8; 3]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(RgbImage::from_pixel(10, 12, Rgb(colour)))
            .write_to(&mut out, ImageFormat::Png)
            .unwrap();
        out.into_inner()
    }

    /// The generator's output weights, to tell states apart.
    pub(crate) fn g_weights(t: &Trainer) -> Vec<f32> {
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
    pub(crate) fn verdict(t: &mut Trainer, judged: Judged) -> VerdictReport {
        let read = |x: Tensor<1>| x.into_data().iter::<f32>().collect::<Vec<f32>>();
        let samples = t.samples();
        let pixels: Vec<f32> = samples.clone().into_data().iter::<f32>().collect();
        let (r, f, real) = t.judge(samples).expect("the built-in set has images");
        let real: Vec<f32> = real.into_data().iter::<f32>().collect();
        t.verdict_report((&read(r), &read(f)), (&real, &pixels), judged)
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;
    use model::guard::KEEP_EVERY;

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
        let values = full_step(&mut t);
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
            Some(Fallback {
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
    fn the_digits_set_trains() {
        let mut t = Trainer::new(Device::flex(), tiny().with_channels(1)).unwrap();
        t.use_builtin(Builtin::Digits).unwrap();
        assert_eq!(t.dataset_summary().1, 1797);
        let pixels = t.pixels(usize::MAX);
        assert_eq!(pixels.len(), 1797 * 32 * 32);
        // Ink is white on black: some pixels bright, most dark.
        let bright = pixels.iter().filter(|&&v| v > 0.5).count() as f32 / pixels.len() as f32;
        assert!((0.05..0.5).contains(&bright), "{bright}");
        assert!(full_step(&mut t).is_finite());
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
        full_step(&mut t);
        t.load(&saved).unwrap();
        assert_eq!((t.step_count(), t.config().image_size), (2, 32));
        full_step(&mut t);
    }
}
