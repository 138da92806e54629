//! Which compute device to train on: the user's choice, and whether a WebGPU adapter is a real
//! GPU or a software emulation that the CPU path beats (issue 13 measured, on this project's
//! machines, SwiftShader at 7 661 ms per step against the CPU path's 316 ms, batch 16).
//!
//! Plain Rust so the classification is tested natively; the worker reads the adapter's
//! `GPUAdapterInfo` and `isFallbackAdapter` and asks here.

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

/// The builds of the training worker (`app/worker`): the page starts with a small CPU one and
/// loads the WebGPU one only where it may train.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkerBuild {
    /// burn's CPU backend only, WebAssembly SIMD (`worker_cpu`): runs in every browser.
    Cpu,
    /// The same with relaxed SIMD's multiply-add in its GEMM (`worker_cpu_relaxed`), ≈9 %
    /// faster per step; a browser without relaxed SIMD cannot even compile it.
    CpuRelaxedSimd,
    /// burn's WebGPU backend and the CPU one, for a lost device (`worker`).
    WebGpu,
}

impl WorkerBuild {
    /// The script that loads it, relative to the page.
    pub fn loader(self) -> &'static str {
        match self {
            WorkerBuild::Cpu => "./worker_cpu_loader.js",
            WorkerBuild::CpuRelaxedSimd => "./worker_cpu_relaxed_loader.js",
            WorkerBuild::WebGpu => "./worker_loader.js",
        }
    }

    /// The CPU worker for a browser that has relaxed SIMD (`RELAXED_SIMD_PROBE` validates) or not.
    pub fn cpu(relaxed_simd: bool) -> Self {
        if relaxed_simd {
            WorkerBuild::CpuRelaxedSimd
        } else {
            WorkerBuild::Cpu
        }
    }
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

impl DeviceChoice {
    /// The worker that starts this choice: the WebGPU one where WebGPU was asked for; otherwise
    /// the small CPU one (with relaxed SIMD where the browser has it), which trains at once and
    /// says whether the WebGPU one is worth loading (`DeviceInfo::Cpu::webgpu_next`).
    pub fn worker(self, relaxed_simd: bool) -> WorkerBuild {
        match self {
            DeviceChoice::Gpu => WorkerBuild::WebGpu,
            DeviceChoice::Cpu | DeviceChoice::Auto | DeviceChoice::Measure => {
                WorkerBuild::cpu(relaxed_simd)
            }
        }
    }

    /// The choice a page address asks for: `cpu` or `gpu` among its query words.
    pub fn from_query(query: &str) -> Self {
        let words: Vec<&str> = query.trim_start_matches('?').split('&').collect();
        if words.contains(&"cpu") {
            DeviceChoice::Cpu
        } else if words.contains(&"gpu") {
            DeviceChoice::Gpu
        } else if words.contains(&"measure") {
            DeviceChoice::Measure
        } else {
            DeviceChoice::Auto
        }
    }

    /// `query` with this choice in place of any earlier one (`Auto` drops it), other words kept.
    pub fn in_query(self, query: &str) -> String {
        let mut words: Vec<&str> = query
            .trim_start_matches('?')
            .split('&')
            .filter(|w| !w.is_empty() && !["cpu", "gpu", "measure"].contains(w))
            .collect();
        match self {
            DeviceChoice::Cpu => words.push("cpu"),
            DeviceChoice::Gpu => words.push("gpu"),
            DeviceChoice::Measure => words.push("measure"),
            DeviceChoice::Auto => {}
        }
        if words.is_empty() {
            String::new()
        } else {
            format!("?{}", words.join("&"))
        }
    }
}

/// What the browser says about its WebGPU adapter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AdapterInfo {
    /// `GPUAdapterInfo.vendor`, e.g. "nvidia", "google".
    pub vendor: String,
    /// `GPUAdapterInfo.architecture`, e.g. "ampere", "swiftshader".
    pub architecture: String,
    /// `GPUAdapterInfo.description` (often empty).
    pub description: String,
    /// `isFallbackAdapter`: the browser itself calls it a fallback (software or limited).
    pub is_fallback: bool,
}

/// Names of software rasterisers and emulations that report themselves as adapters.
const SOFTWARE: [&str; 6] = [
    "swiftshader",
    "llvmpipe",
    "lavapipe",
    "softpipe",
    "microsoft basic render",
    "warp",
];

