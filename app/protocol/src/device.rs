//! Which compute device trains: the user's choice, and both devices' timing, which the worker
//! measures and the page shows. The page's side (which worker build, the choice in the address)
//! is `ui::worker_build`; the worker's (is the adapter a real GPU) is `worker::adapter`.

use serde::{Deserialize, Serialize};

/// The device the user asked for (`?cpu`, `?gpu` in the address, or the device control).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum DeviceChoice {
    /// WebGPU on a hardware adapter, else the CPU.
    #[default]
    Auto,
    /// WebGPU on whatever adapter the browser gives, software or not.
    Gpu,
    /// The CPU, whatever the browser has.
    Cpu,
    /// Time both devices and train on the faster, even where the adapter names itself a
    /// software one (`?measure`; what `Auto` does on a hardware adapter).
    Measure,
}

/// The smallest WebAssembly module that uses relaxed SIMD: `(func (param v128 v128 v128)
/// (result v128) local.get 0 local.get 1 local.get 2 f32x4.relaxed_madd)`. Where
/// `WebAssembly.validate` accepts it, the engine has the relaxed-SIMD worker's instructions.
/// The service worker (`app/sw.js`) asks the same, to keep the CPU worker the page will load.
pub const RELAXED_SIMD_PROBE: [u8; 37] = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // type: (v128 ×3) -> v128
    0x03, 0x02, 0x01, 0x00, // function 0 has type 0
    0x0a, 0x0d, 0x01, 0x0b, 0x00, // code: one body of 11 bytes, no locals
    0x20, 0x00, 0x20, 0x01, 0x20, 0x02, // local.get 0, 1, 2
    0xfd, 0x85, 0x02, 0x0b, // f32x4.relaxed_madd (0xfd 0x105), end
];

/// How long one device took per training step of the page's default model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Timing {
    /// The median of the warm steps (the first step, which compiles WebGPU's kernels, excluded).
    PerStep(f64),
    /// The measurement ran out of time: a step takes at least this long.
    AtLeast(f64),
    /// The device could not train.
    Failed(String),
}

impl Timing {
    /// The median of `warm` step times, or `None` when there are none.
    pub fn median(mut warm: Vec<f64>) -> Option<Timing> {
        warm.retain(|ms| ms.is_finite());
        warm.sort_by(f64::total_cmp);
        let n = warm.len();
        (n > 0).then(|| Timing::PerStep((warm[(n - 1) / 2] + warm[n / 2]) / 2.0))
    }

    /// Milliseconds per step as far as known (a lower bound for `AtLeast`).
    fn ms(&self) -> Option<f64> {
        match self {
            Timing::PerStep(ms) | Timing::AtLeast(ms) => Some(*ms),
            Timing::Failed(_) => None,
        }
    }

    fn describe(&self) -> String {
        match self {
            Timing::PerStep(ms) => format!("{ms:.0} ms"),
            Timing::AtLeast(ms) => format!("over {ms:.0} ms"),
            Timing::Failed(why) => format!("failed ({why})"),
        }
    }
}

/// Both devices timed on the same model, once per session (the page keeps it in
/// `sessionStorage` so a reload does not measure again).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceMeasurement {
    /// The adapter measured (the worker's `adapter::AdapterInfo::label`): another adapter is measured again.
    pub adapter: String,
    /// Images per step in the measured model.
    pub batch: usize,
    /// The CPU path (WebAssembly, SIMD, one thread).
    pub cpu: Timing,
    /// WebGPU on `adapter`.
    pub gpu: Timing,
    /// True when this comes from earlier in the session rather than from this start.
    pub remembered: bool,
}

impl DeviceMeasurement {
    /// The faster device: `Cpu` or `Gpu`. A lower bound loses to a measured time below it; with
    /// nothing to compare, the GPU (the adapter is a real one or the user asked to measure it).
    pub fn winner(&self) -> DeviceChoice {
        match (&self.cpu, &self.gpu) {
            (_, Timing::Failed(_)) => DeviceChoice::Cpu,
            (Timing::Failed(_), _) => DeviceChoice::Gpu,
            (Timing::PerStep(cpu), Timing::AtLeast(gpu)) if cpu < gpu => DeviceChoice::Cpu,
            (_, Timing::AtLeast(_)) => DeviceChoice::Gpu,
            (Timing::AtLeast(cpu), Timing::PerStep(gpu)) if cpu > gpu => DeviceChoice::Gpu,
            (Timing::AtLeast(_), Timing::PerStep(_)) => DeviceChoice::Cpu,
            (Timing::PerStep(cpu), Timing::PerStep(gpu)) if cpu < gpu => DeviceChoice::Cpu,
            (Timing::PerStep(_), Timing::PerStep(_)) => DeviceChoice::Gpu,
        }
    }

