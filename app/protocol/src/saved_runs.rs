//! Runs autosaved in the browser: what is listed about each, and the page's own part of a project
//! file. Which run a new tab offers and which old ones make room is the page's
//! (`ui::saved_runs`); the storage itself is `store.rs` (browser only).

use serde::{Deserialize, Serialize};

use crate::history::{History, StepReport};

/// A run saved in the browser, as listed (its project file is stored beside it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedRun {
    /// The tab's run it belongs to (each tab saves under its own, so two tabs never overwrite
    /// each other's work).
    pub run_id: String,
    /// Generator updates done.
    pub step: u64,
    /// The user's images in it.
    pub images: usize,
    /// When it was written (ms since the Unix epoch).
    pub saved_at_ms: f64,
    /// Size of its project file.
    pub bytes: usize,
}

/// The page's part of a project file: what the charts and the explorer showed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PageSnapshot {
    /// The loss and D-output charts.
    pub history: History,
    /// The last step's report (step, epoch, values).
    pub last_step: Option<StepReport>,
    /// The latest quality measure: (step, SWD×10³, diversity).
    pub quality: Option<(u64, f32, f32)>,
    /// The explorer's view, as the address's hash (the page's `view_state`).
    pub view: String,
}

impl PageSnapshot {
    /// As stored in a project file.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("a page snapshot serialises")
    }

    /// From a project file; a file without one (the native trainer's) gives the empty page.
    pub fn from_json(value: &serde_json::Value) -> Self {
        serde_json::from_value(value.clone()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_snapshot_round_trips_and_a_native_project_has_an_empty_one() {
        let mut history = History::default();
        history.push(
            1,
            model::StepValues {
                d_loss: Some(1.0),
                ..Default::default()
            },
        );
        let page = PageSnapshot {
            history,
            last_step: None,
            quality: Some((500, 42.0, 0.9)),
            view: "#explore&z=abc".into(),
        };
        assert_eq!(PageSnapshot::from_json(&page.to_json()), page);
        assert_eq!(
            PageSnapshot::from_json(&serde_json::Value::Null),
            PageSnapshot::default()
        );
    }
}
