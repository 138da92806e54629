//! The command line, and the model's configuration it asks for.

use std::path::PathBuf;

use clap::{Parser, ValueEnum};
use model::backend::Backend;
use model::{GanConfig, LossKind, OptimizerKind, images};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Builtin {
    Rings,
    Stripes,
    /// The 1797 UCI handwritten digits shipped in `public/datasets/`.
    Digits,
    /// The 118 emoji faces of `public/datasets/faces.png` (Twemoji).
    Faces,
    /// The 1 412 emoji of `public/datasets/emoji.png` (Twemoji).
    Emoji,
}

#[derive(Debug, Clone, Copy, PartialEq, ValueEnum)]
pub enum OnCollapse {
    /// Say so, and keep training.
    Warn,
    /// Go back to the best state (networks and Adam), halve D's learning rate, keep training.
    Restore,
    /// Say so and stop (the checkpoint is the state at the stop; best.gan the best one).
    Stop,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Loss {
    /// Non-saturating BCE, DCGAN's (Adam 2e-4, β1 0.5, 1 D step).
    Bce,
    /// Hinge (Adam 2e-4, β1 0.5, 1 D step).
    Hinge,
    /// WGAN with weight clipping, trained as its paper does unless a flag says otherwise:
    /// RMSProp at 5e-5, 5 critic steps per G step, clip 0.01 (Arjovsky et al. 2017).
    Wgan,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Optimizer {
    Adam,
    Rmsprop,
}

/// Train a DCGAN on a folder of images.
#[derive(Parser, Debug)]
#[command(version, about)]
pub struct Args {
    /// Folder of images (PNG, JPEG, GIF, WebP, BMP), searched recursively.
    #[arg(long, conflicts_with = "builtin", required_unless_present_any = ["builtin", "resume", "print_architecture"])]
    pub data: Option<PathBuf>,
    /// Train on a built-in procedural dataset instead of a folder.
    #[arg(long)]
    pub builtin: Option<Builtin>,
    /// Images to draw for a built-in dataset.
    #[arg(long, default_value_t = 2048)]
    pub builtin_count: usize,
    /// Output folder for sample grids and checkpoints.
    #[arg(long, required_unless_present_any = ["print_architecture", "score", "score_floor", "export_prepared", "export_sheet"])]
    pub out: Option<PathBuf>,
    /// Print both networks of the configuration layer by layer as JSON (each layer's
    /// operation, output shape for --batch, parameter count) and exit: the numbers the page's
    /// architecture view shows.
    #[arg(long)]
    pub print_architecture: bool,
    /// Score 8×8 sample grids (this trainer's or the PyTorch reference's) against the images of
    /// --data with the learning benchmark's metric (SWD×10³, 64 samples, three projection
    /// seeds; `model::swd::benchmark_score`), one line per grid, and exit.
    #[arg(long, num_args = 1.., requires = "data")]
    pub score: Vec<PathBuf>,
    /// Score the images of --data against themselves with --score's metric, and exit: five
    /// random splits into two halves, 64 images of one half (each once before any twice)
    /// against the other. The data's floor: what samples as varied and as close as the images
    /// themselves would score.
    #[arg(long, requires = "data")]
    pub score_floor: bool,
    /// With an averaged G (--ema > 0), also write the raw generator's grid as raw_<step>.png
    /// next to each samples_<step>.png: one run gives both recipes' samples.
    #[arg(long)]
    pub raw_samples: bool,
    /// Continue from a checkpoint or a project file saved by the page (its configuration wins
    /// over the flags below): the step count, Adam's state, the noise and, where the file has
    /// it, the data's epoch and batch order go on as in an uninterrupted run. A project file
    /// also brings its images (unless --data or --builtin is given) and is written back, with
    /// the trained model, to OUT/project.ganproj.
    #[arg(long)]
    pub resume: Option<PathBuf>,
    /// Generator updates to reach, counted from the start of the run (a resumed run continues
    /// towards it).
    #[arg(long, default_value_t = 2000)]
    pub steps: u64,
    /// Image side: 32 or 64.
    #[arg(long, default_value_t = 32)]
    pub size: usize,
    /// 1 (grey) or 3 (RGB).
    #[arg(long, default_value_t = 3)]
    pub channels: usize,
    /// Length of z.
    #[arg(long, default_value_t = 64)]
    pub latent: usize,
    /// Width of both networks.
    #[arg(long, default_value_t = 64)]
    pub width: usize,
    #[arg(long, default_value_t = 64)]
    pub batch: usize,
    /// The loss; it also picks its paper's optimiser, learning rates, D steps and clip, which
    /// the flags below override one by one.
    #[arg(long, value_enum, default_value_t = Loss::Bce)]
    pub loss: Loss,
    /// [default: adam; with --loss wgan: rmsprop]
    #[arg(long, value_enum)]
    pub optimizer: Option<Optimizer>,
    /// [default: 2e-4; with --loss wgan: 5e-5]
    #[arg(long)]
    pub lr_g: Option<f64>,
    /// [default: 2e-4; with --loss wgan: 5e-5]
    #[arg(long)]
    pub lr_d: Option<f64>,
    /// Adam's β1, the momentum of both players (the page's "β1"; RMSProp has none). DCGAN's
    /// 0.5: Radford et al. found Adam's suggested 0.9 "resulted in training oscillation and
    /// instability". [default: 0.5]
    #[arg(long)]
    pub beta1: Option<f32>,
    /// Discriminator updates per generator update. [default: 1; with --loss wgan: 5]
    #[arg(long)]
    pub d_steps: Option<usize>,
    /// WGAN's weight clip on the critic. [default: 0.01]
    #[arg(long)]
    pub wgan_clip: Option<f32>,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Decay of the exponential moving average of G's weights that the sample grids, the
    /// quality measure and the explorer use (0: off, the raw generator).
    #[arg(long, default_value_t = 0.999)]
    pub ema: f64,
    /// DiffAugment (Zhao et al. 2020): the probability of each of its changes (colour,
    /// translation, cutout) on each image D sees, real and generated; 1 is the paper's recipe,
    /// 0 (the default) turns it off.
    #[arg(long, default_value_t = 0.0)]
    pub diffaug: f64,
    /// Adaptive augmentation (Karras et al. 2020, ADA): DiffAugment's changes with a
    /// probability p that rises while D is sure of the real images (r_t = E[sign D(x)] above
    /// this target) and falls when it is not; 0.6 is the paper's target, 0 turns it off.
    /// Not with --loss wgan, nor with --diffaug.
    #[arg(long, default_value_t = 0.0)]
    pub ada: f64,
    /// Adaptive augmentation's speed: steps over which p could go from 0 to 1.
    #[arg(long, default_value_t = GanConfig::new().ada_ramp_steps)]
    pub ada_ramp: u64,
    /// The highest p adaptive augmentation may reach (above it the changes leak into G's
    /// samples).
    #[arg(long, default_value_t = GanConfig::new().ada_max)]
    pub ada_max: f64,
    /// Write an 8×8 sample grid every N steps (0: only the final one).
    #[arg(long, default_value_t = 250)]
    pub sample_every: u64,
    /// Measure the samples' quality (SWD to the training images) every N steps; 0: never.
    #[arg(long, default_value_t = 250)]
    pub quality_every: u64,
    /// What to do when the run falls apart (the discriminator wins for good, or the quality
    /// falls far below the best): keep going, go back to the best state (before the first
    /// quality measure, to a state kept every 100 steps) with D's learning rate halved, or stop.
    /// The best state is always written to OUT/best.gan.
    #[arg(long, value_enum, default_value_t = OnCollapse::Warn)]
    pub on_collapse: OnCollapse,
    /// Write the checkpoint every N steps (0: only at the end).
    #[arg(long, default_value_t = 1000)]
    pub checkpoint_every: u64,
    /// Read the losses back (and wait for the device) every N steps.
    #[arg(long, default_value_t = 10)]
    pub log_every: u64,
    /// Which burn backend trains; the GPU ones need their feature at build time.
    #[arg(long, value_enum, default_value_t = Backend::Cpu)]
    pub backend: Backend,
    /// Write a CSV line every --log-every steps: losses, D outputs, gradient norms and each
    /// batch norm's running statistics (the columns of tests/bench/collapse/ref_log.py).
    #[arg(long)]
    pub log_csv: Option<PathBuf>,
    /// Leave Adam's state out of the checkpoint (a third of the size; for shipping a model).
    #[arg(long)]
    pub weights_only: bool,
    /// For shipping as one of the page's pretrained generators (`public/pretrained/`): the
    /// averaged generator alone (no discriminator, no Adam state) in the generator's place,
    /// calibrated on the sample grid's z, with half-precision weights: the file draws what the
    /// samples showed in 1.8 MB at width 64 (a checkpoint: 23 MB), and the page draws from it
    /// without computing anything first. Training resumed from it starts from that average with a fresh
    /// discriminator.
    #[arg(long)]
    pub ship: bool,
    /// The filter that scales --data's images to the training size (the page's is lanczos3).
    #[arg(long, value_enum, default_value_t = images::Resize::Lanczos3)]
    pub resize: images::Resize,
    /// Write the training images as prepared (on white, cropped, resized: PNGs of the training
    /// size) to DIR and stop: to give another trainer the very same pixels.
    #[arg(long)]
    pub export_prepared: Option<PathBuf>,
    /// Write the training images as prepared, tiled 32 to a row in one PNG, to FILE and stop:
    /// how the built-in emoji sets are made (`scripts/emoji-sets.sh`).
    #[arg(long)]
    pub export_sheet: Option<PathBuf>,
}

impl Args {
    /// The configuration of a new run: the loss's recipe (its paper's optimiser, rates, D steps
    /// and clip), each part of it that a flag gives overridden.
    pub fn config(&self) -> GanConfig {
        let loss = match self.loss {
            Loss::Bce => LossKind::Bce,
            Loss::Hinge => LossKind::Hinge,
            Loss::Wgan => LossKind::WganClip,
        };
        let recipe = GanConfig::new()
            .with_image_size(self.size)
            .with_channels(self.channels)
            .with_latent_size(self.latent)
            .with_generator_width(self.width)
            .with_discriminator_width(self.width)
            .with_batch_size(self.batch)
            .with_ema_beta(self.ema)
            .with_augment(self.diffaug)
            .with_ada_target(self.ada)
            .with_ada_ramp_steps(self.ada_ramp)
            .with_ada_max(self.ada_max)
            .with_seed(self.seed)
            .with_loss_recipe(loss);
        GanConfig {
            optimizer: match self.optimizer {
                Some(Optimizer::Adam) => OptimizerKind::Adam,
                Some(Optimizer::Rmsprop) => OptimizerKind::RmsProp,
                None => recipe.optimizer,
            },
            learning_rate_g: self.lr_g.unwrap_or(recipe.learning_rate_g),
            learning_rate_d: self.lr_d.unwrap_or(recipe.learning_rate_d),
            beta1: self.beta1.unwrap_or(recipe.beta1),
            d_steps: self.d_steps.unwrap_or(recipe.d_steps),
            wgan_clip: self.wgan_clip.unwrap_or(recipe.wgan_clip),
            ..recipe
        }
    }
}

/// What WGAN trains with, said once before a WGAN run: the paper's recipe next to this run's.
pub fn wgan_notice(config: &GanConfig) -> String {
    format!(
        "WGAN: {} at G {:.0e} / D {:.0e}, {} critic steps per G step, weights clipped to ±{} (the \
         paper's recipe is RMSProp at 5e-5, 5 steps, ±0.01: Arjovsky et al. 2017, Algorithm 1). \
         −(D's loss) estimates the Wasserstein distance only while the critic is near its \
         optimum, and up to its Lipschitz constant.",
        config.optimizer.label(),
        config.learning_rate_g,
        config.learning_rate_d,
        config.d_steps,
        config.wgan_clip
    )
}
