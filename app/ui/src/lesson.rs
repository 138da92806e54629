//! The guided lesson for a projector: fourteen steps through the game, each pointing at the
//! panel it talks about (by its `data-lesson` name). It begins in the 2-D lab, where the theory
//! is visible — two distributions, D's surface, G's pull, D*, a winning D, mode collapse — with
//! predict-then-reveal moments that drive the lab, then carries the game to images. Plain data,
//! tested natively; the page's `components/lesson.rs` shows it.

use model::lab::Failure;

/// What a lesson step asks the 2-D lab to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabCue {
    /// A new game on the ring with the default settings, paused at step 0.
    Fresh,
    /// `n` D updates, G held.
    StepD(usize),
    /// `n` G updates, D held.
    StepG(usize),
    /// Train continuously (until the class presses Pause).
    Train,
    /// Set up a failure on cue and train it.
    Fail(Failure),
}

/// A moment where the class predicts before the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prediction {
    /// What the class is asked.
    pub question: &'static str,
    /// The button that shows it.
    pub reveal: &'static str,
    /// What the lab does when it is pressed.
    pub cue: LabCue,
    /// What to look for, shown with the result.
    pub answer: &'static str,
}

/// One step of the lesson.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LessonStep {
    /// A short title.
    pub title: &'static str,
    /// What to say and what to try.
    pub text: &'static str,
    /// The `data-lesson` name of the element it highlights.
    pub focus: &'static str,
    /// What the lab does when the step opens.
    pub cue: Option<LabCue>,
    /// A question for the class before the lab shows the answer.
    pub predict: Option<Prediction>,
}

impl LessonStep {
    /// A step that only talks about `focus`.
    const fn about(title: &'static str, text: &'static str, focus: &'static str) -> Self {
        Self {
            title,
            text,
            focus,
            cue: None,
            predict: None,
        }
    }
}

/// Steps of the lesson in the 2-D lab, before the images.
pub const LAB_STEPS: usize = 6;

