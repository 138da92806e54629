//! `--score`: the learning benchmark's metric on sample grids, this trainer's or another's.

use std::path::{Path, PathBuf};

use anyhow::Context;
use model::{GanConfig, images};

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
