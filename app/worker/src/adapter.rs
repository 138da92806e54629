//! Whether the browser's WebGPU adapter is a real GPU or a software emulation that the CPU path
//! beats (issue 13 measured, on this project's machines, SwiftShader at 7 661 ms per step against
//! the CPU path's 316 ms, batch 16). Plain Rust so the classification is tested natively; the
//! worker reads the adapter's `GPUAdapterInfo` and `isFallbackAdapter` and asks here.

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
}
