//! What several integration tests share: the food set the repository ships, as training pixels.

use model::images;

/// The first `count` images of `public/datasets/food` by name (all of them for `usize::MAX`),
/// as `count × 3 × size × size` training pixels.
pub fn food(size: usize, count: usize) -> Vec<f32> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../public/datasets/food");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    files.sort();
    assert!(files.len() >= 100, "the food set is in {}", dir.display());
    files
        .iter()
        .take(count)
        .flat_map(|p| {
            let name = p.display().to_string();
            images::load(&name, &std::fs::read(p).unwrap(), size, 3).unwrap()
        })
        .collect()
}