    /// What the page says: which is faster, by how much, and both times.
    pub fn summary(&self) -> String {
        let (winner, loser, name, other) = match self.winner() {
            DeviceChoice::Cpu => (&self.cpu, &self.gpu, "the CPU", "WebGPU"),
            _ => (&self.gpu, &self.cpu, "WebGPU", "the CPU"),
        };
        let by = match (winner.ms(), loser.ms()) {
            (Some(w), Some(l)) if w > 0.0 => {
                let ratio = l / w;
                let more = if matches!(loser, Timing::AtLeast(_)) {
                    "over "
                } else {
                    ""
                };
                format!(" {more}{ratio:.1}× faster than {other}")
            }
            _ => format!(" faster than {other}"),
        };
        let when = if self.remembered {
            "measured earlier in this session"
        } else {
            "measured just now"
        };
        format!(
            "{name} is{by} here: {} per step on the CPU, {} on WebGPU (batch {}, {when})",
            self.cpu.describe(),
            self.gpu.describe(),
            self.batch
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The service worker keeps the CPU worker the page will load only if both ask the same
    /// question: `app/sw.js` must hold this probe byte for byte.
    #[test]
    fn the_service_worker_probes_relaxed_simd_with_the_same_module() {
        let sw = include_str!("../../sw.js");
        let start = sw
            .find("const RELAXED_SIMD_PROBE = new Uint8Array([")
            .expect("app/sw.js declares RELAXED_SIMD_PROBE");
        let list = &sw[start..];
        let list = &list[list.find('[').unwrap() + 1..list.find(']').unwrap()];
        let bytes: Vec<u8> = list
            .lines()
            .flat_map(|line| line.split("//").next().unwrap().split(','))
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .map(|b| u8::from_str_radix(b.trim_start_matches("0x"), 16).unwrap())
            .collect();
        assert_eq!(bytes, RELAXED_SIMD_PROBE);
    }

    /// The probe's sections are as long as they say: a miscounted byte would make every browser
    /// "lack" relaxed SIMD and load the slower worker without a word.
    #[test]
    fn the_relaxed_simd_probe_is_a_well_formed_module() {
        let p = &RELAXED_SIMD_PROBE;
        assert_eq!(&p[..8], b"\0asm\x01\0\0\0");
        let mut at = 8;
        let mut ids = Vec::new();
        while at < p.len() {
            ids.push(p[at]);
            at += 2 + usize::from(p[at + 1]);
        }
        assert_eq!(at, p.len(), "the sections end where the module does");
        assert_eq!(ids, [1, 3, 10], "type, function and code sections");
        // The one body: its own length, then the 0xfd-prefixed opcode 0x105 (LEB128 0x85 0x02).
        assert_eq!(usize::from(p[25]), p.len() - 26);
        assert_eq!(&p[p.len() - 4..], [0xfd, 0x85, 0x02, 0x0b]);
    }

    fn measured(cpu: Timing, gpu: Timing) -> DeviceMeasurement {
        DeviceMeasurement {
            adapter: "nvidia / ampere".into(),
            batch: 16,
            cpu,
            gpu,
            remembered: false,
        }
    }

    #[test]
    fn the_median_leaves_out_nothing_but_non_finite_times() {
        assert_eq!(
            Timing::median(vec![30.0, 10.0, 20.0]),
            Some(Timing::PerStep(20.0))
        );
        assert_eq!(
            Timing::median(vec![40.0, 10.0, f64::NAN, 20.0, 30.0]),
            Some(Timing::PerStep(25.0))
        );
        assert_eq!(Timing::median(vec![]), None);
    }

    #[test]
    fn the_faster_device_wins_and_the_page_says_by_how_much() {
        let gpu_wins = measured(Timing::PerStep(316.0), Timing::PerStep(25.0));
        assert_eq!(gpu_wins.winner(), DeviceChoice::Gpu);
        let text = gpu_wins.summary();
        assert!(
            text.starts_with("WebGPU is 12.6× faster than the CPU"),
            "{text}"
        );
        assert!(
            text.contains("316 ms per step on the CPU, 25 ms on WebGPU"),
            "{text}"
        );

        let cpu_wins = measured(Timing::PerStep(316.0), Timing::PerStep(7661.0));
        assert_eq!(cpu_wins.winner(), DeviceChoice::Cpu);
        assert!(
            cpu_wins
                .summary()
                .starts_with("the CPU is 24.2× faster than WebGPU")
        );
    }

    #[test]
    fn a_step_that_ran_out_of_time_is_a_lower_bound() {
        let slow_gpu = measured(Timing::PerStep(316.0), Timing::AtLeast(6000.0));
        assert_eq!(slow_gpu.winner(), DeviceChoice::Cpu);
        assert!(
            slow_gpu.summary().contains("over 19.0× faster"),
            "{}",
            slow_gpu.summary()
        );
        assert!(slow_gpu.summary().contains("over 6000 ms on WebGPU"));
        // A lower bound under the other's time says nothing: the GPU is given the benefit.
        let unclear = measured(Timing::PerStep(8000.0), Timing::AtLeast(6000.0));
        assert_eq!(unclear.winner(), DeviceChoice::Gpu);
        let slow_cpu = measured(Timing::AtLeast(3000.0), Timing::PerStep(40.0));
        assert_eq!(slow_cpu.winner(), DeviceChoice::Gpu);
        assert_eq!(
            measured(Timing::AtLeast(30.0), Timing::PerStep(40.0)).winner(),
            DeviceChoice::Cpu
        );
    }

    #[test]
    fn a_device_that_failed_loses() {
        let failed = measured(Timing::PerStep(316.0), Timing::Failed("lost".into()));
        assert_eq!(failed.winner(), DeviceChoice::Cpu);
        assert!(failed.summary().contains("failed (lost)"));
        assert_eq!(
            measured(Timing::Failed("x".into()), Timing::AtLeast(9.0)).winner(),
            DeviceChoice::Gpu
        );
    }
}
