//! The native trainer's flags that the benchmark and the shipped generators rely on, run as a
//! user runs them: `--ship` writes the averaged generator in the generator's place (the same
//! images as the full file's average, in a smaller file that still loads), and `--score` rates
//! sample grids against a folder and refuses what is not a grid; the built-in sets, `--diffaug`,
//! `--ada`, `--export-prepared` with `--resize`, `--export-sheet`, `--score-floor` and
//! `--on-collapse restore` as the README describes them.

use std::path::{Path, PathBuf};
use std::process::Command;

use burn::tensor::Device;
use model::{burn, checkpoint};

fn gan_train(args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_gan-train"))
        .args(args)
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .expect("gan-train runs");
    assert!(
        out.status.success() || args.contains(&"--score"),
        "gan-train {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/e2e/fixtures")
}

/// Trains a tiny model for 6 steps on the e2e fixtures into `out` with `extra` flags.
fn train(out: &Path, extra: &[&str]) -> Vec<u8> {
    let data = fixtures();
    let mut args = vec![
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--steps",
        "6",
        "--width",
        "4",
        "--latent",
        "8",
        "--batch",
        "4",
        "--sample-every",
        "6",
        "--quality-every",
        "0",
        "--seed",
        "3",
    ];
    args.extend(extra);
    gan_train(&args);
    std::fs::read(out.join("checkpoint.gan")).unwrap()
}

