//! What a run prints and logs: lines above the progress bar, the progress line, `--log-csv`.

use indicatif::ProgressBar;
use model::{Gan, StepValues};

/// A line above the progress bar, or on stderr where there is no bar (not a terminal).
pub fn say(bar: &ProgressBar, line: impl AsRef<str>) {
    if bar.is_hidden() {
        eprintln!("{}", line.as_ref());
    } else {
        bar.println(line);
    }
}

/// Per batch-norm layer (generator first): mean running variance and mean |running mean|.
fn batch_norm_stats(gan: &Gan) -> Vec<f32> {
    let norms = gan
        .generator
        .blocks
        .iter()
        .map(|b| &b.norm)
        .chain(gan.discriminator.blocks.iter().map(|b| &b.norm));
    norms
        .flat_map(|n| {
            // `value_sync`: the latest update waits in a per-thread slot until synchronised.
            let var = n.running_var.value_sync().mean().into_scalar();
            let mean = n.running_mean.value_sync().abs().mean().into_scalar();
            [var, mean]
        })
        .collect()
}

/// `--log-csv`'s columns for `gan`.
pub fn csv_header(gan: &Gan) -> String {
    let mut cols = vec![
        "step", "d_loss", "g_loss", "d_real", "d_fake", "g_grad", "d_grad",
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    for (net, count) in [
        ("g", gan.generator.blocks.len()),
        ("d", gan.discriminator.blocks.len()),
    ] {
        for i in 0..count {
            cols.push(format!("{net}_bn{i}_var"));
            cols.push(format!("{net}_bn{i}_absmean"));
        }
    }
    if gan.ada.is_some() {
        cols.extend(["ada_p".into(), "ada_rt".into()]);
    }
    cols.join(",")
}

/// `--log-csv`'s line of step `gan.step` with its values `v`.
pub fn csv_line(gan: &Gan, v: &StepValues) -> String {
    let cell = |v: Option<f32>| v.map(|v| format!("{v:.6}")).unwrap_or_default();
    let mut line = vec![gan.step.to_string()];
    line.extend(
        [
            v.d_loss,
            v.g_loss,
            v.d_real,
            v.d_fake,
            v.g_grad_norm,
            v.d_grad_norm,
        ]
        .map(cell),
    );
    line.extend(batch_norm_stats(gan).iter().map(|v| format!("{v:.6}")));
    if gan.ada.is_some() {
        line.extend([v.ada_probability, v.ada_overfitting].map(cell));
    }
    line.join(",")
}

/// The progress bar's message: losses, D's outputs, the epoch and adaptive augmentation's p and
/// r_t where it is on.
pub fn progress(v: &StepValues, epoch: usize) -> String {
    let ada = match (v.ada_probability, v.ada_overfitting) {
        (Some(p), Some(r)) => format!(" augment p {p:.3} r_t {r:.2}"),
        _ => String::new(),
    };
    format!(
        "D {:.3} G {:.3} D(x) {:.2} D(G(z)) {:.2} epoch {epoch}{ada}",
        v.d_loss.unwrap_or(f32::NAN),
        v.g_loss.unwrap_or(f32::NAN),
        v.d_real.unwrap_or(f32::NAN),
        v.d_fake.unwrap_or(f32::NAN),
    )
}