impl AdapterInfo {
    /// "vendor / architecture / description", the parts that are known.
    pub fn label(&self) -> String {
        let parts: Vec<&str> = [&self.vendor, &self.architecture, &self.description]
            .into_iter()
            .map(String::as_str)
            .filter(|s| !s.is_empty())
            .collect();
        if parts.is_empty() {
            "unnamed adapter".into()
        } else {
            parts.join(" / ")
        }
    }

    /// Why this adapter is a software emulation, or `None` for a real GPU.
    pub fn software(&self) -> Option<String> {
        let text = self.label().to_lowercase();
        let words: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).collect();
        // Whole words ("warp" is not "hardwarp"); names of several words as they stand.
        let named = SOFTWARE.iter().find(|name| {
            if name.contains(' ') {
                text.contains(*name)
            } else {
                words.contains(name)
            }
        });
        match (named, self.is_fallback) {
            (Some(name), _) => Some(format!(
                "the only WebGPU adapter ({}) is a software emulation ({name})",
                self.label()
            )),
            (None, true) => Some(format!(
                "the browser calls its only WebGPU adapter ({}) a fallback adapter",
                self.label()
            )),
            (None, false) => None,
        }
    }
}

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
    /// The adapter measured (`AdapterInfo::label`): another adapter is measured again.
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

    fn adapter(vendor: &str, architecture: &str, description: &str) -> AdapterInfo {
        AdapterInfo {
            vendor: vendor.into(),
            architecture: architecture.into(),
            description: description.into(),
            is_fallback: false,
        }
    }

    #[test]
    fn software_adapters_are_recognised() {
        for info in [
            adapter("google", "swiftshader", ""),
            adapter("mesa", "", "llvmpipe (LLVM 15.0.6, 256 bits)"),
            adapter("", "", "lavapipe"),
            adapter("microsoft", "", "Microsoft Basic Render Driver"),
            adapter("microsoft", "warp", ""),
            AdapterInfo {
                is_fallback: true,
                ..adapter("google", "swiftshader", "")
            },
            AdapterInfo {
                is_fallback: true,
                ..adapter("apple", "common-3", "")
            },
        ] {
            let reason = info.software();
            assert!(reason.is_some(), "{info:?} is software");
            assert!(reason.unwrap().contains(&info.label()));
        }
    }

    #[test]
    fn hardware_adapters_are_not() {
        for info in [
            adapter("nvidia", "ampere", ""),
            adapter("intel", "gen-12lp", "Intel(R) UHD Graphics 770"),
            adapter("amd", "rdna-3", ""),
            adapter("apple", "metal-3", "Apple M2"),
            adapter("qualcomm", "adreno-7xx", ""),
            adapter("", "", ""),
        ] {
            assert_eq!(info.software(), None, "{info:?}");
        }
    }

    #[test]
    fn the_choice_reads_from_and_writes_to_the_address() {
        assert_eq!(DeviceChoice::from_query(""), DeviceChoice::Auto);
        assert_eq!(DeviceChoice::from_query("?cpu"), DeviceChoice::Cpu);
        assert_eq!(
            DeviceChoice::from_query("?test-hooks&gpu"),
            DeviceChoice::Gpu
        );
        assert_eq!(DeviceChoice::from_query("?gpux"), DeviceChoice::Auto);
        assert_eq!(
            DeviceChoice::Gpu.in_query("?test-hooks&cpu"),
            "?test-hooks&gpu"
        );
        assert_eq!(DeviceChoice::Cpu.in_query(""), "?cpu");
        assert_eq!(DeviceChoice::Auto.in_query("?cpu"), "");
        assert_eq!(
            DeviceChoice::from_query("?measure&test-hooks"),
            DeviceChoice::Measure
        );
        assert_eq!(DeviceChoice::Cpu.in_query("?measure"), "?cpu");
    }

    #[test]
    fn only_a_choice_of_webgpu_starts_the_webgpu_worker() {
        for relaxed in [false, true] {
            assert_eq!(DeviceChoice::Gpu.worker(relaxed), WorkerBuild::WebGpu);
        }
        for choice in [DeviceChoice::Cpu, DeviceChoice::Auto, DeviceChoice::Measure] {
            assert_eq!(choice.worker(false), WorkerBuild::Cpu);
            assert_eq!(choice.worker(true), WorkerBuild::CpuRelaxedSimd);
        }
        let loaders = [
            WorkerBuild::Cpu,
            WorkerBuild::CpuRelaxedSimd,
            WorkerBuild::WebGpu,
        ]
        .map(WorkerBuild::loader);
        assert!(loaders[0] != loaders[1] && loaders[1] != loaders[2] && loaders[0] != loaders[2]);
    }

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