#[test]
fn a_shipped_file_draws_with_the_average_and_is_smaller() {
    let dir = std::env::temp_dir().join(format!("gan-train-cli-{}", std::process::id()));
    let full = train(&dir.join("full"), &["--weights-only"]);
    let shipped = train(&dir.join("ship"), &["--ship"]);
    assert!(
        shipped.len() * 10 < full.len() * 8,
        "{} vs {} bytes",
        shipped.len(),
        full.len()
    );
    let device = Device::flex();
    let weights = |bytes: &[u8]| -> Vec<f32> {
        let (_, step, generator) = checkpoint::load_generator(bytes, &device).unwrap();
        assert_eq!(step, 6);
        generator
            .output
            .weight
            .val()
            .into_data()
            .iter::<f32>()
            .collect()
    };
    // The average, in the generator's place, within f16's rounding (2^-11 relative).
    let (ours, average) = (weights(&shipped), weights(&full));
    assert_eq!(ours.len(), average.len());
    for (a, b) in ours.iter().zip(&average) {
        assert!((a - b).abs() <= 5e-4 * b.abs() + 6e-8, "{a} vs {b}");
    }
    assert!(
        checkpoint::is_calibrated(&shipped).unwrap(),
        "calibrated on the grid's z"
    );
    let raw = checkpoint::load(&full, &device).unwrap();
    let raw: Vec<f32> = raw
        .raw_generator()
        .output
        .weight
        .val()
        .into_data()
        .iter::<f32>()
        .collect();
    assert_ne!(weights(&shipped), raw, "not the raw generator");
    assert!(
        checkpoint::load(&shipped, &device).is_ok(),
        "still a checkpoint that loads"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn score_rates_grids_against_a_folder_and_refuses_other_images() {
    let dir = std::env::temp_dir().join(format!("gan-train-score-{}", std::process::id()));
    train(&dir, &[]);
    let grid = dir.join("samples_000006.png");
    let data = fixtures();
    let out = gan_train(&[
        "--score",
        grid.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    let swd: f32 = text
        .trim()
        .rsplit("swd_x1e3=")
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(swd.is_finite() && swd > 0.0, "{text}");
    let not_a_grid = data.join("red-ring.png");
    let out = gan_train(&[
        "--score",
        not_a_grid.to_str().unwrap(),
        "--data",
        data.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("is not 8 tiles"),
        "{out:?}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn wgan_and_bce_train_with_their_papers_recipes_unless_a_flag_says_otherwise() {
    let dir = std::env::temp_dir().join(format!("gan-train-wgan-{}", std::process::id()));
    let config = |extra: &[&str]| {
        let bytes = train(&dir, extra);
        checkpoint::peek(&bytes).unwrap().0
    };
    let wgan = config(&["--loss", "wgan"]);
    assert_eq!(wgan.loss, model::LossKind::WganClip);
    assert_eq!(wgan.optimizer, model::OptimizerKind::RmsProp);
    assert_eq!((wgan.learning_rate_g, wgan.learning_rate_d), (5e-5, 5e-5));
    assert_eq!((wgan.d_steps, wgan.wgan_clip), (5, 0.01));
    let changed = config(&["--loss", "wgan", "--d-steps", "2", "--optimizer", "adam"]);
    assert_eq!(
        (changed.d_steps, changed.optimizer),
        (2, model::OptimizerKind::Adam)
    );
    assert_eq!(
        changed.learning_rate_d, 5e-5,
        "the rest of the recipe stays"
    );
    let bce = config(&[]);
    assert_eq!(
        (bce.optimizer, bce.learning_rate_d, bce.d_steps, bce.beta1),
        (model::OptimizerKind::Adam, 2e-4, 1, 0.5)
    );
    let momentum = config(&["--beta1", "0.9"]);
    assert_eq!((momentum.beta1, momentum.learning_rate_d), (0.9, 2e-4));
    let _ = std::fs::remove_dir_all(&dir);
}

/// What gan-train printed, on both streams (its progress lines go to standard error).
fn printed_text(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A fresh temporary folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gan-train-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn builtin_sets_train_without_any_files() {
    for builtin in ["rings", "stripes", "digits", "faces", "emoji"] {
        let out = scratch(builtin);
        let printed = gan_train(&[
            "--builtin",
            builtin,
            "--builtin-count",
            "16",
            "--out",
            out.to_str().unwrap(),
            "--steps",
            "3",
            "--width",
            "4",
            "--latent",
            "8",
            "--batch",
            "4",
            "--sample-every",
            "3",
            "--quality-every",
            "0",
        ]);
        let said = printed_text(&printed);
        assert!(said.contains("16 images"), "{builtin}: {said}");
        let gan = checkpoint::load(
            &std::fs::read(out.join("checkpoint.gan")).unwrap(),
            &Device::flex(),
        )
        .unwrap();
        assert_eq!(gan.step, 3, "{builtin}");
        assert!(
            out.join("samples_000003.png").exists(),
            "{builtin}: a sample grid"
        );
        std::fs::remove_dir_all(out).unwrap();
    }
}

#[test]
fn diffaug_is_trained_with_and_kept_in_the_checkpoint() {
    let out = scratch("diffaug");
    let bytes = train(&out, &["--diffaug", "1"]);
    let gan = checkpoint::load(&bytes, &Device::flex()).unwrap();
    assert_eq!(gan.config.augment, 1.0);
    let plain = checkpoint::load(&train(&out, &[]), &Device::flex()).unwrap();
    assert_eq!(plain.config.augment, 0.0, "off by default");
    std::fs::remove_dir_all(out).unwrap();
}

#[test]
fn ada_trains_logs_p_and_r_t_and_keeps_its_state_in_the_checkpoint() {
    let out = scratch("ada");
    let csv = out.join("log.csv");
    let bytes = train(
        &out,
        &[
            "--ada",
            "0.6",
            "--ada-ramp",
            "4",
            "--log-every",
            "1",
            "--log-csv",
            csv.to_str().unwrap(),
        ],
    );
    let gan = checkpoint::load(&bytes, &Device::flex()).unwrap();
    assert_eq!((gan.config.ada_target, gan.config.ada_ramp_steps), (0.6, 4));
    let state = gan.ada.as_ref().expect("the loop came back").state();
    assert_eq!(
        state.seen, 2,
        "6 D updates: one adjustment, two updates into the next"
    );
    let log = std::fs::read_to_string(&csv).unwrap();
    let header: Vec<&str> = log.lines().next().unwrap().split(',').collect();
    assert_eq!(header[header.len() - 2..], ["ada_p", "ada_rt"]);
    let last: Vec<f32> = log
        .lines()
        .last()
        .unwrap()
        .split(',')
        .map(|v| v.parse().unwrap())
        .collect();
    assert_eq!(last[0], 6.0, "the last step logged");
    assert!(
        (last[last.len() - 2] - state.probability).abs() < 1e-5,
        "the log's p is the checkpoint's: {} vs {state:?}",
        last[last.len() - 2]
    );
    // Refused with WGAN, with the reason.
    let refused = Command::new(env!("CARGO_BIN_EXE_gan-train"))
        .args([
            "--builtin",
            "rings",
            "--out",
            out.to_str().unwrap(),
            "--steps",
            "1",
        ])
        .args(["--ada", "0.6", "--loss", "wgan"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(printed_text(&refused).contains("turn it off for WGAN"));
    std::fs::remove_dir_all(out).unwrap();
}

#[test]
fn export_prepared_writes_the_training_pixels_with_the_chosen_filter() {
    let out = scratch("prepared");
    let data = fixtures();
    for filter in ["lanczos3", "area"] {
        let dir = out.join(filter);
        gan_train(&[
            "--data",
            data.to_str().unwrap(),
            "--resize",
            filter,
            "--export-prepared",
            dir.to_str().unwrap(),
        ]);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert!(files.len() >= 3, "{filter}: one PNG per image");
        let first = image::open(&files[0]).unwrap();
        assert_eq!((first.width(), first.height()), (32, 32), "{filter}");
    }
    // Two filters, two sets of pixels.
    let read = |filter: &str| {
        image::open(out.join(filter).join("00000.png"))
            .unwrap()
            .to_rgb8()
    };
    assert_ne!(read("lanczos3"), read("area"));
    std::fs::remove_dir_all(out).unwrap();
}

#[test]
fn export_sheet_tiles_the_prepared_images_and_score_floor_scores_the_data_against_itself() {
    let out = scratch("sheet");
    let data = fixtures();
    let (sheet, prepared) = (out.join("sheet.png"), out.join("prepared"));
    for (flag, path) in [("--export-sheet", &sheet), ("--export-prepared", &prepared)] {
        gan_train(&[
            "--data",
            data.to_str().unwrap(),
            flag,
            path.to_str().unwrap(),
        ]);
    }
    let count = std::fs::read_dir(&prepared).unwrap().count();
    let layout = model::sheet::SpriteSheet {
        tile: 32,
        per_row: 32,
        count,
    };
    let tiles = layout.cut(&std::fs::read(&sheet).unwrap()).unwrap();
    for (i, tile) in tiles.iter().enumerate() {
        let file = image::open(prepared.join(format!("{i:05}.png"))).unwrap();
        assert_eq!(
            tile.to_rgb8(),
            file.to_rgb8(),
            "tile {i} is image {i} as prepared"
        );
    }
    let floor = gan_train(&["--data", data.to_str().unwrap(), "--score-floor"]);
    let text = String::from_utf8(floor.stdout).unwrap();
    let swd: f32 = text
        .split("swd_x1e3=")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{text}"));
    assert!(swd.is_finite() && swd > 0.0, "{text}");
    assert!(
        text.contains(&format!("two halves of {count} images")),
        "{text}"
    );
    std::fs::remove_dir_all(out).unwrap();
}

#[test]
fn on_collapse_restore_goes_back_to_the_best_state_with_d_slowed() {
    // D fast, G nearly frozen, five D steps per G step: D wins by step 110 (measured), and the
    // best state measured so far is step 100.
    let out = scratch("on-collapse");
    let data = fixtures();
    let printed = gan_train(&[
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--steps",
        "150",
        "--width",
        "4",
        "--latent",
        "8",
        "--batch",
        "4",
        "--lr-d",
        "0.002",
        "--lr-g",
        "0.000001",
        "--d-steps",
        "5",
        "--quality-every",
        "20",
        "--sample-every",
        "1000",
        "--seed",
        "3",
        "--on-collapse",
        "restore",
    ]);
    let said = printed_text(&printed);
    assert!(
        said.contains("Training is falling apart: the discriminator has won"),
        "{said}"
    );
    assert!(
        said.contains(
            "Went back to step 100 (the best quality so far) and halved D's learning rate to 1.0e-3"
        ),
        "{said}"
    );
    let gan = checkpoint::load(
        &std::fs::read(out.join("checkpoint.gan")).unwrap(),
        &Device::flex(),
    )
    .unwrap();
    assert_eq!(gan.step, 150, "it went on from step 100 to the end");
    assert!(
        (gan.config.learning_rate_d - 1e-3).abs() < 1e-12,
        "{}",
        gan.config.learning_rate_d
    );
    std::fs::remove_dir_all(out).unwrap();
}
