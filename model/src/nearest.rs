//! Nearest training images by pixel distance: does a GAN make new images, or copies of its
//! data? Plain Rust on host pixels (the page's memorisation check).

/// Euclidean distance between two images' pixels (values in [-1, 1]).
pub fn distance(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f32>()
        .sqrt()
}

/// The `k` images of `images` (each `per` values, one after another) nearest to `query`,
/// nearest first: (index, distance).
pub fn nearest(query: &[f32], images: &[f32], per: usize, k: usize) -> Vec<(usize, f32)> {
    let mut all: Vec<(usize, f32)> = images
        .chunks_exact(per)
        .enumerate()
        .map(|(i, image)| (i, distance(query, image)))
        .collect();
    all.sort_by(|a, b| a.1.total_cmp(&b.1));
    all.truncate(k);
    all
}

/// The median over `queries` of the distance to the nearest of `images` (both `per` values an
/// image). With `leave_out_self`, query i is not compared with image i: `queries` are then the
/// first images of `images`, and this is the data's own nearest-neighbour spacing. `None`
/// without anything to compare.
pub fn median_nearest(
    queries: &[f32],
    images: &[f32],
    per: usize,
    leave_out_self: bool,
) -> Option<f32> {
    let mut nearest: Vec<f32> = queries
        .chunks_exact(per)
        .enumerate()
        .filter_map(|(q, query)| {
            images
                .chunks_exact(per)
                .enumerate()
                .filter(|(i, _)| !(leave_out_self && *i == q))
                .map(|(_, image)| distance(query, image))
                .min_by(f32::total_cmp)
        })
        .collect();
    if nearest.is_empty() {
        return None;
    }
    nearest.sort_by(f32::total_cmp);
    let n = nearest.len();
    Some((nearest[(n - 1) / 2] + nearest[n / 2]) / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_image_of_the_set_is_its_own_nearest_at_zero() {
        let images = [0.0, 0.0, 1.0, 1.0, 0.5, 0.5, -1.0, 1.0];
        let found = nearest(&images[4..6], &images, 2, 3);
        assert_eq!(found[0], (2, 0.0));
        assert_eq!(found.len(), 3);
        assert!((found[1].1 - 0.5f32.sqrt()).abs() < 1e-6);
        assert!(found.windows(2).all(|w| w[0].1 <= w[1].1));
    }

    #[test]
    fn copies_sit_closer_to_the_data_than_the_data_to_itself() {
        // Four points on a line, 1 apart; copies of them are at 0, new points at 0.5.
        let data = [0.0, 1.0, 2.0, 3.0];
        assert_eq!(median_nearest(&data, &data, 1, true), Some(1.0));
        assert_eq!(median_nearest(&data, &data, 1, false), Some(0.0));
        assert_eq!(median_nearest(&[0.5, 1.5, 2.5], &data, 1, false), Some(0.5));
        assert_eq!(median_nearest(&[], &data, 1, false), None);
    }
}
