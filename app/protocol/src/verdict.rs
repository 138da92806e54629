//! D's verdict, as the class sees it: a row of real and a row of generated images, each with what
//! D says of it, and the loss formulas with those numbers in them. Built in the worker from D's
//! logits; explained on the page. Plain Rust, tested natively.

use model::LossKind;
use model::loss::LossTerms;
use serde::{Deserialize, Serialize};

/// Images in each row.
pub const ROW: usize = 8;

/// What came just before this verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Judged {
    /// Training, a load, a new model: nothing to compare with.
    Refresh,
    /// One discriminator update (**Step D only**): the rows are the same images as before.
    AfterStepD,
    /// One generator update (**Step G only**): the real row is the same, the generated one is
    /// G's new drawing of the same z.
    AfterStepG,
}

/// Each image's shown output (before, after): the real row's, then the generated row's.
pub type Changes = (Vec<(f32, f32)>, Vec<(f32, f32)>);

/// One image and D's output on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scored {
    /// RGBA8, `size × size`.
    #[serde(with = "serde_bytes")]
    pub rgba: Vec<u8>,
    /// D's raw output (a logit for BCE, the score for hinge and WGAN).
    pub logit: f32,
    /// What the page prints: the probability "real" for BCE, the score otherwise.
    pub shown: f32,
}

/// D's outputs on the two rows, with the loss's terms on them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictReport {
    /// Counts the verdicts the worker sent: the page compares consecutive ones.
    pub version: u64,
    /// Generator updates so far.
    pub step: u64,
    /// What came just before.
    pub judged: Judged,
    /// The loss D and G train with.
    pub loss: LossKind,
    /// Side of each image.
    pub size: u32,
    /// Fixed training images (the same ones every time, while the data stays the same).
    pub real: Vec<Scored>,
    /// G(z) for the live grid's first latent vectors.
    pub fake: Vec<Scored>,
    /// The loss taken apart on these images.
    pub terms: LossTerms,
    /// D scored both rows as one mixed batch (else each row as its own batch, as in training).
    #[serde(default)]
    pub mixed: bool,
}

impl VerdictReport {
    /// A report from D's logits on the real row and the generated row, and their images.
    pub fn new(
        loss: LossKind,
        real: (Vec<f32>, Vec<Vec<u8>>),
        fake: (Vec<f32>, Vec<Vec<u8>>),
        size: u32,
    ) -> Self {
        let terms = loss.terms(&real.0, &fake.0);
        let scored = |(logits, images): (Vec<f32>, Vec<Vec<u8>>)| -> Vec<Scored> {
            logits
                .into_iter()
                .zip(images)
                .map(|(logit, rgba)| Scored {
                    rgba,
                    logit,
                    shown: loss.shown_output(logit),
                })
                .collect()
        };
        Self {
            version: 0,
            step: 0,
            judged: Judged::Refresh,
            loss,
            size,
            real: scored(real),
            fake: scored(fake),
            terms,
            mixed: false,
        }
    }

    /// Mean shown output on the real row and on the generated row.
    pub fn means(&self) -> (f32, f32) {
        let mean = |row: &[Scored]| row.iter().map(|s| s.shown).sum::<f32>() / row.len() as f32;
        (mean(&self.real), mean(&self.fake))
    }

