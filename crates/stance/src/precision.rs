//! The numeric precision an encoder runs in (`--precision`).

use serde::{Deserialize, Serialize};

/// The precision of an encoder's dense layers: `fp32` (the default) or `int8` (quantised at
/// load; see `standpoint_stance::quant` with the `model` feature).
///
/// ```
/// use standpoint_stance::Precision;
/// assert_eq!("int8".parse::<Precision>().unwrap(), Precision::Int8);
/// assert_eq!(Precision::default().to_string(), "fp32");
/// assert!("fp16".parse::<Precision>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    /// 32-bit floats throughout.
    #[default]
    Fp32,
    /// int8 weights and dynamically quantised activations in the encoder's dense layers.
    Int8,
}

impl Precision {
    /// The name (`fp32`, `int8`).
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::Fp32 => "fp32",
            Precision::Int8 => "int8",
        }
    }
}

impl std::fmt::Display for Precision {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Precision {
    type Err = String;

    fn from_str(s: &str) -> Result<Precision, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fp32" | "float32" => Ok(Precision::Fp32),
            "int8" => Ok(Precision::Int8),
            other => Err(format!("unknown precision {other:?} (fp32 or int8)")),
        }
    }
}