/// The lesson, in order.
pub const STEPS: [LessonStep; 14] = [
    LessonStep {
        title: "Two distributions",
        text: "A GAN learns a distribution. Here the data is a ring of eight clouds of points in the plane (green): samples of p_data. \
               G turns random noise z into points (purple): samples of G's distribution p_g. The whole game is about making p_g equal p_data. \
               D colours the plane by how real it finds each place; the numbers beside it measure how far apart the two distributions are (JS, KL).",
        focus: "lab",
        cue: Some(LabCue::Fresh),
        predict: None,
    },
    LessonStep {
        title: "D's decision surface",
        text: "D is trained to tell the two sets apart: to output 1 on the data's points and 0 on G's. Its output over the whole plane is its decision surface.",
        focus: "lab",
        cue: None,
        predict: Some(Prediction {
            question: "D will now train alone for 20 steps while G stays where it is. Where will the plane turn green, and where purple?",
            reveal: "Show me: 20 D steps",
            cue: LabCue::StepD(20),
            answer: "Green where the data's points are, purple where G's are, white where neither or both are: D learns the share of the data at each place, \
                     p_data / (p_data + p_g). Compare it with D* beside the plane, that share computed from the points themselves.",
        }),
    },
    LessonStep {
        title: "Where G's gradient pushes",
        text: "G never sees a real point. It learns only through D: the arrows show −∂L_G/∂x at each of G's points, the direction in which G's loss wants that point to move, by backpropagation through D.",
        focus: "lab",
        cue: None,
        predict: Some(Prediction {
            question: "Now G steps alone 20 times against this D, D held. Which way will the purple points move?",
            reveal: "Show me: 20 G steps",
            cue: LabCue::StepG(20),
            answer: "Along their arrows: up D's surface, towards where D says “real”. G's points move to where D is fooled, not to the data as such — \
                     the next D step moves the surface, and the game goes on.",
        }),
    },
    LessonStep {
        title: "D* and the equilibrium",
        text: "For a fixed G the best D is D*(x) = p_data(x) / (p_data(x) + p_g(x)) (Goodfellow et al. 2014). Against D*, the game's value is −log 4 + 2·JS(p_data‖p_g): \
               G, playing against the best D, is minimising the Jensen–Shannon divergence. Its minimum is at p_g = p_data, where D* = ½ everywhere, \
               D's loss is 2 ln 2 ≈ 1.386 and G's non-saturating loss ln 2 ≈ 0.693 — the dashed lines of the theory card.",
        focus: "lab",
        cue: None,
        predict: Some(Prediction {
            question: "Train for a while. What will D's surface look like once G's points cover the ring?",
            reveal: "Show me: train",
            cue: LabCue::Train,
            answer: "Pale, near ½ almost everywhere: D can no longer tell, and JS falls towards 0. Small networks and finite batches keep it from reaching exactly ½ — \
                     the numbers hover near their equilibrium values rather than settling on them. Press Pause when you have seen it.",
        }),
    },
    LessonStep {
        title: "A winning D and the saturating loss",
        text: "The game's own loss for G is log(1 − D(G(z))). When D wins — rejects all of G's points, D(G(z)) ≈ 0 — that loss is flat: its gradient is tiny. \
               The chart of G's two losses shows it; −log D(G(z)) is steep exactly there.",
        focus: "lab",
        cue: None,
        predict: Some(Prediction {
            question: "G plays log(1 − D(G(z))) against a D that learns ten times faster, five steps per G step, with the data far from G. Will G reach the data?",
            reveal: "Show me",
            cue: LabCue::Fail(Failure::VanishingGradient),
            answer: "No: D rejects G's points at once, the arrows shrink to nothing and G stays where it started. Press the remedy — the non-saturating loss, \
                     with the same networks — and G moves to the data at once. That is why G is trained on −log D(G(z)).",
        }),
    },
    LessonStep {
        title: "Mode collapse",
        text: "G can cover only part of the data: send most z to a few of the modes, where D is weak, and hop to others as D catches up. \
               KL(p_data‖p_g) grows, the mesh of G's manifold folds onto a few places, and the count of modes covered drops.",
        focus: "lab",
        cue: None,
        predict: Some(Prediction {
            question: "D now learns ten times faster than G on the ring. Will G cover all eight modes?",
            reveal: "Show me",
            cue: LabCue::Fail(Failure::ModeCollapse),
            answer: "No: G piles onto a few modes and chases D between them. The remedy starts again with balanced learning rates and G covers all eight. \
                     With the same ideas the lesson now moves to images, where the distributions cannot be drawn but the game is the same.",
        }),
    },
    LessonStep::about(
        "Noise z",
        "Now images: the same game, but p_data is the distribution of your pictures and cannot be drawn. Every image a GAN draws starts from a vector z of random numbers (64 by default) drawn from a normal distribution. \
               z is the only input: the same z always gives the same image. In the explorer, each slider is one number of z — move one and watch the image change.",
        "explorer",
    ),
    LessonStep::about(
        "The generator G",
        "G turns z into an image. It reshapes z to a 1×1 “image” with one channel per number; a first transposed convolution makes it 4×4 (in effect a fully connected layer, as in Radford et al. 2016), \
               then each further one doubles the side (8, 16, 32) while the channels shrink, until three channels of colour come out through tanh. Click a layer to see what G draws at that depth.",
        "generator",
    ),
    LessonStep::about(
        "The discriminator D",
        "D looks at an image and outputs one number: with the BCE loss, the probability that the image is real. \
               Each strided convolution halves the side (32, 16, 8, 4) until a last 4×4 convolution leaves a single value. D is trained on real images and on G's.",
        "discriminator",
    ),
    LessonStep::about(
        "One D step",
        "Press Step D only. D learns from one fresh batch of real images and one of G's images of fresh z — not the rows shown. \
               The rows show how that step carries over to other images: the numbers under the real images should go up, under the generated ones down. The formulas on the right put these numbers into D's loss.",
        "verdict",
    ),
    LessonStep::about(
        "One G step",
        "Press Step G only. D stays as it is; G changes its weights so that D's numbers on its images go up — G never sees a real image, it learns only through D's verdict. \
               This is the two-player game: each step of one makes the other's task harder.",
        "verdict",
    ),
    LessonStep::about(
        "Training",
        "Press Train: D and G take turns, many times a second. Watch the grid: the same 64 z, drawn again as G improves. \
               The losses do not go to zero — when the game goes well, neither player wins, and D(x) and D(G(z)) stay apart but not at 1 and 0.",
        "live",
    ),
    LessonStep::about(
        "What goes wrong",
        "Training can fail. D can win (D(x) → 1, D(G(z)) → 0): G's images stop improving. G can collapse onto a few images that fool D (mode collapse), and chase D from one to the next. \
               The players can take turns winning without settling, and numbers can overflow to NaN. The page names each when it happens and says what to try. \
               Another loss alone does not hold back a D that wins: what does is a constraint on D (a lower learning rate, WGAN's clipping, a gradient penalty, spectral normalisation) or augmenting what D sees. \
               Adaptive augmentation (Karras et al. 2020) does the last only as much as needed: it watches how sure D is of the real images (r_t) and shows D randomly changed images — yours and G's alike, so G is not taught to draw the changes — more often while D memorises, less when it stops.",
        "live",
    ),
    LessonStep::about(
        "Exploring z",
        "A trained G maps nearby z to similar images. Interpolate between two z (A and B) and the images morph smoothly; \
               the principal directions are those along which G's first layer changes most — often, not always, the largest changes in the image. Switch the explorer to your model to explore what it learned.",
        "explorer",
    ),
];

/// The 1-based number of the step titled `title`, if there is one (for links into the lesson).
pub fn step_titled(title: &str) -> Option<usize> {
    STEPS.iter().position(|s| s.title == title).map(|i| i + 1)
}

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
    fn fourteen_steps_that_stay_in_range_the_lab_first() {
        assert_eq!(STEPS.len(), 14);
        assert_eq!(next(14), 14);
        assert_eq!(next(3), 4);
        assert_eq!(back(1), 1);
        assert_eq!(back(4), 3);
        for (i, step) in STEPS.iter().enumerate() {
            assert!(!step.title.is_empty() && step.text.len() > 100, "{step:?}");
            assert_eq!(step.focus == "lab", i < LAB_STEPS, "{step:?}");
            assert!(
                [
                    "lab",
                    "explorer",
                    "generator",
                    "discriminator",
                    "verdict",
                    "live"
                ]
                .contains(&step.focus)
            );
            if let Some(p) = step.predict {
                assert!(p.question.ends_with('?') && p.answer.len() > 80, "{p:?}");
            }
        }
        // At least three moments where the class predicts before the lab shows.
        assert!(STEPS.iter().filter(|s| s.predict.is_some()).count() >= 3);
        // The lesson begins on a fresh game, so every class sees the same thing.
        assert_eq!(STEPS[0].cue, Some(LabCue::Fresh));
    }
}
