//! Nearest training images by pixel distance: does a GAN make new images, or copies of its
//! data? Plain Rust on host pixels (the page's memorisation check).
//!
//! Training flips images left–right (`Dataset`'s flips), so D sees each image and its mirror,
//! and G can learn either: every comparison is made with each training image *and* its mirror.
//! Pixel distance is a weak measure of likeness (a shift by one pixel is far, a blurry average
//! is near: Theis et al. 2016), so a small distance shows a copy, but a large one does not prove
//! novelty.

/// How each image's values are laid out: `channels × side × side`, row-major (CHW).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Colour channels.
    pub channels: usize,
    /// Side in pixels.
    pub side: usize,
}

impl Layout {
    /// Values per image.
    pub fn per_image(self) -> usize {
        self.channels * self.side * self.side
    }

    /// `image` flipped left–right.
    pub fn mirrored(self, image: &[f32]) -> Vec<f32> {
        image
            .chunks_exact(self.side)
            .flat_map(|row| row.iter().rev().copied())
            .collect()
    }
}

/// One training image found near a query.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match {
    /// Its index in the training set.
    pub index: usize,
    /// Euclidean pixel distance to the query (or to its mirror, if nearer).
    pub distance: f32,
    /// The query is nearer to this image's mirror than to the image.
    pub mirrored: bool,
}

/// Euclidean distance between two images' pixels (values in [-1, 1]).
pub fn distance(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y) * (x - y))
        .sum::<f32>()
        .sqrt()
}

/// The query's distance to `image` and to its mirror (computed as the mirrored query's to the
/// image: the same number, without mirroring every training image).
fn both_ways(query: &[f32], mirrored_query: &[f32], image: &[f32]) -> (f32, bool) {
    let (direct, flipped) = (distance(query, image), distance(mirrored_query, image));
    if flipped < direct {
        (flipped, true)
    } else {
        (direct, false)
    }
}

/// The `k` images of `images` (each laid out as `layout`, one after another) nearest to
/// `query`, each compared as it is and mirrored, nearest first.
pub fn nearest(query: &[f32], images: &[f32], layout: Layout, k: usize) -> Vec<Match> {
    let mirrored_query = layout.mirrored(query);
    let mut all: Vec<Match> = images
        .chunks_exact(layout.per_image())
        .enumerate()
        .map(|(index, image)| {
            let (distance, mirrored) = both_ways(query, &mirrored_query, image);
            Match {
                index,
                distance,
                mirrored,
            }
        })
        .collect();
    all.sort_by(|a, b| a.distance.total_cmp(&b.distance));
    all.truncate(k);
    all
}

/// The median over `queries` of the distance to the nearest of `images`, each compared as it is
/// and mirrored. With `leave_out_self`, query i is not compared with image i (nor its mirror):
/// `queries` are then the first images of `images`, and this is the data's own
/// nearest-neighbour spacing. `None` without anything to compare.
pub fn median_nearest(
    queries: &[f32],
    images: &[f32],
    layout: Layout,
    leave_out_self: bool,
) -> Option<f32> {
    let per = layout.per_image();
    let mut nearest: Vec<f32> = queries
        .chunks_exact(per)
        .enumerate()
        .filter_map(|(q, query)| {
            let mirrored_query = layout.mirrored(query);
            images
                .chunks_exact(per)
                .enumerate()
                .filter(|(i, _)| !(leave_out_self && *i == q))
                .map(|(_, image)| both_ways(query, &mirrored_query, image).0)
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

    /// One channel, side 1: each image is a single value (a mirror changes nothing).
    const POINT: Layout = Layout {
        channels: 1,
        side: 1,
    };
    /// One channel, side 2: four values, rows `[a, b], [c, d]`.
    const SQUARE: Layout = Layout {
        channels: 1,
        side: 2,
    };

    #[test]
    fn an_image_of_the_set_is_its_own_nearest_at_zero() {
        let images = [0.0, 0.0, 1.0, 1.0, 0.5, 0.5, -1.0, 1.0];
        let pairs = Layout {
            channels: 2,
            side: 1,
        };
        let found = nearest(&images[4..6], &images, pairs, 3);
        assert_eq!(found[0].index, 2);
        assert_eq!(found[0].distance, 0.0);
        assert_eq!(found.len(), 3);
        assert!((found[1].distance - 0.5f32.sqrt()).abs() < 1e-6);
        assert!(found.windows(2).all(|w| w[0].distance <= w[1].distance));
    }

    #[test]
    fn a_flipped_training_image_is_found_at_distance_zero() {
        // Two images, each with a left–right gradient; the query is the second one flipped.
        let images = [0.0, 0.0, 0.0, 0.0, -1.0, 1.0, -0.5, 0.5];
        let flipped = [1.0, -1.0, 0.5, -0.5];
        assert_eq!(SQUARE.mirrored(&images[4..]), flipped);
        let found = nearest(&flipped, &images, SQUARE, 2);
        assert_eq!(
            found[0],
            Match {
                index: 1,
                distance: 0.0,
                mirrored: true
            }
        );
        // Compared without mirrors, the flipped copy would look farther than a blank image.
        assert!(distance(&flipped, &images[4..]) > distance(&flipped, &images[..4]));
        assert_eq!(
            median_nearest(&flipped, &images, SQUARE, false),
            Some(0.0),
            "a mirrored copy counts as a copy"
        );
        let mirror = SQUARE.mirrored(&flipped);
        assert!(!nearest(&mirror, &images, SQUARE, 1)[0].mirrored);
    }

    #[test]
    fn colour_channels_are_mirrored_each_on_its_own() {
        let rgb = Layout {
            channels: 3,
            side: 2,
        };
        let image: Vec<f32> = (0..12).map(|v| v as f32).collect();
        assert_eq!(
            rgb.mirrored(&image),
            [1.0, 0.0, 3.0, 2.0, 5.0, 4.0, 7.0, 6.0, 9.0, 8.0, 11.0, 10.0]
        );
    }

    #[test]
    fn copies_sit_closer_to_the_data_than_the_data_to_itself() {
        // Four points on a line, 1 apart; copies of them are at 0, new points at 0.5.
        let data = [0.0, 1.0, 2.0, 3.0];
        assert_eq!(median_nearest(&data, &data, POINT, true), Some(1.0));
        assert_eq!(median_nearest(&data, &data, POINT, false), Some(0.0));
        assert_eq!(
            median_nearest(&[0.5, 1.5, 2.5], &data, POINT, false),
            Some(0.5)
        );
        assert_eq!(median_nearest(&[], &data, POINT, false), None);
    }
}
