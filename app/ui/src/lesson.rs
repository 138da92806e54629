//! The guided lesson for a projector: eight steps through the game, each pointing at the panel
//! it talks about (by its `data-lesson` name). Plain data, tested natively; the page's
//! `ui/lesson.rs` shows it.

/// One step of the lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LessonStep {
    /// A short title.
    pub title: &'static str,
    /// What to say and what to try.
    pub text: &'static str,
    /// The `data-lesson` name of the element it highlights.
    pub focus: &'static str,
}

/// The lesson, in order.
pub const STEPS: [LessonStep; 8] = [
    LessonStep {
        title: "Noise z",
        text: "Every image a GAN draws starts from a vector z of random numbers (64 by default) drawn from a normal distribution. \
               z is the only input: the same z always gives the same image. In the explorer, each slider is one number of z — move one and watch the image change.",
        focus: "explorer",
    },
    LessonStep {
        title: "The generator G",
        text: "G turns z into an image. It reshapes z to a 1×1 “image” with one channel per number; a first transposed convolution makes it 4×4 (in effect a fully connected layer, as in Radford et al. 2016), \
               then each further one doubles the side (8, 16, 32) while the channels shrink, until three channels of colour come out through tanh. Click a layer to see what G draws at that depth.",
        focus: "generator",
    },
    LessonStep {
        title: "The discriminator D",
        text: "D looks at an image and outputs one number: with the BCE loss, the probability that the image is real. \
               Each strided convolution halves the side (32, 16, 8, 4) until a last 4×4 convolution leaves a single value. D is trained on real images and on G's.",
        focus: "discriminator",
    },
    LessonStep {
        title: "One D step",
        text: "Press Step D only. D learns from one fresh batch of real images and one of G's images of fresh z — not the rows shown. \
               The rows show how that step carries over to other images: the numbers under the real images should go up, under the generated ones down. The formulas on the right put these numbers into D's loss.",
        focus: "verdict",
    },
    LessonStep {
        title: "One G step",
        text: "Press Step G only. D stays as it is; G changes its weights so that D's numbers on its images go up — G never sees a real image, it learns only through D's verdict. \
               This is the two-player game: each step of one makes the other's task harder.",
        focus: "verdict",
    },
    LessonStep {
        title: "Training",
        text: "Press Train: D and G take turns, many times a second. Watch the grid: the same 64 z, drawn again as G improves. \
               The losses do not go to zero — when the game goes well, neither player wins, and D(x) and D(G(z)) stay apart but not at 1 and 0.",
        focus: "live",
    },
    LessonStep {
        title: "What goes wrong",
        text: "Training can fail. D can win (D(x) → 1, D(G(z)) → 0): G's images stop improving. G can collapse onto a few images that fool D (mode collapse), and chase D from one to the next. \
               The players can take turns winning without settling, and numbers can overflow to NaN. The page names each when it happens and says what to try. \
               Another loss alone does not hold back a D that wins: what does is a constraint on D (a lower learning rate, WGAN's clipping, a gradient penalty, spectral normalisation) or augmenting what D sees.",
        focus: "live",
    },
    LessonStep {
        title: "Exploring z",
        text: "A trained G maps nearby z to similar images. Interpolate between two z (A and B) and the images morph smoothly; \
               the principal directions are those along which G's first layer changes most — often, not always, the largest changes in the image. Switch the explorer to your model to explore what it learned.",
        focus: "explorer",
    },
];

/// The step after `step` (1-based), staying on the last.
pub fn next(step: usize) -> usize {
    (step + 1).min(STEPS.len())
}

/// The step before `step` (1-based), staying on the first.
pub fn back(step: usize) -> usize {
    step.saturating_sub(1).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eight_steps_that_stay_in_range() {
        assert_eq!(STEPS.len(), 8);
        assert_eq!(next(8), 8);
        assert_eq!(next(3), 4);
        assert_eq!(back(1), 1);
        assert_eq!(back(4), 3);
        for step in STEPS {
            assert!(!step.title.is_empty() && step.text.len() > 100, "{step:?}");
            assert!(
                ["explorer", "generator", "discriminator", "verdict", "live"].contains(&step.focus)
            );
        }
    }
}
