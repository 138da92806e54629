//! `--score`: the learning benchmark's metric on sample grids, this trainer's or another's.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use model::{GanConfig, images};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::data::load_folder;

/// `--score`: each grid's benchmark SWD against the folder's images.
pub fn score(grids: &[PathBuf], data: &Path, size: usize, channels: usize) -> anyhow::Result<()> {
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

/// Splits into two halves for [`floor`].
const FLOOR_SPLITS: u64 = 5;

/// `--score-floor`: the folder's images scored against themselves, two random halves at a time
/// (see `Args::score_floor`).
pub fn floor(data: &Path, size: usize, channels: usize) -> anyhow::Result<()> {
    let config = GanConfig::new()
        .with_image_size(size)
        .with_channels(channels);
    let pixels = load_folder(data, &config, images::Resize::default())?;
    let images: Vec<&[f32]> = pixels.chunks_exact(channels * size * size).collect();
    if images.len() < 4 {
        bail!("{}: too few images to split", data.display());
    }
    let scores: Vec<f32> = (0..FLOOR_SPLITS)
        .map(|seed| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut order: Vec<usize> = (0..images.len()).collect();
            order.shuffle(&mut rng);
            let (one, other) = order.split_at(images.len() / 2);
            // 64 "samples" from one half, each image once before any twice.
            let samples: Vec<f32> = one
                .iter()
                .cycle()
                .take(64)
                .flat_map(|&i| images[i].to_vec())
                .collect();
            let reference: Vec<f32> = other.iter().flat_map(|&i| images[i].to_vec()).collect();
            model::swd::benchmark_score(&reference, &samples, channels, size)
        })
        .collect();
    let n = scores.len() as f32;
    let mean = scores.iter().sum::<f32>() / n;
    let sd = (scores.iter().map(|s| (s - mean).powi(2)).sum::<f32>() / (n - 1.0)).sqrt();
    let each: Vec<String> = scores.iter().map(|s| format!("{s:.1}")).collect();
    println!(
        "{}: two halves of {} images against each other, {FLOOR_SPLITS} splits: swd_x1e3={mean:.1} ± {sd:.1} ({})",
        data.display(),
        images.len(),
        each.join(", ")
    );
    Ok(())
}
