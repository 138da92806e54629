//! Latent maths: seeded normal z, lerp, slerp, interpolation paths, great-circle walks.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

/// How two latent vectors are blended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Interpolation {
    /// Straight line: its midpoints have a smaller norm than any likely z, so they are atypical.
    Lerp,
    /// Along the great circle (norm interpolated linearly): stays where the prior's mass is.
    #[default]
    Slerp,
}

impl Interpolation {
    /// The point at `t` (0 = `a`, 1 = `b`) between `a` and `b`.
    pub fn at(self, a: &[f32], b: &[f32], t: f32) -> Vec<f32> {
        match self {
            Interpolation::Lerp => lerp(a, b, t),
            Interpolation::Slerp => slerp(a, b, t),
        }
    }
}

/// Samples in a sample grid (8×8): the page's live grid and `gan-train`'s grids.
pub const GRID_SAMPLES: usize = 64;
/// Seed of the grid's fixed latent vectors.
pub const GRID_SEED: u64 = 1;

/// The grid's fixed latent vectors: [`GRID_SAMPLES`] of them, `latent` numbers each, the same
/// for every run of that latent size, so a grid shows one set of faces learning. The page, the
/// native trainer and the shipped generators' calibration ([`crate::checkpoint`]'s
/// `save_shipped`) all draw from these.
pub fn grid_latents(latent: usize) -> Vec<Vec<f32>> {
    seeded_normal(GRID_SEED, GRID_SAMPLES, latent)
}

/// `count` latent vectors of `size` components from N(0, 1), the same for the same seed on
/// every platform (ChaCha8, not the OS generator).
pub fn seeded_normal(seed: u64, count: usize, size: usize) -> Vec<Vec<f32>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..count).map(|_| normal_vector(&mut rng, size)).collect()
}

/// One vector of N(0, 1) components drawn from `rng`.
pub fn normal_vector(rng: &mut impl rand::Rng, size: usize) -> Vec<f32> {
    (0..size).map(|_| StandardNormal.sample(rng)).collect()
}

