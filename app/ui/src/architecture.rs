//! How the architecture view writes the networks' numbers (plain, tested natively).

use model::anatomy::LayerSummary;

/// `n` with thin spaces between thousands: 1 234 567.
pub fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{2009}');
        }
        out.push(c);
    }
    out
}

/// A shape as the view prints it: `[16, 256, 4, 4]`.
pub fn shape(output: [usize; 4]) -> String {
    let [b, c, h, w] = output;
    format!("[{b}, {c}, {h}, {w}]")
}

/// The trainable parameters of a network.
pub fn total(layers: &[LayerSummary]) -> usize {
    layers.iter().map(|l| l.parameters).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_a_class_reads_them() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(131_584), "131\u{2009}584");
        assert_eq!(grouped(3_576_704), "3\u{2009}576\u{2009}704");
        assert_eq!(shape([16, 256, 4, 4]), "[16, 256, 4, 4]");
        let layer = |parameters| LayerSummary {
            operation: String::new(),
            output: [1, 1, 1, 1],
            parameters,
        };
        assert_eq!(total(&[layer(0), layer(5), layer(7)]), 12);
    }
}
