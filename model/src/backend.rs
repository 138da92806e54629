//! Which burn backend runs the networks, chosen by name at run time: `gan-train --backend` and
//! the train-step benchmark's `TRAIN_STEP_BACKEND`.
//!
//! The GPU backends are opt-in features, slow to build. Fusion and autotune are features of
//! burn's GPU crates, so they are on or off for every GPU backend of one build: `vulkan` and
//! `cuda` turn them on, `wgpu` alone leaves them off (WGSL through wgpu, as the page's WebGPU
//! worker runs).

use burn::tensor::Device;

/// A burn backend this crate can train on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Backend {
    /// burn's CPU backend (flex), multi-threaded.
    Cpu,
    /// burn's wgpu backend (Vulkan, Metal or DX12) with WGSL shaders; needs the `wgpu` feature.
    Wgpu,
    /// burn's wgpu backend pinned to Vulkan (SPIR-V), fusion and autotune on; needs the
    /// `vulkan` feature.
    Vulkan,
    /// burn's CUDA backend, fusion and autotune on; needs the `cuda` feature.
    Cuda,
}

impl Backend {
    /// Every backend, built or not.
    pub const ALL: [Backend; 4] = [Backend::Cpu, Backend::Wgpu, Backend::Vulkan, Backend::Cuda];

    /// The name `--backend` takes, and the feature that builds it (but `cpu`'s, `flex`).
    pub fn name(self) -> &'static str {
        match self {
            Backend::Cpu => "cpu",
            Backend::Wgpu => "wgpu",
            Backend::Vulkan => "vulkan",
            Backend::Cuda => "cuda",
        }
    }

    /// Whether this build has the backend.
    pub fn is_built(self) -> bool {
        match self {
            Backend::Cpu => cfg!(feature = "flex"),
            Backend::Wgpu => cfg!(feature = "wgpu"),
            Backend::Vulkan => cfg!(feature = "vulkan"),
            Backend::Cuda => cfg!(feature = "cuda"),
        }
    }

    /// The backend's default device (the first GPU), or why this build cannot give it.
    pub fn device(self) -> Result<Device, String> {
        match self {
            #[cfg(feature = "flex")]
            Backend::Cpu => Ok(Device::flex()),
            #[cfg(feature = "wgpu")]
            Backend::Wgpu => Ok(Device::wgpu(burn::tensor::DeviceKind::DefaultDevice)),
            #[cfg(feature = "vulkan")]
            Backend::Vulkan => Ok(Device::vulkan(burn::tensor::DeviceKind::DefaultDevice)),
            #[cfg(feature = "cuda")]
            Backend::Cuda => Ok(Device::cuda(0)),
            // Unreachable when every backend is built.
            #[allow(unreachable_patterns)]
            other => Err(format!(
                "this build has no {} backend: rebuild with the feature `{}`",
                other.name(),
                if other == Backend::Cpu {
                    "flex"
                } else {
                    other.name()
                }
            )),
        }
    }
}

impl std::str::FromStr for Backend {
    type Err = String;

    /// One of [`Backend::name`]'s names.
    fn from_str(name: &str) -> Result<Self, String> {
        Backend::ALL
            .into_iter()
            .find(|b| b.name() == name)
            .ok_or_else(|| format!("no backend named {name:?}: cpu, wgpu, vulkan or cuda"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back() {
        for backend in Backend::ALL {
            assert_eq!(backend.name().parse::<Backend>(), Ok(backend));
        }
        assert!(
            "webgpu"
                .parse::<Backend>()
                .unwrap_err()
                .contains("cpu, wgpu")
        );
    }

    #[test]
    fn a_backend_not_built_says_which_feature_builds_it() {
        for backend in Backend::ALL.into_iter().filter(|b| !b.is_built()) {
            let error = backend.device().unwrap_err();
            assert!(error.contains(&format!("`{}`", backend.name())), "{error}");
        }
    }

    #[cfg(feature = "flex")]
    #[test]
    fn the_cpu_backend_gives_a_device() {
        assert!(Backend::Cpu.device().is_ok());
    }
}
