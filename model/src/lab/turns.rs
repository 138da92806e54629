//! Who is ahead, step by step: D when it tells the data's points from G's (D(x) well above
//! D(G(z))), G when D rates G's points above the data's. Players that take turns being ahead
//! without settling are one of the ways the game fails; this counts the turns. Burn-free.

/// How far apart D's mean outputs must be for a player to count as ahead. Noise at the
/// equilibrium moves them by a few hundredths (batch 256); a player ahead by 0.15 is a real lead.
pub const LEAD_MARGIN: f32 = 0.15;

/// The turns in a run of leads (D(x) − D(G(z)) of each step, in order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Turns {
    /// Times the lead passed from one player to the other (each ahead by [`LEAD_MARGIN`]).
    pub changes: usize,
    /// Steps at which D was ahead.
    pub d_ahead: usize,
    /// Steps at which G was ahead.
    pub g_ahead: usize,
}

impl Turns {
    /// Counts the turns in `leads`. A lead inside the margin is nobody's and does not end a
    /// turn: D ahead, then even, then D ahead again is one turn of D's.
    pub fn of(leads: &[f32]) -> Self {
        let mut turns = Self::default();
        let mut last: Option<bool> = None; // Some(true): D was ahead last.
        for &lead in leads {
            let ahead = if lead > LEAD_MARGIN {
                turns.d_ahead += 1;
                true
            } else if lead < -LEAD_MARGIN {
                turns.g_ahead += 1;
                false
            } else {
                continue;
            };
            if last.is_some_and(|d| d != ahead) {
                turns.changes += 1;
            }
            last = Some(ahead);
        }
        turns
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lead_that_passes_back_and_forth_is_counted_and_noise_is_not() {
        assert_eq!(Turns::of(&[]), Turns::default());
        let noise = [0.05, -0.1, 0.12, -0.02, 0.0];
        assert_eq!(Turns::of(&noise).changes, 0);
        // D ahead, even, D ahead: one turn; then G ahead twice, then D: two changes.
        let turns = Turns::of(&[0.5, 0.0, 0.4, -0.3, -0.2, 0.1, 0.6]);
        assert_eq!(
            turns,
            Turns {
                changes: 2,
                d_ahead: 3,
                g_ahead: 2
            }
        );
    }
}