    /// What a number under an image means for this loss.
    pub fn reading(&self) -> &'static str {
        match self.loss {
            LossKind::Bce => {
                "D's probability that the image is real: it wants 1 under real images and 0 under generated ones; G wants its images near 1."
            }
            LossKind::Hinge => {
                "D's score (not a probability): higher means “more real”. D is pushed until real images score at least +1 and generated ones at most −1, no further."
            }
            LossKind::WganClip => {
                "The critic's score (not a probability): higher means “more real”. Only differences mean something: once the critic is trained near its optimum, the mean real score minus the mean generated score estimates how far apart the two sets are (the Wasserstein distance, up to a constant)."
            }
        }
    }

    /// Why an image's number depends on the images judged with it.
    pub fn batch_note(&self) -> &'static str {
        if self.mixed {
            "Scored as one mixed batch: D's batch normalisation used the statistics of the real and the generated images together, so each number depends on both rows. Training never does this; switch back to see D as it trains."
        } else {
            "Scored row by row, as D trains: each row (up to 64 images; 8 shown) is one batch, and D's batch normalisation uses that batch's own mean and variance, so one image's number depends on the others in its row (Ioffe & Szegedy 2015). Score one mixed batch to see how much."
        }
    }

    /// Each image's output before → after, where `before` judged the same images one manual
    /// step ago (`None` otherwise): real row, generated row.
    pub fn changes(&self, before: &VerdictReport) -> Option<Changes> {
        let comparable = self.judged != Judged::Refresh
            && before.version + 1 == self.version
            && before.loss == self.loss
            && before.real.len() == self.real.len()
            && before.fake.len() == self.fake.len();
        let pairs =
            |a: &[Scored], b: &[Scored]| a.iter().zip(b).map(|(a, b)| (a.shown, b.shown)).collect();
        comparable.then(|| {
            (
                pairs(&before.real, &self.real),
                pairs(&before.fake, &self.fake),
            )
        })
    }

    /// The loss formulas with these images' numbers in them.
    pub fn explain(&self) -> Explanation {
        let t = self.terms;
        let (real, fake) = self.means();
        match self.loss {
            LossKind::Bce => {
                // The gradient of each generator loss with respect to D's logit f on a generated
                // image: log(1 − σ(f)) gives −σ(f), −log σ(f) gives −(1 − σ(f)).
                let saturating = fake as f64;
                let non_saturating = 1.0 - fake as f64;
                Explanation {
                    discriminator: Formula {
                        text: format!(
                            "L_D = −[log D(x) + log(1 − D(G(z)))] = {:.3} + {:.3} = {:.3}",
                            t.d_real,
                            t.d_fake,
                            t.d_real + t.d_fake
                        ),
                        terms: vec![
                            format!("−log D(x) = {:.3}: D's loss on the real images (mean D(x) = {real:.2}). It is 0 when D calls every real image real.", t.d_real),
                            format!("−log(1 − D(G(z))) = {:.3}: D's loss on the generated images (mean D(G(z)) = {fake:.2}). It is 0 when D calls every generated image fake.", t.d_fake),
                        ],
                    },
                    generator: Formula {
                        text: format!("L_G = −log D(G(z)) = {:.3}", t.g),
                        terms: vec![format!(
                            "G's loss: it falls as D takes G's images for real (at D(G(z)) = 0.5 it is {:.3}).",
                            std::f64::consts::LN_2
                        )],
                    },
                    note: format!(
                        "Why −log D(G(z)) and not the game's log(1 − D(G(z)))? Both want D(G(z)) → 1, but when D rejects G's images (D(G(z)) near 0) the second is flat: its slope at D's logit is D(G(z)) = {saturating:.3} here, against 1 − D(G(z)) = {non_saturating:.3} for the first — {}. This “non-saturating” loss is what Goodfellow et al. (2014) advised and DCGAN used. It is not free: with D at its optimum, its gradient follows KL(p_g‖p_data) − 2·JS(p_data‖p_g), which punishes G little for missing a mode of the data and much for a sample where there is none — so it favours dropping modes — and its updates are noisy (Arjovsky & Bottou 2017, Theorem 2.5).",
                        if non_saturating >= saturating {
                            format!("{:.1}× the gradient for G", non_saturating / saturating.max(1e-6))
                        } else {
                            "while D is fooled the two swap roles, and G has gradient either way".to_string()
                        }
                    ),
                }
            }
            LossKind::Hinge => Explanation {
                discriminator: Formula {
                    text: format!(
                        "L_D = E[max(0, 1 − D(x))] + E[max(0, 1 + D(G(z)))] = {:.3} + {:.3} = {:.3}",
                        t.d_real,
                        t.d_fake,
                        t.d_real + t.d_fake
                    ),
                    terms: vec![
                        format!("E[max(0, 1 − D(x))] = {:.3}: real images scoring under +1 (mean score {real:.2}) cost D; above +1 they cost nothing.", t.d_real),
                        format!("E[max(0, 1 + D(G(z)))] = {:.3}: generated images scoring over −1 (mean score {fake:.2}) cost D; below −1 they cost nothing.", t.d_fake),
                    ],
                },
                generator: Formula {
                    text: format!("L_G = −E[D(G(z))] = {:.3}", t.g),
                    terms: vec!["G raises the score of its images, with the same slope however badly D rates them.".into()],
                },
                note: "G keeps a gradient because its loss −D(G(z)) is linear in D's score: the slope is the same however badly D rates its images. The margin limits D alone: past +1 and −1 it stops pushing those images' scores. Hinge does not stop D from winning — that takes a constraint on D (spectral normalisation, Miyato et al. 2018; a gradient penalty such as R1, Mescheder et al. 2018), augmentation, or a lower D learning rate.".into(),
            },
            LossKind::WganClip => Explanation {
                discriminator: Formula {
                    text: format!(
                        "L_D = E[D(G(z))] − E[D(x)] = {:.3} + {:.3} = {:.3}",
                        t.d_fake,
                        t.d_real,
                        t.d_real + t.d_fake
                    ),
                    terms: vec![
                        format!("E[D(G(z))] = {:.3}: the critic lowers the score of generated images.", t.d_fake),
                        format!("−E[D(x)] = {:.3}: and raises that of real ones.", t.d_real),
                    ],
                },
                generator: Formula {
                    text: format!("L_G = −E[D(G(z))] = {:.3}", t.g),
                    terms: vec!["G raises its images' score.".into()],
                },
                note: format!(
                    "−L_D = {:.3}. It estimates the Wasserstein-1 distance between the real and the generated images only when the critic is near its optimum among K-Lipschitz functions (clipping the weights keeps it K-Lipschitz for some unknown K): then it is about K times the distance; with a critic that is not yet trained it is only a lower bound. So the paper trains the critic 5 times per G step, with RMSProp at 5e-5 and weights clipped to ±0.01 (Arjovsky et al. 2017, Algorithm 1). The loss is linear in the critic's score, so G keeps a gradient even while the critic is far ahead.",
                    -(t.d_real + t.d_fake)
                ),
            },
        }
    }
}

