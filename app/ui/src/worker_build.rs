//! Which build of the training worker the page starts, and the device choice in the page's
//! address (`?cpu`, `?gpu`, `?measure`): the page's side of [`protocol::device`].

use protocol::device::DeviceChoice;

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

    /// The CPU worker for a browser that has relaxed SIMD ([`protocol::device::RELAXED_SIMD_PROBE`] validates) or not.
    pub fn cpu(relaxed_simd: bool) -> Self {
        if relaxed_simd {
            WorkerBuild::CpuRelaxedSimd
        } else {
            WorkerBuild::Cpu
        }
    }
}

/// The worker that starts `choice`: the WebGPU one where WebGPU was asked for; otherwise the
/// small CPU one (with relaxed SIMD where the browser has it), which trains at once and says
/// whether the WebGPU one is worth loading (`DeviceInfo::Cpu::webgpu_next`).
pub fn worker_for(choice: DeviceChoice, relaxed_simd: bool) -> WorkerBuild {
    match choice {
        DeviceChoice::Gpu => WorkerBuild::WebGpu,
        DeviceChoice::Cpu | DeviceChoice::Auto | DeviceChoice::Measure => {
            WorkerBuild::cpu(relaxed_simd)
        }
    }
}

/// The choice a page address asks for: `cpu`, `gpu` or `measure` among its query words.
pub fn choice_from_query(query: &str) -> DeviceChoice {
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

/// `query` with `choice` in place of any earlier one (`Auto` drops it), other words kept.
pub fn query_with_choice(choice: DeviceChoice, query: &str) -> String {
    let mut words: Vec<&str> = query
        .trim_start_matches('?')
        .split('&')
        .filter(|w| !w.is_empty() && !["cpu", "gpu", "measure"].contains(w))
        .collect();
    match choice {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choice_reads_from_and_writes_to_the_address() {
        assert_eq!(choice_from_query(""), DeviceChoice::Auto);
        assert_eq!(choice_from_query("?cpu"), DeviceChoice::Cpu);
        assert_eq!(choice_from_query("?test-hooks&gpu"), DeviceChoice::Gpu);
        assert_eq!(choice_from_query("?gpux"), DeviceChoice::Auto);
        assert_eq!(
            query_with_choice(DeviceChoice::Gpu, "?test-hooks&cpu"),
            "?test-hooks&gpu"
        );
        assert_eq!(query_with_choice(DeviceChoice::Cpu, ""), "?cpu");
        assert_eq!(query_with_choice(DeviceChoice::Auto, "?cpu"), "");
        assert_eq!(
            choice_from_query("?measure&test-hooks"),
            DeviceChoice::Measure
        );
        assert_eq!(query_with_choice(DeviceChoice::Cpu, "?measure"), "?cpu");
    }

    #[test]
    fn only_a_choice_of_webgpu_starts_the_webgpu_worker() {
        for relaxed in [false, true] {
            assert_eq!(worker_for(DeviceChoice::Gpu, relaxed), WorkerBuild::WebGpu);
        }
        for choice in [DeviceChoice::Cpu, DeviceChoice::Auto, DeviceChoice::Measure] {
            assert_eq!(worker_for(choice, false), WorkerBuild::Cpu);
            assert_eq!(worker_for(choice, true), WorkerBuild::CpuRelaxedSimd);
        }
        let loaders = [
            WorkerBuild::Cpu,
            WorkerBuild::CpuRelaxedSimd,
            WorkerBuild::WebGpu,
        ]
        .map(WorkerBuild::loader);
        assert!(loaders[0] != loaders[1] && loaders[1] != loaders[2] && loaders[0] != loaders[2]);
    }
}
