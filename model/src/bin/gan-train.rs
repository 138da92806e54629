//! Native trainer: trains the DCGAN on a folder of images (or a built-in set) with a progress
//! bar, writing sample grids and checkpoints that the page loads.
//!
//! ```sh
//! cargo run -p model --release --features cli --bin gan-train -- --data photos/ --out runs/cats
//! cargo run -p model --release --features cli --bin gan-train -- --builtin rings --steps 3000 --out runs/rings
//! ```

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use clap::{Parser, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use model::backend::Backend;
use model::guard::{KEEP_EVERY, RunGuard};
use model::latent::grid_latents;
use model::procedural::Procedural;
use model::swd::{SwdConfig, sliced_wasserstein};
use model::{Dataset, Gan, GanConfig, LossKind, OptimizerKind, checkpoint, images};

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Builtin {
    Rings,
    Stripes,
    /// The 1797 UCI handwritten digits shipped in `public/datasets/`.
    Digits,
}

#[derive(Debug, Clone, Copy, PartialEq, ValueEnum)]
enum OnCollapse {
    /// Say so, and keep training.
    Warn,
    /// Go back to the best state (networks and Adam), halve D's learning rate, keep training.
    Restore,
    /// Say so and stop (the checkpoint is the state at the stop; best.gan the best one).
    Stop,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Loss {
    /// Non-saturating BCE, DCGAN's (Adam 2e-4, β1 0.5, 1 D step).
    Bce,
    /// Hinge (Adam 2e-4, β1 0.5, 1 D step).
    Hinge,
    /// WGAN with weight clipping, trained as its paper does unless a flag says otherwise:
    /// RMSProp at 5e-5, 5 critic steps per G step, clip 0.01 (Arjovsky et al. 2017).
    Wgan,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Optimizer {
    Adam,
    Rmsprop,
}

/// Train a DCGAN on a folder of images.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Folder of images (PNG, JPEG, GIF, WebP, BMP), searched recursively.
    #[arg(long, conflicts_with = "builtin", required_unless_present_any = ["builtin", "resume", "print_architecture"])]
    data: Option<PathBuf>,
    /// Train on a built-in procedural dataset instead of a folder.
    #[arg(long)]
    builtin: Option<Builtin>,
    /// Images to draw for a built-in dataset.
    #[arg(long, default_value_t = 2048)]
    builtin_count: usize,
    /// Output folder for sample grids and checkpoints.
    #[arg(long, required_unless_present_any = ["print_architecture", "score", "export_prepared"])]
    out: Option<PathBuf>,
    /// Print both networks of the configuration layer by layer as JSON (each layer's
    /// operation, output shape for --batch, parameter count) and exit: the numbers the page's
    /// architecture view shows.
    #[arg(long)]
    print_architecture: bool,
    /// Score 8×8 sample grids (this trainer's or the PyTorch reference's) against the images of
    /// --data with the learning benchmark's metric (SWD×10³, 64 samples, three projection
    /// seeds; `model::swd::benchmark_score`), one line per grid, and exit.
    #[arg(long, num_args = 1.., requires = "data")]
    score: Vec<PathBuf>,
    /// With an averaged G (--ema > 0), also write the raw generator's grid as raw_<step>.png
    /// next to each samples_<step>.png: one run gives both recipes' samples.
    #[arg(long)]
    raw_samples: bool,
    /// Continue from a checkpoint or a project file saved by the page (its configuration wins
    /// over the flags below): the step count, Adam's state, the noise and, where the file has
    /// it, the data's epoch and batch order go on as in an uninterrupted run. A project file
    /// also brings its images (unless --data or --builtin is given) and is written back, with
    /// the trained model, to OUT/project.ganproj.
    #[arg(long)]
    resume: Option<PathBuf>,
    /// Generator updates to reach, counted from the start of the run (a resumed run continues
    /// towards it).
    #[arg(long, default_value_t = 2000)]
    steps: u64,
    /// Image side: 32 or 64.
    #[arg(long, default_value_t = 32)]
    size: usize,
    /// 1 (grey) or 3 (RGB).
    #[arg(long, default_value_t = 3)]
    channels: usize,
    /// Length of z.
    #[arg(long, default_value_t = 64)]
    latent: usize,
    /// Width of both networks.
    #[arg(long, default_value_t = 64)]
    width: usize,
    #[arg(long, default_value_t = 64)]
    batch: usize,
    /// The loss; it also picks its paper's optimiser, learning rates, D steps and clip, which
    /// the flags below override one by one.
    #[arg(long, value_enum, default_value_t = Loss::Bce)]
    loss: Loss,
    /// [default: adam; with --loss wgan: rmsprop]
    #[arg(long, value_enum)]
    optimizer: Option<Optimizer>,
    /// [default: 2e-4; with --loss wgan: 5e-5]
    #[arg(long)]
    lr_g: Option<f64>,
    /// [default: 2e-4; with --loss wgan: 5e-5]
    #[arg(long)]
    lr_d: Option<f64>,
    /// Discriminator updates per generator update. [default: 1; with --loss wgan: 5]
    #[arg(long)]
    d_steps: Option<usize>,
    /// WGAN's weight clip on the critic. [default: 0.01]
    #[arg(long)]
    wgan_clip: Option<f32>,
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Decay of the exponential moving average of G's weights that the sample grids, the
    /// quality measure and the explorer use (0: off, the raw generator).
    #[arg(long, default_value_t = 0.999)]
    ema: f64,
    /// DiffAugment (Zhao et al. 2020): the probability of each of its changes (colour,
    /// translation, cutout) on each image D sees, real and generated; 1 is the paper's recipe,
    /// 0 (the default) turns it off.
    #[arg(long, default_value_t = 0.0)]
    diffaug: f64,
    /// Adaptive augmentation (Karras et al. 2020, ADA): DiffAugment's changes with a
    /// probability p that rises while D is sure of the real images (r_t = E[sign D(x)] above
    /// this target) and falls when it is not; 0.6 is the paper's target, 0 turns it off.
    /// Not with --loss wgan, nor with --diffaug.
    #[arg(long, default_value_t = 0.0)]
    ada: f64,
    /// Adaptive augmentation's speed: steps over which p could go from 0 to 1.
    #[arg(long, default_value_t = GanConfig::new().ada_ramp_steps)]
    ada_ramp: u64,
    /// The highest p adaptive augmentation may reach (above it the changes leak into G's
    /// samples).
    #[arg(long, default_value_t = GanConfig::new().ada_max)]
    ada_max: f64,
    /// Write an 8×8 sample grid every N steps.
    #[arg(long, default_value_t = 250)]
    sample_every: u64,
    /// Measure the samples' quality (SWD to the training images) every N steps; 0: never.
    #[arg(long, default_value_t = 250)]
    quality_every: u64,
    /// What to do when the run falls apart (the discriminator wins for good, or the quality
    /// falls far below the best): keep going, go back to the best state (before the first
    /// quality measure, to a state kept every 100 steps) with D's learning rate halved, or stop.
    /// The best state is always written to OUT/best.gan.
    #[arg(long, value_enum, default_value_t = OnCollapse::Warn)]
    on_collapse: OnCollapse,
    /// Write the checkpoint every N steps.
    #[arg(long, default_value_t = 1000)]
    checkpoint_every: u64,
    /// Read the losses back (and wait for the device) every N steps.
    #[arg(long, default_value_t = 10)]
    log_every: u64,
    /// Which burn backend trains; the GPU ones need their feature at build time.
    #[arg(long, value_enum, default_value_t = Backend::Cpu)]
    backend: Backend,
    /// Write a CSV line every --log-every steps: losses, D outputs, gradient norms and each
    /// batch norm's running statistics (the columns of tests/bench/collapse/ref_log.py).
    #[arg(long)]
    log_csv: Option<PathBuf>,
    /// Leave Adam's state out of the checkpoint (a third of the size; for shipping a model).
    #[arg(long)]
    weights_only: bool,
    /// For shipping as one of the page's pretrained generators (`public/pretrained/`): as
    /// --weights-only, and the averaged generator is written in the generator's place (no
    /// separate average), calibrated on the sample grid's z, with half-precision weights: the
    /// file draws what the samples showed at a third of the size, and the page draws from it
    /// without computing anything first. Training resumed from it starts from that average.
    #[arg(long)]
    ship: bool,
    /// The filter that scales --data's images to the training size (the page's is lanczos3).
    #[arg(long, value_enum, default_value_t = images::Resize::Lanczos3)]
    resize: images::Resize,
    /// Write the training images as prepared (on white, cropped, resized: PNGs of the training
    /// size) to DIR and stop: to give another trainer the very same pixels.
    #[arg(long)]
    export_prepared: Option<PathBuf>,
}

/// Every loadable image under `dir`; bad files are reported and skipped.
fn load_folder(dir: &Path, config: &GanConfig, resize: images::Resize) -> anyhow::Result<Vec<f32>> {
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

/// A line above the progress bar, or on stderr where there is no bar (not a terminal).
fn say(bar: &ProgressBar, line: impl AsRef<str>) {
    if bar.is_hidden() {
        eprintln!("{}", line.as_ref());
    } else {
        bar.println(line);
    }
}

/// Per batch-norm layer (generator first): mean running variance and mean |running mean|.
fn batch_norm_stats(gan: &Gan) -> Vec<f32> {
    let norms = gan
        .generator
        .blocks
        .iter()
        .map(|b| &b.norm)
        .chain(gan.discriminator.blocks.iter().map(|b| &b.norm));
    norms
        .flat_map(|n| {
            let var = n.running_var.value().mean().into_scalar();
            let mean = n.running_mean.value().abs().mean().into_scalar();
            [var, mean]
        })
        .collect()
}

fn csv_header(gan: &Gan) -> String {
    let mut cols = vec![
        "step", "d_loss", "g_loss", "d_real", "d_fake", "g_grad", "d_grad",
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    for (net, count) in [
        ("g", gan.generator.blocks.len()),
        ("d", gan.discriminator.blocks.len()),
    ] {
        for i in 0..count {
            cols.push(format!("{net}_bn{i}_var"));
            cols.push(format!("{net}_bn{i}_absmean"));
        }
    }
    if gan.ada.is_some() {
        cols.extend(["ada_p".into(), "ada_rt".into()]);
    }
    cols.join(",")
}

/// `--score`: each grid's benchmark SWD against the folder's images.
fn score(grids: &[PathBuf], data: &Path, size: usize, channels: usize) -> anyhow::Result<()> {
    let config = GanConfig::new()
        .with_image_size(size)
        .with_channels(channels);
    let real = load_folder(data, &config, images::Resize::default())?;
    for path in grids {
        let grid = image::open(path)
            .with_context(|| path.display().to_string())?
            .to_rgba8();
        let fake = images::grid_tiles(&grid, 8, 8, size, channels)
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let swd = model::swd::benchmark_score(&real, &fake, channels, size);
        println!("{} swd_x1e3={swd:.1}", path.display());
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if !args.score.is_empty() {
        let data = args.data.as_deref().expect("clap requires --data");
        return score(&args.score, data, args.size, args.channels);
    }
    let device = args.backend.device().map_err(anyhow::Error::msg)?;

    let mut resumed_data = None;
    let mut project = None;
    let mut gan = match &args.resume {
        Some(path) => {
            let mut bytes =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            // A project file from the page: its checkpoint, and its images as the data.
            if bytes.starts_with(model::project::MAGIC) {
                let opened = model::project::Project::from_bytes(&bytes)
                    .with_context(|| path.display().to_string())?;
                bytes = opened.checkpoint.clone();
                project = Some(opened);
            }
            let (gan, position) = checkpoint::load_run(&bytes, &device)
                .with_context(|| path.display().to_string())?;
            resumed_data = position;
            gan
        }
        None => {
            let loss = match args.loss {
                Loss::Bce => LossKind::Bce,
                Loss::Hinge => LossKind::Hinge,
                Loss::Wgan => LossKind::WganClip,
            };
            let recipe = GanConfig::new()
                .with_image_size(args.size)
                .with_channels(args.channels)
                .with_latent_size(args.latent)
                .with_generator_width(args.width)
                .with_discriminator_width(args.width)
                .with_batch_size(args.batch)
                .with_ema_beta(args.ema)
                .with_augment(args.diffaug)
                .with_ada_target(args.ada)
                .with_ada_ramp_steps(args.ada_ramp)
                .with_ada_max(args.ada_max)
                .with_seed(args.seed)
                .with_loss_recipe(loss);
            let config = GanConfig {
                optimizer: match args.optimizer {
                    Some(Optimizer::Adam) => OptimizerKind::Adam,
                    Some(Optimizer::Rmsprop) => OptimizerKind::RmsProp,
                    None => recipe.optimizer,
                },
                learning_rate_g: args.lr_g.unwrap_or(recipe.learning_rate_g),
                learning_rate_d: args.lr_d.unwrap_or(recipe.learning_rate_d),
                d_steps: args.d_steps.unwrap_or(recipe.d_steps),
                wgan_clip: args.wgan_clip.unwrap_or(recipe.wgan_clip),
                ..recipe
            };
            if loss == LossKind::WganClip {
                eprintln!(
                    "WGAN: {} at G {:.0e} / D {:.0e}, {} critic steps per G step, weights clipped \
                     to ±{} (the paper's recipe is RMSProp at 5e-5, 5 steps, ±0.01: Arjovsky et \
                     al. 2017, Algorithm 1). −(D's loss) estimates the Wasserstein distance only \
                     while the critic is near its optimum, and up to its Lipschitz constant.",
                    config.optimizer.label(),
                    config.learning_rate_g,
                    config.learning_rate_d,
                    config.d_steps,
                    config.wgan_clip
                );
            }
            Gan::new(config, &device)?
        }
    };
    if args.print_architecture {
        let architecture = model::anatomy::Architecture::of(&gan);
        println!("{}", serde_json::to_string_pretty(&architecture)?);
        return Ok(());
    }
    let config = gan.config.clone();
    let pixels = match (&args.data, args.builtin) {
        (Some(dir), _) => load_folder(dir, &config, args.resize)?,
        (None, None) if project.is_some() => project.as_ref().expect("checked").pixels(&config),
        (None, Some(b)) => {
            let (count, channels, size) = (args.builtin_count, config.channels, config.image_size);
            match b {
                Builtin::Digits => model::digits::pixels(count, channels, size),
                Builtin::Rings => Procedural::Rings.pixels(count, channels, size, config.seed),
                Builtin::Stripes => Procedural::Stripes.pixels(count, channels, size, config.seed),
            }
        }
        (None, None) => bail!("give --data DIR, --builtin NAME or --resume a project file"),
    };
    if let Some(dir) = &args.export_prepared {
        std::fs::create_dir_all(dir)?;
        let (channels, size) = (config.channels, config.image_size);
        let each = channels * size * size;
        for (i, image) in pixels.chunks(each).enumerate() {
            images::to_rgba(image, channels, size).save(dir.join(format!("{i:05}.png")))?;
        }
        eprintln!(
            "wrote {} prepared images to {}",
            pixels.len() / each,
            dir.display()
        );
        return Ok(());
    }
    let out = args.out.clone().context("give --out DIR")?;
    std::fs::create_dir_all(&out)?;
    let mut data = Dataset::from_pixels(
        pixels,
        config.channels,
        config.image_size,
        &device,
        config.seed,
        true,
    );
    eprintln!("{} images, {config:?}", data.len());
    if let Some(position) = &resumed_data {
        match data.set_position(position) {
            Ok(()) => eprintln!(
                "resumed at step {}, epoch {} of the data",
                gan.step,
                data.epoch()
            ),
            // Other images than the checkpoint's: train on, from a fresh order.
            Err(e) => eprintln!(
                "resumed at step {}; {e}: the data starts a new order",
                gan.step
            ),
        }
    } else if args.resume.is_some() {
        eprintln!(
            "resumed at step {} (the checkpoint has no data position)",
            gan.step
        );
    }
    // The images the quality measure compares samples with: as many as samples, in file order.
    let per_image = config.channels * config.image_size * config.image_size;
    let quality_real: Vec<f32> = {
        let all: Vec<f32> = data.images().clone().into_data().iter::<f32>().collect();
        all.chunks_exact(per_image)
            .cycle()
            .take(64)
            .flatten()
            .copied()
            .collect()
    };

    let fixed_z = grid_latents(config.latent_size);
    let write_grid = |gan: &Gan, generator: &model::Generator, name: &str| -> anyhow::Result<()> {
        let pixels: Vec<f32> = gan
            .sample_batch_with(generator, &fixed_z)
            .into_data()
            .iter::<f32>()
            .collect();
        let grid = images::grid(&pixels, config.channels, config.image_size, 8, 8, 2);
        grid.save(out.join(name))?;
        Ok(())
    };
    // The averaged G where there is one: what the page shows.
    let write_samples = |gan: &Gan, name: &str| write_grid(gan, &gan.inference_generator(), name);
    let write_checkpoint = |gan: &Gan, data: &Dataset, name: &str| -> anyhow::Result<()> {
        let position = data.position();
        let bytes = if args.ship {
            // Calibrated on the grid's z, the page's too.
            checkpoint::save_shipped(gan, Some(&position), &fixed_z)?
        } else if args.weights_only {
            let mut light = gan.clone();
            light.optim_g = gan.optim_g.fresh();
            light.optim_d = gan.optim_d.fresh();
            checkpoint::save(&light, Some(&position))?
        } else {
            checkpoint::save(gan, Some(&position))?
        };
        std::fs::write(out.join(name), bytes)?;
        Ok(())
    };
    let quality = |gan: &Gan| -> f32 {
        let samples: Vec<f32> = gan
            .sample_batch(&fixed_z)
            .into_data()
            .iter::<f32>()
            .collect();
        let (channels, size) = (config.channels, config.image_size);
        sliced_wasserstein(&quality_real, &samples, channels, size, &SwdConfig::quick()).mean
    };

    gan.measure_gradients = args.log_csv.is_some();
    let mut csv = match &args.log_csv {
        Some(path) => {
            let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
            writeln!(file, "{}", csv_header(&gan))?;
            Some(file)
        }
        None => None,
    };
    let start_step = gan.step;
    if start_step >= args.steps && args.ship {
        // Converting a trained file for shipping needs no step.
        write_checkpoint(&gan, &data, "checkpoint.gan")?;
        eprintln!("the checkpoint is at step {start_step}: written for shipping");
        return Ok(());
    }
    if start_step >= args.steps {
        eprintln!(
            "the checkpoint is at step {start_step}, --steps {} is reached already: nothing to do",
            args.steps
        );
        return Ok(());
    }
    // Watches the run and keeps the states to go back to: the best by quality (what `best.gan`
    // holds) and those kept every 100 steps, as the page does.
    let mut guard = RunGuard::new(&config);
    let bar = ProgressBar::new(args.steps);
    bar.set_position(start_step);
    bar.set_style(ProgressStyle::with_template(
        "{bar:30} {pos}/{len} [{elapsed_precise} < {eta_precise}] {per_sec} {msg}",
    )?);
    let started = Instant::now();
    while gan.step < args.steps {
        let stats = gan.train_step(&mut data);
        let i = gan.step;
        let mut alarm = None;
        // Reading the losses waits for the device: do it only for the progress line.
        let logged = i % args.log_every.max(1) == 0 || i == args.steps;
        // A kept state must be one whose losses were seen: read those steps too.
        let values = if logged || RunGuard::keeps_state_at(i) {
            let v = pollster::block_on(stats.read())?;
            if !v.is_finite() {
                bar.abandon_with_message(format!("training diverged: {v:?}"));
                bail!("losses became NaN or infinite at step {}", gan.step);
            }
            alarm = alarm.or(guard.observe_step(&gan, i, &v));
            Some(v)
        } else {
            None
        };
        if let Some(v) = values.filter(|_| logged) {
            if let Some(file) = csv.as_mut() {
                let cell = |v: Option<f32>| v.map(|v| format!("{v:.6}")).unwrap_or_default();
                let mut line = vec![gan.step.to_string()];
                line.extend(
                    [
                        v.d_loss,
                        v.g_loss,
                        v.d_real,
                        v.d_fake,
                        v.g_grad_norm,
                        v.d_grad_norm,
                    ]
                    .map(cell),
                );
                line.extend(batch_norm_stats(&gan).iter().map(|v| format!("{v:.6}")));
                if gan.ada.is_some() {
                    line.extend([v.ada_probability, v.ada_overfitting].map(cell));
                }
                writeln!(file, "{}", line.join(","))?;
            }
            let ada = match (v.ada_probability, v.ada_overfitting) {
                (Some(p), Some(r)) => format!(" augment p {p:.3} r_t {r:.2}"),
                _ => String::new(),
            };
            bar.set_message(format!(
                "D {:.3} G {:.3} D(x) {:.2} D(G(z)) {:.2} epoch {}{ada}",
                v.d_loss.unwrap_or(f32::NAN),
                v.g_loss.unwrap_or(f32::NAN),
                v.d_real.unwrap_or(f32::NAN),
                v.d_fake.unwrap_or(f32::NAN),
                data.epoch()
            ));
        }
        bar.set_position(i);
        if i % args.sample_every == 0 {
            write_samples(&gan, &format!("samples_{:06}.png", gan.step))?;
            if args.raw_samples && gan.ema.is_some() {
                write_grid(
                    &gan,
                    &gan.raw_generator(),
                    &format!("raw_{:06}.png", gan.step),
                )?;
            }
        }
        if args.quality_every > 0 && i % args.quality_every == 0 {
            let swd = quality(&gan);
            let (quality_alarm, improved) = guard.observe_quality(&gan, swd);
            alarm = alarm.or(quality_alarm);
            if improved {
                write_checkpoint(&gan, &data, "best.gan")?;
            }
            say(
                &bar,
                format!(
                    "step {i}: SWD×10³ {swd:.1} (best {:.1})",
                    guard.best().map_or(swd, |b| b.1)
                ),
            );
        }
        if i % args.checkpoint_every == 0 {
            write_checkpoint(&gan, &data, "checkpoint.gan")?;
        }
        if let Some(warning) = alarm.filter(|a| !a.pauses()) {
            say(&bar, format!("Watch out: {}.", warning.describe()));
        }
        if let Some(alarm) = alarm.filter(|a| a.pauses()) {
            say(
                &bar,
                format!("Training is falling apart: {}.", alarm.describe()),
            );
            // Restore: the state going back would reach, taken only when there is one.
            let restored = if args.on_collapse == OnCollapse::Restore {
                // Read before going back: the state gone to brings its own configuration.
                let lr_d = gan.config.learning_rate_d / 2.0;
                guard.go_back(&mut gan, false).map(|to| {
                    gan.config.learning_rate_d = lr_d;
                    (to, lr_d)
                })
            } else {
                None
            };
            match (restored, args.on_collapse) {
                (Some((to, lr_d)), _) => {
                    bar.set_position(gan.step);
                    let which = if to.swd.is_some() {
                        "the best quality so far".to_string()
                    } else {
                        format!("a state kept every {KEEP_EVERY} steps: no quality measured yet")
                    };
                    say(
                        &bar,
                        format!(
                            "Went back to step {} ({which}) and halved D's learning rate to \
                             {lr_d:.1e}.",
                            to.step
                        ),
                    );
                }
                (_, OnCollapse::Stop) => {
                    say(&bar, "Stopping (--on-collapse stop).");
                    break;
                }
                _ => say(
                    &bar,
                    match guard.best().map(|(step, _)| step) {
                        Some(step) => format!(
                            "The best state so far (step {step}) is in {} (--resume continues \
                             from it with its own settings). Start again with --ada 0.6, \
                             --diffaug 1 or a lower --lr-d, or use --on-collapse restore.",
                            out.join("best.gan").display()
                        ),
                        // A constraint on D, not another loss: hinge alone does not stop a D
                        // that wins (Mescheder et al. 2018; Karras et al. 2020).
                        None => "Try a lower --lr-d, --ada 0.6, --diffaug 1, or more images."
                            .to_string(),
                    },
                ),
            }
        }
    }
    bar.finish();
    if let Some(mut file) = csv.take() {
        file.flush()?;
    }
    write_samples(&gan, "samples_final.png")?;
    write_checkpoint(&gan, &data, "checkpoint.gan")?;
    if let Some(mut project) = project.filter(|_| {
        let other_data = args.data.is_some() || args.builtin.is_some();
        if other_data {
            eprintln!("trained on other data than the project's: no project.ganproj written");
        }
        !other_data
    }) {
        // The page opens it again: its images, its charts and view, this run's model.
        project.checkpoint = checkpoint::save(&gan, Some(&data.position()))?;
        std::fs::write(out.join("project.ganproj"), project.to_bytes())?;
        eprintln!(
            "project with the trained model at {}",
            out.join("project.ganproj").display()
        );
    }
    if let Some((step, swd)) = guard.best() {
        eprintln!(
            "final SWD×10³ {:.1}; best {swd:.1} at step {step} ({})",
            quality(&gan),
            out.join("best.gan").display()
        );
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{} steps in {secs:.3} s ({:.1} ms/step); checkpoint at {}",
        gan.step.saturating_sub(start_step),
        secs * 1e3 / gan.step.saturating_sub(start_step).max(1) as f64,
        out.join("checkpoint.gan").display()
    );
    Ok(())
}
