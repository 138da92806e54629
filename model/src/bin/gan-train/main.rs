//! Native trainer: trains the DCGAN on a folder of images (or a built-in set) with a progress
//! bar, writing sample grids and checkpoints that the page loads.
//!
//! ```sh
//! cargo run -p model --release --features cli --bin gan-train -- --data photos/ --out runs/cats
//! cargo run -p model --release --features cli --bin gan-train -- --builtin rings --steps 3000 --out runs/rings
//! ```
//!
//! `args` is the command line, `data` the images, `log` what a run prints, `collapse` what
//! `--on-collapse` does, `score` the benchmark's metric; this file is the run.

mod args;
mod collapse;
mod data;
mod log;
mod score;

use std::io::Write;
use std::path::Path;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use model::burn::tensor::Device;
use model::guard::RunGuard;
use model::latent::grid_latents;
use model::project::Project;
use model::swd::{SwdConfig, sliced_wasserstein};
use model::{Dataset, Gan, LossKind, checkpoint};

use args::Args;
use log::say;

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if !args.score.is_empty() {
        let data = args.data.as_deref().expect("clap requires --data");
        return score::score(&args.score, data, args.size, args.channels);
    }
    if args.score_floor {
        let data = args.data.as_deref().expect("clap requires --data");
        return score::floor(data, args.size, args.channels);
    }
    let device = args.backend.device().map_err(anyhow::Error::msg)?;
    let (gan, resumed_data, project) = match &args.resume {
        Some(path) => resume(path, &device)?,
        None => {
            let config = args.config();
            if config.loss == LossKind::WganClip {
                eprintln!("{}", args::wgan_notice(&config));
            }
            (Gan::new(config, &device)?, None, None)
        }
    };
    if args.print_architecture {
        let architecture = model::anatomy::Architecture::of(&gan);
        println!("{}", serde_json::to_string_pretty(&architecture)?);
        return Ok(());
    }
    let pixels = data::training_pixels(&args, &gan.config, project.as_ref())?;
    if let Some(file) = &args.export_sheet {
        return data::export_sheet(file, &pixels, &gan.config);
    }
    if let Some(dir) = &args.export_prepared {
        return data::export_prepared(dir, &pixels, &gan.config);
    }
    train(&args, &device, gan, pixels, resumed_data, project)
}

/// The model of a checkpoint or a page's project file, the data's position where the file has
/// it, and the project (whose images are the data unless others are given).
fn resume(
    path: &Path,
    device: &Device,
) -> anyhow::Result<(Gan, Option<model::DataPosition>, Option<Project>)> {
    let mut bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let mut project = None;
    // A project file from the page: its checkpoint, and its images as the data.
    if bytes.starts_with(model::project::MAGIC) {
        let opened = Project::from_bytes(&bytes).with_context(|| path.display().to_string())?;
        bytes = opened.checkpoint.clone();
        project = Some(opened);
    }
    let (gan, position) =
        checkpoint::load_run(&bytes, device).with_context(|| path.display().to_string())?;
    Ok((gan, position, project))
}

/// Trains `gan` on `pixels` to `--steps`, writing grids, checkpoints, the best state and (for a
/// project) the project file back to `--out`.
fn train(
    args: &Args,
    device: &Device,
    mut gan: Gan,
    pixels: Vec<f32>,
    resumed_data: Option<model::DataPosition>,
    project: Option<Project>,
) -> anyhow::Result<()> {
    let config = gan.config.clone();
    let out = args.out.clone().context("give --out DIR")?;
    std::fs::create_dir_all(&out)?;
    let mut data = Dataset::from_pixels(
        pixels,
        config.channels,
        config.image_size,
        device,
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
        let grid = model::images::grid(&pixels, config.channels, config.image_size, 8, 8, 2);
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
            writeln!(file, "{}", log::csv_header(&gan))?;
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
        let logged = i.is_multiple_of(args.log_every.max(1)) || i == args.steps;
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
                writeln!(file, "{}", log::csv_line(&gan, &v))?;
            }
            bar.set_message(log::progress(&v, data.epoch()));
        }
        bar.set_position(i);
        if i.is_multiple_of(args.sample_every) {
            write_samples(&gan, &format!("samples_{:06}.png", gan.step))?;
            if args.raw_samples && gan.ema.is_some() {
                write_grid(
                    &gan,
                    &gan.raw_generator(),
                    &format!("raw_{:06}.png", gan.step),
                )?;
            }
        }
        if args.quality_every > 0 && i.is_multiple_of(args.quality_every) {
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
        if i.is_multiple_of(args.checkpoint_every) {
            write_checkpoint(&gan, &data, "checkpoint.gan")?;
        }
        if let Some(warning) = alarm.filter(|a| !a.pauses()) {
            say(&bar, format!("Watch out: {}.", warning.describe()));
        }
        if let Some(alarm) = alarm.filter(|a| a.pauses())
            && collapse::falling_apart(&alarm, args.on_collapse, &mut gan, &mut guard, &bar, &out)
        {
            break;
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
