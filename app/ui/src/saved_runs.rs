//! Runs autosaved in the browser, as the page treats them: which one a newly opened tab offers to
//! resume, which old ones make room, and how their age and size read. Plain logic, tested
//! natively; what is listed about each run is [`protocol::saved_runs::SavedRun`].

use protocol::saved_runs::SavedRun;

/// Saved runs kept at most; older ones that no open tab holds are deleted on the next save.
pub const KEEP_RUNS: usize = 3;

/// Which saved run a page just opened offers to resume: this tab's own (a reload), else the
/// newest one that no open tab holds (`held`: run ids other tabs have locked).
pub fn run_to_offer<'a>(
    runs: &'a [SavedRun],
    own: Option<&str>,
    held: &[String],
) -> Option<&'a SavedRun> {
    if let Some(own) = runs.iter().find(|r| Some(r.run_id.as_str()) == own) {
        return Some(own);
    }
    runs.iter()
        .filter(|r| !held.contains(&r.run_id))
        .max_by(|a, b| a.saved_at_ms.total_cmp(&b.saved_at_ms))
}

/// The runs to delete so that at most [`KEEP_RUNS`] stay: the oldest, never `current` nor
/// one another tab holds.
pub fn runs_to_prune(runs: &[SavedRun], current: &str, held: &[String]) -> Vec<String> {
    let mut oldest_first: Vec<&SavedRun> = runs.iter().collect();
    oldest_first.sort_by(|a, b| a.saved_at_ms.total_cmp(&b.saved_at_ms));
    let excess = runs.len().saturating_sub(KEEP_RUNS);
    oldest_first
        .into_iter()
        .filter(|r| r.run_id != current && !held.contains(&r.run_id))
        .take(excess)
        .map(|r| r.run_id.clone())
        .collect()
}

/// "12 s ago", "3 min ago", "2 h ago", "4 days ago".
pub fn age_text(ms: f64) -> String {
    let s = (ms / 1000.0).max(0.0).round() as u64;
    match s {
        0..60 => format!("{s} s ago"),
        60..3600 => format!("{} min ago", s / 60),
        3600..86_400 => format!("{} h ago", s / 3600),
        _ => match s / 86_400 {
            1 => "1 day ago".to_string(),
            days => format!("{days} days ago"),
        },
    }
}

/// "3.4 MB" and the like.
pub fn size_text(bytes: f64) -> String {
    match bytes {
        b if b >= 1e9 => format!("{:.1} GB", b / 1e9),
        b if b >= 1e6 => format!("{:.1} MB", b / 1e6),
        b => format!("{:.0} kB", (b / 1e3).ceil()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(id: &str, at: f64) -> SavedRun {
        SavedRun {
            run_id: id.into(),
            step: 10,
            images: 0,
            saved_at_ms: at,
            bytes: 100,
        }
    }

    #[test]
    fn a_reload_offers_its_own_run_and_a_new_tab_the_newest_free_one() {
        let runs = [run("a", 1.0), run("b", 3.0), run("c", 2.0)];
        let held = vec!["b".to_string()];
        // A reload: its own run, even the older one and even while the old page's lock lingers.
        assert_eq!(run_to_offer(&runs, Some("a"), &held).unwrap().run_id, "a");
        assert_eq!(run_to_offer(&runs, Some("b"), &held).unwrap().run_id, "b");
        // A new tab: the newest run no open tab holds (b is another tab's).
        assert_eq!(run_to_offer(&runs, None, &held).unwrap().run_id, "c");
        assert_eq!(run_to_offer(&runs, Some("z"), &[]).unwrap().run_id, "b");
        let all: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        assert!(run_to_offer(&runs, None, &all).is_none());
        assert!(run_to_offer(&[], Some("a"), &[]).is_none());
    }

    #[test]
    fn pruning_keeps_the_newest_and_never_a_live_tabs_run() {
        let runs: Vec<SavedRun> = (0..5).map(|i| run(&format!("r{i}"), i as f64)).collect();
        assert_eq!(runs_to_prune(&runs, "r4", &[]), ["r0", "r1"]);
        // r0 is another tab's and r1 is this tab's: the next oldest go instead.
        let held = vec!["r0".to_string()];
        assert_eq!(runs_to_prune(&runs, "r1", &held), ["r2", "r3"]);
        assert!(runs_to_prune(&runs[..3], "r0", &[]).is_empty());
    }

    #[test]
    fn ages_and_sizes_read_naturally() {
        assert_eq!(age_text(12_400.0), "12 s ago");
        assert_eq!(age_text(-5.0), "0 s ago");
        assert_eq!(age_text(185_000.0), "3 min ago");
        assert_eq!(age_text(2.5 * 3600e3), "2 h ago");
        assert_eq!(age_text(86_400e3 * 1.2), "1 day ago");
        assert_eq!(age_text(86_400e3 * 4.0), "4 days ago");
        assert_eq!(size_text(3_400_000.0), "3.4 MB");
        assert_eq!(size_text(1_200.0), "2 kB");
        assert_eq!(size_text(2.1e9), "2.1 GB");
    }
}
