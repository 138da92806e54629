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
use model::burn::tensor::Device;
use model::latent::seeded_normal;
use model::procedural::Procedural;
use model::{Dataset, Gan, GanConfig, LossKind, checkpoint, images};

/// Which burn backend runs the training.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum Backend {
    /// burn's CPU backend (flex), multi-threaded.
    Cpu,
    /// burn's wgpu backend (Vulkan, Metal or DX12); needs the `wgpu` feature.
    Wgpu,
    /// burn's wgpu backend pinned to Vulkan; needs the `vulkan` feature.
    Vulkan,
    /// burn's CUDA backend; needs the `cuda` feature.
    Cuda,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Builtin {
    Rings,
    Stripes,
    /// The 1797 UCI handwritten digits shipped in `public/datasets/`.
    Digits,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Loss {
    Bce,
    Hinge,
    Wgan,
}

/// Train a DCGAN on a folder of images.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Folder of images (PNG, JPEG, GIF, WebP, BMP), searched recursively.
    #[arg(long, conflicts_with = "builtin", required_unless_present_any = ["builtin", "resume"])]
    data: Option<PathBuf>,
    /// Train on a built-in procedural dataset instead of a folder.
    #[arg(long)]
    builtin: Option<Builtin>,
    /// Images to draw for a built-in dataset.
    #[arg(long, default_value_t = 2048)]
    builtin_count: usize,
    /// Output folder for sample grids and checkpoints.
    #[arg(long)]
    out: PathBuf,
    /// Continue from a checkpoint (its configuration wins over the flags below).
    #[arg(long)]
    resume: Option<PathBuf>,
    /// Generator updates to run.
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
    #[arg(long, value_enum, default_value_t = Loss::Bce)]
    loss: Loss,
    #[arg(long, default_value_t = 2e-4)]
    lr_g: f64,
    #[arg(long, default_value_t = 2e-4)]
    lr_d: f64,
    /// Discriminator updates per generator update.
    #[arg(long, default_value_t = 1)]
    d_steps: usize,
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Write an 8×8 sample grid every N steps.
    #[arg(long, default_value_t = 250)]
    sample_every: u64,
    /// Write the checkpoint every N steps.
    #[arg(long, default_value_t = 1000)]
    checkpoint_every: u64,
    /// Read the losses back (and wait for the device) every N steps.
    #[arg(long, default_value_t = 10)]
    log_every: u64,
    #[arg(long, value_enum, default_value_t = Backend::Cpu)]
    backend: Backend,
    /// Write a CSV line every --log-every steps: losses, D outputs, gradient norms and each
    /// batch norm's running statistics (the columns of tests/bench/collapse/ref_log.py).
    #[arg(long)]
    log_csv: Option<PathBuf>,
    /// Leave Adam's state out of the checkpoint (a third of the size; for shipping a model).
    #[arg(long)]
    weights_only: bool,
}

fn device(backend: Backend) -> anyhow::Result<Device> {
    match backend {
        Backend::Cpu => Ok(Device::flex()),
        #[cfg(feature = "wgpu")]
        Backend::Wgpu => Ok(Device::wgpu(model::burn::tensor::DeviceKind::DefaultDevice)),
        #[cfg(feature = "vulkan")]
        Backend::Vulkan => Ok(Device::vulkan(
            model::burn::tensor::DeviceKind::DefaultDevice,
        )),
        #[cfg(feature = "cuda")]
        Backend::Cuda => Ok(Device::cuda(0)),
        #[allow(unreachable_patterns)]
        other => bail!(
            "this build has no {other:?} backend: rebuild with `--features cli,{}`",
            format!("{other:?}").to_lowercase()
        ),
    }
}

