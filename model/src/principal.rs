//! Principal directions of the latent space, GANSpace-style (Härkönen et al. 2020): PCA of the
//! generator's first-layer activations over many samples, carried back to z by regression.

#[cfg(feature = "burn")]
use burn::tensor::{Device, ExecutionError, Tensor, TensorData};
#[cfg(feature = "burn")]
use nalgebra::{DMatrix, SymmetricEigen};

#[cfg(feature = "burn")]
use crate::generator::Generator;
#[cfg(feature = "burn")]
use crate::latent::seeded_normal;

/// Unit directions in z, ordered by the activation variance they explain.
#[derive(Debug, Clone, PartialEq)]
pub struct PrincipalDirections {
    /// `count` orthonormal vectors of the latent size.
    pub directions: Vec<Vec<f32>>,
    /// Variance of the activations along each principal component, descending.
    pub variances: Vec<f32>,
}

impl PrincipalDirections {
    #[cfg(feature = "burn")]
    /// Samples `samples` seeded z, runs the generator's first layer (inference mode) and keeps
    /// the top `count` directions. Reads the device back once, asynchronously.
    pub async fn compute(
        generator: &Generator,
        samples: usize,
        count: usize,
        seed: u64,
        device: &Device,
    ) -> Result<Self, ExecutionError> {
        let latent = generator.latent_size;
        let z: Vec<f32> = seeded_normal(seed, samples, latent).concat();
        let z_tensor =
            Tensor::<2>::from_data(TensorData::new(z.clone(), [samples, latent]), device);
        let acts = generator.first_layer(z_tensor); // [samples, features]
        let centred = acts.clone() - acts.mean_dim(0); // [samples, features]
        // The samples×samples Gram matrix has the same non-zero spectrum as the covariance and
        // is far smaller than features×features.
        let gram = centred.clone().matmul(centred.transpose()); // [samples, samples]
        let gram = gram
            .into_data_async()
            .await?
            .try_to_vec::<f32>()
            .map_err(|e| ExecutionError::WithContext {
                reason: format!("reading the Gram matrix: {e:?}"),
            })?;
        Ok(Self::from_gram(&z, &gram, samples, latent, count))
    }

    #[cfg(feature = "burn")]
    /// The directions from the latent samples `z` (`samples × latent`, row-major) and the Gram
    /// matrix of their centred activations (`samples × samples`).
    pub fn from_gram(z: &[f32], gram: &[f32], samples: usize, latent: usize, count: usize) -> Self {
        let gram = DMatrix::from_row_slice(samples, samples, gram).map(f64::from);
        let eigen = SymmetricEigen::new(gram);
        let mut order: Vec<usize> = (0..samples).collect();
        order.sort_by(|&i, &j| eigen.eigenvalues[j].total_cmp(&eigen.eigenvalues[i]));
        let count = count.min(latent).min(samples);
        let z = DMatrix::from_row_slice(samples, latent, z).map(f64::from);
        // Component j's coordinates are c_j = √λ_j u_j; they are orthogonal, so the
        // least-squares map from coordinates back to z decouples: d_j = Zᵀ c_j / |c_j|².
        let mut directions: Vec<nalgebra::DVector<f64>> = Vec::with_capacity(count);
        let mut variances = Vec::with_capacity(count);
        for &k in order.iter().take(count) {
            let lambda = eigen.eigenvalues[k].max(1e-12);
            let u = eigen.eigenvectors.column(k);
            let mut d = z.transpose() * u / lambda.sqrt();
            // Gram–Schmidt against the stronger directions keeps the set orthonormal.
            for previous in &directions {
                d -= previous * previous.dot(&d);
            }
            let n = d.norm();
            if n < 1e-9 {
                break;
            }
            directions.push(d / n);
            variances.push((lambda / (samples.max(2) - 1) as f64) as f32);
        }
        Self {
            directions: directions
                .iter()
                .map(|d| d.iter().map(|&x| x as f32).collect())
                .collect(),
            variances,
        }
    }

    /// `z` moved by `amounts[j]` (in units of z's standard deviation, 1) along direction j.
    pub fn apply(&self, z: &[f32], amounts: &[f32]) -> Vec<f32> {
        let mut out = z.to_vec();
        for (direction, &amount) in self.directions.iter().zip(amounts) {
            for (o, d) in out.iter_mut().zip(direction) {
                *o += amount * d;
            }
        }
        out
    }
}

#[cfg(all(test, feature = "burn"))]
mod tests {
    use super::*;
    use crate::config::GanConfig;

    fn check_orthonormal_and_ordered(pd: &PrincipalDirections, count: usize, latent: usize) {
        assert_eq!(pd.directions.len(), count);
        for (i, a) in pd.directions.iter().enumerate() {
            assert_eq!(a.len(), latent);
            for (j, b) in pd.directions.iter().enumerate() {
                let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
                let expected = if i == j { 1.0 } else { 0.0 };
                assert!((dot - expected).abs() < 1e-4, "⟨d{i}, d{j}⟩ = {dot}");
            }
        }
        assert!(
            pd.variances.windows(2).all(|w| w[0] >= w[1]),
            "{:?}",
            pd.variances
        );
        assert!(pd.variances[0] > 0.0);
    }

    #[test]
    fn finds_the_dominant_direction_of_a_linear_map() {
        // Activations = z scaled 5× along axis 2 and 2× along axis 0: PCA must rank axis 2,
        // then axis 0, and regress them back onto those z axes.
        let (samples, latent) = (300, 6);
        let z = seeded_normal(9, samples, latent).concat();
        let acts: Vec<f32> = z
            .chunks(latent)
            .flat_map(|row| [5.0 * row[2], 2.0 * row[0], 0.1 * row[4]])
            .collect();
        let feats = 3;
        let mean: Vec<f32> = (0..feats)
            .map(|f| acts.iter().skip(f).step_by(feats).sum::<f32>() / samples as f32)
            .collect();
        let mut gram = vec![0.0; samples * samples];
        for i in 0..samples {
            for j in 0..samples {
                gram[i * samples + j] = (0..feats)
                    .map(|f| (acts[i * feats + f] - mean[f]) * (acts[j * feats + f] - mean[f]))
                    .sum();
            }
        }
        let pd = PrincipalDirections::from_gram(&z, &gram, samples, latent, 3);
        check_orthonormal_and_ordered(&pd, 3, latent);
        assert!(pd.directions[0][2].abs() > 0.95, "{:?}", pd.directions[0]);
        assert!(pd.directions[1][0].abs() > 0.95, "{:?}", pd.directions[1]);
        assert!((pd.variances[0] / pd.variances[1] - 6.25).abs() < 1.5);
    }

    #[test]
    fn generator_directions_are_orthonormal_and_ordered() {
        let device = burn::tensor::Device::flex();
        let config = GanConfig::new()
            .with_generator_width(8)
            .with_latent_size(32);
        let g = Generator::new(&config, &device);
        let pd = pollster::block_on(PrincipalDirections::compute(&g, 256, 10, 1, &device)).unwrap();
        check_orthonormal_and_ordered(&pd, 10, 32);
        let z = vec![0.0; 32];
        let moved = pd.apply(&z, &[2.0]);
        let n: f32 = moved.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((n - 2.0).abs() < 1e-4);
    }
}