/// One formula, as printed, and a sentence per term.
#[derive(Debug, Clone, PartialEq)]
pub struct Formula {
    /// The formula with the numbers in it.
    pub text: String,
    /// What each term is.
    pub terms: Vec<String>,
}

/// D's and G's losses explained for the current verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// D's loss.
    pub discriminator: Formula,
    /// G's loss.
    pub generator: Formula,
    /// Why this loss is shaped as it is.
    pub note: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(loss: LossKind, real: &[f32], fake: &[f32]) -> VerdictReport {
        let images = |n: usize| vec![vec![0u8; 4]; n];
        VerdictReport::new(
            loss,
            (real.to_vec(), images(real.len())),
            (fake.to_vec(), images(fake.len())),
            1,
        )
    }

    #[test]
    fn bce_shows_probabilities_and_the_formula_adds_up() {
        let r = report(LossKind::Bce, &[2.0, 0.0], &[-3.0, -1.0]);
        assert!((r.real[1].shown - 0.5).abs() < 1e-6);
        assert!(
            r.real
                .iter()
                .chain(&r.fake)
                .all(|s| (0.0..=1.0).contains(&s.shown))
        );
        let e = r.explain();
        let sum = r.terms.d_real + r.terms.d_fake;
        assert!(
            e.discriminator.text.ends_with(&format!("= {sum:.3}")),
            "{}",
            e.discriminator.text
        );
        assert!(
            e.discriminator
                .text
                .contains(&format!("{:.3} + {:.3}", r.terms.d_real, r.terms.d_fake))
        );
        // D rejects G's images here: the non-saturating loss gives G many times the gradient.
        let (_, fake) = r.means();
        let ratio = (1.0 - fake) / fake;
        assert!(
            e.note.contains(&format!("{ratio:.1}× the gradient")),
            "{}",
            e.note
        );
    }

    #[test]
    fn the_note_says_how_the_batch_was_scored() {
        let mut r = report(LossKind::Bce, &[0.0, 1.0], &[0.0, -1.0]);
        assert!(r.batch_note().contains("row by row"));
        r.mixed = true;
        assert!(r.batch_note().contains("one mixed batch"));
    }

    #[test]
    fn hinge_and_wgan_show_scores() {
        for loss in [LossKind::Hinge, LossKind::WganClip] {
            let r = report(loss, &[2.5, 0.5], &[-3.0, -0.5]);
            assert_eq!(r.real[0].shown, 2.5);
            assert!(r.reading().contains("not a probability"));
            assert!(
                r.explain()
                    .generator
                    .text
                    .contains(&format!("{:.3}", r.terms.g))
            );
        }
    }

    #[test]
    fn only_a_manual_step_right_after_is_compared() {
        let mut before = report(LossKind::Bce, &[0.0, 1.0], &[0.0, -1.0]);
        before.version = 4;
        let mut after = report(LossKind::Bce, &[1.0, 2.0], &[-1.0, -2.0]);
        after.version = 5;
        assert_eq!(after.changes(&before), None, "a refresh is not compared");
        after.judged = Judged::AfterStepD;
        let (real, fake) = after.changes(&before).unwrap();
        assert!(real.iter().all(|(b, a)| a > b));
        assert!(fake.iter().all(|(b, a)| a < b));
        after.version = 6;
        assert_eq!(after.changes(&before), None, "a verdict in between");
    }
}