/// Every loadable image under `dir`; bad files are reported and skipped.
fn load_folder(dir: &Path, config: &GanConfig) -> anyhow::Result<Vec<f32>> {
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
        match images::load(&name, &bytes, config.image_size, config.channels) {
            Ok(p) => pixels.extend(p),
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
    cols.join(",")
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let device = device(args.backend)?;
    std::fs::create_dir_all(&args.out)?;

    let mut gan = match &args.resume {
        Some(path) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
            checkpoint::load(&bytes, &device).with_context(|| path.display().to_string())?
        }
        None => {
            let loss = match args.loss {
                Loss::Bce => LossKind::Bce,
                Loss::Hinge => LossKind::Hinge,
                Loss::Wgan => LossKind::WganClip,
            };
            let config = GanConfig::new()
                .with_image_size(args.size)
                .with_channels(args.channels)
                .with_latent_size(args.latent)
                .with_generator_width(args.width)
                .with_discriminator_width(args.width)
                .with_batch_size(args.batch)
                .with_loss(loss)
                .with_learning_rate_g(args.lr_g)
                .with_learning_rate_d(args.lr_d)
                .with_d_steps(args.d_steps)
                .with_seed(args.seed);
            Gan::new(config, &device)?
        }
    };
    let config = gan.config.clone();
    let pixels = match (&args.data, args.builtin) {
        (Some(dir), _) => load_folder(dir, &config)?,
        (None, Some(b)) => {
            let (count, channels, size) = (args.builtin_count, config.channels, config.image_size);
            match b {
                Builtin::Digits => model::digits::pixels(count, channels, size),
                Builtin::Rings => Procedural::Rings.pixels(count, channels, size, config.seed),
                Builtin::Stripes => Procedural::Stripes.pixels(count, channels, size, config.seed),
            }
        }
        (None, None) => bail!("give --data DIR or --builtin NAME"),
    };
    let mut data = Dataset::from_pixels(
        pixels,
        config.channels,
        config.image_size,
        &device,
        config.seed,
        true,
    );
    eprintln!("{} images, {config:?}", data.len());

    let fixed_z = seeded_normal(1, 64, config.latent_size);
    let write_samples = |gan: &Gan, name: &str| -> anyhow::Result<()> {
        let pixels: Vec<f32> = gan
            .sample_batch(&fixed_z)
            .into_data()
            .iter::<f32>()
            .collect();
        let grid = images::grid(&pixels, config.channels, config.image_size, 8, 8, 2);
        grid.save(args.out.join(name))?;
        Ok(())
    };
    let write_checkpoint = |gan: &Gan| -> anyhow::Result<()> {
        let bytes = if args.weights_only {
            pollster::block_on(checkpoint::save_async(gan, false))?
        } else {
            checkpoint::save(gan)?
        };
        std::fs::write(args.out.join("checkpoint.gan"), bytes)?;
        Ok(())
    };

    let mut csv = match &args.log_csv {
        Some(path) => {
            let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
            writeln!(file, "{}", csv_header(&gan))?;
            Some(file)
        }
        None => None,
    };
    let start_step = gan.step;
    let bar = ProgressBar::new(args.steps);
    bar.set_style(ProgressStyle::with_template(
        "{bar:30} {pos}/{len} [{elapsed_precise} < {eta_precise}] {per_sec} {msg}",
    )?);
    let started = Instant::now();
    for i in 1..=args.steps {
        let stats = gan.train_step(&mut data);
        // Reading the losses waits for the device: do it only for the progress line.
        if i % args.log_every.max(1) == 0 || i == args.steps {
            let v = pollster::block_on(stats.read())?;
            if !v.is_finite() {
                bar.abandon_with_message(format!("training diverged: {v:?}"));
                bail!("losses became NaN or infinite at step {}", gan.step);
            }
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
                writeln!(file, "{}", line.join(","))?;
            }
            bar.set_message(format!(
                "D {:.3} G {:.3} D(x) {:.2} D(G(z)) {:.2} epoch {}",
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
        }
        if i % args.checkpoint_every == 0 {
            write_checkpoint(&gan)?;
        }
    }
    bar.finish();
    if let Some(mut file) = csv.take() {
        file.flush()?;
    }
    write_samples(&gan, "samples_final.png")?;
    write_checkpoint(&gan)?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "{} steps in {secs:.3} s ({:.1} ms/step); checkpoint at {}",
        gan.step - start_step,
        secs * 1e3 / args.steps.max(1) as f64,
        args.out.join("checkpoint.gan").display()
    );
    Ok(())
}
