//! What adaptive augmentation's numbers say to a person (plain logic, tested natively; the
//! panel is `components::augmentation`).

/// Where a run with adaptive augmentation stands: (p, r_t) of the last step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdaReading {
    /// The probability of each change.
    pub p: f32,
    /// r_t = E[sign D(x)] over the last few D updates.
    pub overfitting: f32,
}

impl AdaReading {
    /// What the reading says, for a person, against the run's `target`.
    pub fn sentence(&self, target: f64) -> Option<String> {
        let AdaReading { p, overfitting } = *self;
        if p <= 0.0 {
            return None;
        }
        let above = f64::from(overfitting) > target;
        Some(if above {
            format!(
                "D has begun to memorise your images (r_t {overfitting:.2}, above the target \
                 {target}): the page now shows it randomly shifted, recoloured and cut versions \
                 of every image, yours and G's, each change with probability p = {p:.3}. G learns \
                 through the same changes, so its own images stay unchanged."
            )
        } else {
            format!(
                "D is less sure of your images now (r_t {overfitting:.2}, below the target \
                 {target}): the augmentation eases off (p = {p:.3}, falling)."
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sentence_says_whether_d_memorises_and_nothing_before_p_rises() {
        let quiet = AdaReading {
            p: 0.0,
            overfitting: 0.9,
        };
        assert_eq!(quiet.sentence(0.6), None);
        let rising = AdaReading {
            p: 0.12,
            overfitting: 0.8,
        };
        let text = rising.sentence(0.6).unwrap();
        assert!(text.starts_with("D has begun to memorise your images"));
        assert!(
            text.contains("p = 0.120") && text.contains("r_t 0.80"),
            "{text}"
        );
        let easing = AdaReading {
            p: 0.12,
            overfitting: 0.4,
        };
        assert!(easing.sentence(0.6).unwrap().contains("eases off"));
    }
}