/// Euclidean norm.
pub fn norm(v: &[f32]) -> f32 {
    v.iter().map(|x| x * x).sum::<f32>().sqrt()
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// `a + t (b − a)`.
pub fn lerp(a: &[f32], b: &[f32], t: f32) -> Vec<f32> {
    a.iter().zip(b).map(|(x, y)| x + t * (y - x)).collect()
}

/// Spherical interpolation: the direction turns along the great circle from `a` to `b` while the
/// norm goes linearly from |a| to |b|.
///
/// Parallel vectors give the lerp; opposite ones (no unique great circle) turn through a fixed
/// direction orthogonal to `a`, so the result is still continuous in `t` and of the right norm.
pub fn slerp(a: &[f32], b: &[f32], t: f32) -> Vec<f32> {
    let (na, nb) = (norm(a), norm(b));
    if na == 0.0 || nb == 0.0 {
        return lerp(a, b, t);
    }
    let ua: Vec<f32> = a.iter().map(|x| x / na).collect();
    let ub: Vec<f32> = b.iter().map(|x| x / nb).collect();
    let cos = dot(&ua, &ub).clamp(-1.0, 1.0);
    let length = na + t * (nb - na);
    if cos > 1.0 - 1e-6 {
        return lerp(a, b, t);
    }
    // The unit vector orthogonal to ua in the plane of the turn.
    let ortho = if cos < -1.0 + 1e-6 {
        orthogonal_unit(&ua)
    } else {
        let v: Vec<f32> = ub.iter().zip(&ua).map(|(b, a)| b - cos * a).collect();
        let n = norm(&v);
        v.into_iter().map(|x| x / n).collect()
    };
    let angle = cos.acos() * t;
    ua.iter()
        .zip(&ortho)
        .map(|(a, o)| length * (angle.cos() * a + angle.sin() * o))
        .collect()
}

/// A unit vector orthogonal to the unit vector `u` (Gram–Schmidt on the axis least like `u`).
fn orthogonal_unit(u: &[f32]) -> Vec<f32> {
    let axis = (0..u.len())
        .min_by(|&i, &j| u[i].abs().total_cmp(&u[j].abs()))
        .unwrap_or(0);
    let mut v: Vec<f32> = u.iter().map(|x| -u[axis] * x).collect();
    v[axis] += 1.0;
    let n = norm(&v);
    if n == 0.0 {
        return v; // Only for a 1-dimensional space, where no orthogonal direction exists.
    }
    v.into_iter().map(|x| x / n).collect()
}

/// `frames` vectors from `a` to `b` inclusive (t = i / (frames − 1)).
pub fn path(a: &[f32], b: &[f32], frames: usize, mode: Interpolation) -> Vec<Vec<f32>> {
    let last = frames.saturating_sub(1).max(1) as f32;
    (0..frames)
        .map(|i| mode.at(a, b, i as f32 / last))
        .collect()
}

/// One step of a random walk on the sphere of radius |z|: turn `z` by `angle` radians towards
/// `towards` (projected orthogonal to z), i.e. move along a great circle.
pub fn great_circle_step(z: &[f32], towards: &[f32], angle: f32) -> Vec<f32> {
    let nz = norm(z);
    if nz == 0.0 {
        return towards.to_vec();
    }
    let u: Vec<f32> = z.iter().map(|x| x / nz).collect();
    let c = dot(&u, towards);
    let mut o: Vec<f32> = towards.iter().zip(&u).map(|(t, u)| t - c * u).collect();
    let no = norm(&o);
    if no < 1e-6 {
        o = orthogonal_unit(&u);
    } else {
        o.iter_mut().for_each(|x| *x /= no);
    }
    u.iter()
        .zip(&o)
        .map(|(u, o)| nz * (angle.cos() * u + angle.sin() * o))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: &[f32], b: &[f32], tol: f32) -> bool {
        a.iter().zip(b).all(|(x, y)| (x - y).abs() <= tol)
    }

    #[test]
    fn seeded_is_reproducible_and_standard() {
        let a = seeded_normal(3, 4, 1000);
        assert_eq!(a, seeded_normal(3, 4, 1000));
        assert_ne!(a, seeded_normal(4, 4, 1000));
        let all: Vec<f32> = a.concat();
        let mean = all.iter().sum::<f32>() / all.len() as f32;
        let var = all.iter().map(|x| (x - mean).powi(2)).sum::<f32>() / all.len() as f32;
        assert!(
            mean.abs() < 0.05 && (var - 1.0).abs() < 0.08,
            "{mean} {var}"
        );
    }

    #[test]
    fn slerp_ends_and_norms() {
        let z = seeded_normal(1, 2, 64);
        let (a, b) = (&z[0], &z[1]);
        assert!(close(&slerp(a, b, 0.0), a, 1e-4));
        assert!(close(&slerp(a, b, 1.0), b, 1e-4));
        for frame in path(a, b, 9, Interpolation::Slerp).iter().enumerate() {
            let t = frame.0 as f32 / 8.0;
            let expected = norm(a) + t * (norm(b) - norm(a));
            assert!((norm(frame.1) - expected).abs() < 1e-3);
        }
        // Lerp's midpoint is shorter than both ends: the reason slerp is the default.
        let mid = lerp(a, b, 0.5);
        assert!(norm(&mid) < norm(a).min(norm(b)));
    }

    #[test]
    fn slerp_parallel_and_opposite() {
        let a = vec![1.0, 2.0, 2.0];
        let b = vec![2.0, 4.0, 4.0];
        assert!(close(&slerp(&a, &b, 0.5), &[1.5, 3.0, 3.0], 1e-5));
        let c: Vec<f32> = a.iter().map(|x| -x).collect();
        let mid = slerp(&a, &c, 0.5);
        assert!((norm(&mid) - 3.0).abs() < 1e-4);
        assert!(
            dot(&mid, &a).abs() < 1e-3,
            "midpoint of opposite vectors is orthogonal"
        );
        assert!(close(&slerp(&a, &c, 1.0), &c, 1e-4));
        assert!(mid.iter().all(|x| x.is_finite()));
    }

    #[test]
    fn path_has_requested_frames() {
        let z = seeded_normal(2, 2, 8);
        assert_eq!(path(&z[0], &z[1], 12, Interpolation::Lerp).len(), 12);
        assert_eq!(path(&z[0], &z[1], 1, Interpolation::Slerp).len(), 1);
    }

    #[test]
    fn great_circle_keeps_norm() {
        let z = seeded_normal(5, 2, 16);
        let next = great_circle_step(&z[0], &z[1], 0.3);
        assert!((norm(&next) - norm(&z[0])).abs() < 1e-4);
        let cos = dot(&next, &z[0]) / (norm(&next) * norm(&z[0]));
        assert!((cos - 0.3f32.cos()).abs() < 1e-4);
    }
}
