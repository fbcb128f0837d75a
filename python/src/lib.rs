//! The `standpoint` Python package's native module (`standpoint._standpoint`): segmentation
//! and attribution with byte *and* character offsets (Python slices strings by characters), and
//! the stance classifiers (libtorch, GIL released while they compute). Built with maturin
//! (`pip install ./python`); the Python layer is `python/standpoint/`.

use std::path::PathBuf;
use std::sync::Mutex;

use numpy::{PyArray3, PyArrayMethods};
use pyo3::create_exception;
use pyo3::exceptions::{PyOSError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use standpoint_stance::{BoxedClassifier, Error as StanceError, Precision};

create_exception!(
    standpoint,
    ModelError,
    PyOSError,
    "A model, its manifest or its encoder could not be loaded (missing or broken files), or \
     the model failed while reading."
);
create_exception!(
    standpoint,
    InputError,
    PyValueError,
    "Input the library refuses, with the message the command-line tool gives."
);

/// Character offset of every byte offset that starts a character (and of the end): byte
/// offsets from the Rust crates become Python string indices.
struct CharIndex {
    /// `chars[b]` = number of characters before byte `b` (valid at character starts).
    chars: Vec<usize>,
}

impl CharIndex {
    fn new(text: &str) -> CharIndex {
        let mut chars = vec![0; text.len() + 1];
        let mut n = 0;
        for (b, c) in text.char_indices() {
            for slot in &mut chars[b..b + c.len_utf8()] {
                *slot = n;
            }
            n += 1;
        }
        chars[text.len()] = n;
        CharIndex { chars }
    }

    fn at(&self, byte: usize) -> usize {
        self.chars[byte.min(self.chars.len() - 1)]
    }
}

/// A span of the document: `start`/`end` in bytes of its UTF-8 encoding, `char_start`/`char_end`
/// in characters (`text[char_start:char_end]` in Python), and its text.
#[pyclass(frozen, get_all, module = "standpoint")]
#[derive(Clone)]
struct Span {
    start: usize,
    end: usize,
    char_start: usize,
    char_end: usize,
    text: String,
}

#[pymethods]
impl Span {
    fn __repr__(&self) -> String {
        format!(
            "Span({}..{}, {:?})",
            self.char_start, self.char_end, self.text
        )
    }
}

impl Span {
    fn new(text: &str, index: &CharIndex, start: usize, end: usize) -> Span {
        Span {
            start,
            end,
            char_start: index.at(start),
            char_end: index.at(end),
            text: text.get(start..end).unwrap_or_default().to_string(),
        }
    }
}

/// One sentence: offsets as in `Span`, and the paragraph it belongs to (0-based).
#[pyclass(frozen, get_all, module = "standpoint")]
#[derive(Clone)]
struct Sentence {
    index: usize,
    start: usize,
    end: usize,
    char_start: usize,
    char_end: usize,
    paragraph: usize,
    text: String,
}

#[pymethods]
impl Sentence {
    fn __repr__(&self) -> String {
        format!(
            "Sentence({}, {}..{}, {:?})",
            self.index, self.char_start, self.char_end, self.text
        )
    }
}

/// One quote or piece of reported speech: its content span(s), cue(s), source mention, the
/// resolved speaker and role, and whether it is a direct quote.
#[pyclass(frozen, get_all, module = "standpoint")]
#[derive(Clone)]
struct Attribution {
    content: Vec<Span>,
    cue: Vec<Span>,
    source: Option<Span>,
    speaker: Option<String>,
    role: Option<String>,
    direct: bool,
}

#[pymethods]
impl Attribution {
    fn __repr__(&self) -> String {
        format!(
            "Attribution(speaker={:?}, direct={}, content={:?})",
            self.speaker,
            if self.direct { "True" } else { "False" },
            self.content
                .iter()
                .map(|s| s.text.as_str())
                .collect::<Vec<_>>()
        )
    }
}

/// segment(text) -> list[Sentence]
///
/// Splits a document into sentences (the same segmenter as `standpoint segment`).
#[pyfunction]
fn segment(py: Python<'_>, text: &str) -> Vec<Sentence> {
    py.allow_threads(|| {
        let index = CharIndex::new(text);
        standpoint_segment::Segmenter::default()
            .sentences(text)
            .enumerate()
            .map(|(i, s)| Sentence {
                index: i,
                start: s.start,
                end: s.end,
                char_start: index.at(s.start),
                char_end: index.at(s.end),
                paragraph: s.paragraph,
                text: s.text(text).to_string(),
            })
            .collect()
    })
}

/// attribute(text) -> list[Attribution]
///
/// Finds who said what (the rules of `standpoint attribute`): quotes, reported speech, cues,
/// sources and speakers resolved within the document.
#[pyfunction]
fn attribute(py: Python<'_>, text: &str) -> Vec<Attribution> {
    py.allow_threads(|| {
        let index = CharIndex::new(text);
        let span = |s: &standpoint_attribute::Span| Span::new(text, &index, s.start, s.end);
        standpoint_attribute::Attributor::default()
            .attribute(text)
            .iter()
            .map(|a| Attribution {
                content: a.content.iter().map(span).collect(),
                cue: a.cue.iter().map(span).collect(),
                source: a.source.as_ref().map(span),
                speaker: a.speaker.clone(),
                role: a.role.clone(),
                direct: a.direct,
            })
            .collect()
    })
}

/// The classifier behind `standpoint.Classifier` (the Python layer resolves names and the
/// encoder). Calls from several Python threads take turns (a lock, waited for with the GIL
/// released); each call releases the GIL while the model computes.
#[pyclass(module = "standpoint")]
struct NativeClassifier {
    inner: Mutex<BoxedClassifier>,
    manifest: PathBuf,
    precision: Precision,
}

/// The precision named `name` ("fp32" / "int8"), fp32 where this machine cannot run int8.
fn usable_precision(name: &str) -> PyResult<Precision> {
    let asked: Precision = name.parse().map_err(InputError::new_err)?;
    Ok(standpoint_stance::usable_precision(asked).0)
}

fn model_error(e: StanceError) -> PyErr {
    ModelError::new_err(e.to_string())
}

#[pymethods]
impl NativeClassifier {
    #[new]
    #[pyo3(signature = (manifest, encoder_dir, precision = "fp32", threads = None))]
    fn new(
        py: Python<'_>,
        manifest: PathBuf,
        encoder_dir: PathBuf,
        precision: &str,
        threads: Option<usize>,
    ) -> PyResult<NativeClassifier> {
        let precision = usable_precision(precision)?;
        if let Some(0) = threads {
            return Err(InputError::new_err("threads must be at least 1"));
        }
        let paths = standpoint_stance::factory::ModelPaths {
            encoder_dir,
            precision,
        };
        let inner = py
            .allow_threads(|| {
                standpoint_stance::set_threads(threads);
                standpoint_stance::factory::load_classifier(&manifest, &paths)
            })
            .map_err(model_error)?;
        Ok(NativeClassifier {
            inner: Mutex::new(inner),
            manifest,
            precision,
        })
    }

    /// predict(texts, targets) -> numpy.ndarray of shape (len(texts), len(targets), 3)
    fn predict<'py>(
        &self,
        py: Python<'py>,
        texts: Vec<String>,
        targets: Vec<String>,
    ) -> PyResult<Bound<'py, PyArray3<f32>>> {
        if let Some(i) = targets.iter().position(|t| t.trim().is_empty()) {
            return Err(InputError::new_err(format!("target {i} is empty")));
        }
        let (n, m) = (texts.len(), targets.len());
        let probs = py
            .allow_threads(|| {
                if n == 0 || m == 0 {
                    return Ok(Vec::new());
                }
                let s: Vec<&str> = texts.iter().map(String::as_str).collect();
                let t: Vec<&str> = targets.iter().map(String::as_str).collect();
                // A panic in another call leaves the model as it was (inference only).
                let clf = self.inner.lock().unwrap_or_else(|e| e.into_inner());
                clf.predict(&s, &t)
            })
            .map_err(model_error)?;
        if probs.len() != n * m {
            return Err(ModelError::new_err(format!(
                "the model gave {} probabilities for {n} x {m} pairs",
                probs.len()
            )));
        }
        let flat: Vec<f32> = probs
            .iter()
            .flat_map(|p| [p.favor, p.against, p.none])
            .collect();
        let array = numpy::PyArray1::from_vec(py, flat);
        array
            .reshape([n, m, 3])
            .map_err(|e| PyTypeError::new_err(e.to_string()))
    }

    /// The manifest the classifier was loaded from.
    #[getter]
    fn manifest(&self) -> PathBuf {
        self.manifest.clone()
    }

    /// "fp32" or "int8": the precision the encoders run in (int8 falls back to fp32 where this
    /// machine has no int8 kernels).
    #[getter]
    fn precision(&self) -> String {
        self.precision.to_string()
    }

    /// The classifier's short name ("encoder-head", "cross-encoder", "ensemble", ...).
    #[getter]
    fn name(&self) -> String {
        let clf = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        clf.name().to_string()
    }
}

/// model_manifest(spec) -> str: the manifest a model spec means (a shipped model's name is
/// looked up as the command-line tool does; anything else is a path).
#[pyfunction]
fn model_manifest(spec: PathBuf) -> PyResult<PathBuf> {
    standpoint_stance::locate::model_manifest(Some(&spec))
        .map_err(|e| ModelError::new_err(e.to_string()))
}

/// encoder_dir(explicit=None) -> str: the encoder folder the command-line tool would use.
#[pyfunction]
#[pyo3(signature = (explicit = None))]
fn encoder_dir(explicit: Option<PathBuf>) -> PathBuf {
    standpoint_stance::locate::encoder_dir(explicit.as_deref())
}

/// default_precision(manifest) -> str | None: the precision a manifest asks for, if any.
#[pyfunction]
fn default_precision(manifest: PathBuf) -> PyResult<Option<String>> {
    standpoint_stance::manifest::Manifest::default_precision(&manifest)
        .map(|p| p.map(|p| p.to_string()))
        .map_err(model_error)
}

/// A run's events for Python: skipped records and repeated ids become warnings (returned),
/// checkpoints call the progress callback, and a pending Ctrl-C (or an exception from the
/// callback) stops the run at the checkpoint, resumable.
struct PyEvents {
    progress: Option<PyObject>,
    warnings: Vec<String>,
    stop: Option<PyErr>,
}

impl standpoint_pipeline::run::Events for PyEvents {
    fn skipped(&mut self, b: &standpoint_pipeline::read::Bad) {
        self.warnings.push(format!("{b}; skipped"));
    }

    fn duplicate_id(&mut self, d: &standpoint_pipeline::read::Doc) {
        self.warnings.push(format!(
            "{}:{}: id {} was used by an earlier document; both are kept (counted in run.json \
             as duplicate_ids)",
            d.file, d.line, d.id
        ));
    }

    fn checkpoint(&mut self, state: &standpoint_pipeline::checkpoint::State) {
        Python::with_gil(|py| {
            if let Err(e) = py.check_signals() {
                self.stop.get_or_insert(e);
                return;
            }
            if let Some(cb) = &self.progress {
                if let Err(e) = cb.call1(py, (state.items_done, state.documents, state.sentences)) {
                    self.stop.get_or_insert(e);
                }
            }
        });
    }

    fn stop_requested(&mut self) -> bool {
        self.stop.is_some()
    }
}

fn run_error(e: standpoint_pipeline::Error) -> PyErr {
    match e {
        standpoint_pipeline::Error::Io { .. } => PyOSError::new_err(e.to_string()),
        other => InputError::new_err(other.to_string()),
    }
}

/// run_corpus(inputs, out, targets, manifest, encoder_dir, ...) -> (summary, warnings): the
/// work of `standpoint run` (the same run folder; a rerun with the same settings resumes).
#[pyfunction]
#[pyo3(signature = (inputs, out, targets, manifest, encoder_dir, *, precision = "fp32",
                    threads = None, id_field = "id".to_string(), text_field = "text".to_string(),
                    group_by = None, fresh = false, progress = None))]
#[allow(clippy::too_many_arguments)]
fn run_corpus(
    py: Python<'_>,
    inputs: Vec<PathBuf>,
    out: PathBuf,
    targets: Vec<String>,
    manifest: PathBuf,
    encoder_dir: PathBuf,
    precision: &str,
    threads: Option<usize>,
    id_field: String,
    text_field: String,
    group_by: Option<Vec<String>>,
    fresh: bool,
    progress: Option<PyObject>,
) -> PyResult<(PyObject, Vec<String>)> {
    use standpoint_pipeline::run::{Opened, RunDir, RunOptions};
    let precision = usable_precision(precision)?;
    let targets = standpoint_pipeline::targets::read_targets(&targets, None)
        .map_err(|e| InputError::new_err(e.to_string()))?;
    use standpoint_pipeline::run::defaults;
    let group_by = group_by.unwrap_or_else(|| defaults::GROUP_BY.map(String::from).to_vec());
    let groupings = standpoint_aggregate::groupings(&group_by)
        .map_err(|e| InputError::new_err(e.to_string()))?;
    let paths = standpoint_stance::factory::ModelPaths {
        encoder_dir,
        precision,
    };
    let fingerprint =
        standpoint_stance::factory::run_fingerprint(&manifest, &paths, &[]).map_err(model_error)?;
    let spec = standpoint_pipeline::checkpoint::RunSpec {
        inputs,
        format: "auto".into(),
        id_field,
        text_field,
        targets,
        model: manifest.clone(),
        groupings,
        evidence: defaults::EVIDENCE,
        rule: standpoint_aggregate::DecisionRule::default(),
        chunk_docs: defaults::CHUNK_DOCS,
        max_doc_bytes: defaults::MAX_DOC_BYTES,
        attribution: Vec::new(),
        combine: false,
        model_fingerprint: Some(fingerprint),
        precision: (precision != Precision::Fp32).then(|| precision.to_string()),
    };
    let mut events = PyEvents {
        progress,
        warnings: Vec::new(),
        stop: None,
    };
    let result = py.allow_threads(|| -> Result<_, PyErr> {
        let dir = match RunDir::open(&out, spec, None, fresh).map_err(run_error)? {
            Opened::Complete(state) => return Ok(state),
            Opened::Ready(dir) => dir,
        };
        let threads = standpoint_stance::set_threads(threads);
        let classifier =
            standpoint_stance::factory::load_classifier(&manifest, &paths).map_err(model_error)?;
        let pipeline = standpoint_pipeline::Pipeline::for_run(classifier, &dir.state().spec);
        let options = RunOptions {
            segment_threads: 1,
            classifier_threads: threads,
            strict: false,
        };
        dir.execute(&pipeline, &options, &mut events)
            .map_err(run_error)
    });
    let state = match (result, events.stop.take()) {
        (Err(_), Some(stop)) => return Err(stop),
        (r, _) => r?,
    };
    let summary = pyo3::types::PyDict::new(py);
    summary.set_item("documents", state.documents)?;
    summary.set_item("sentences", state.sentences)?;
    summary.set_item("errors", state.errors)?;
    summary.set_item("duplicate_ids", state.duplicate_ids)?;
    summary.set_item("items", state.items_done)?;
    summary.set_item("seconds", state.seconds)?;
    summary.set_item("complete", state.complete)?;
    Ok((summary.into_any().unbind(), events.warnings))
}

/// write_report(run_dir, path, max_documents=None, max_groups=None, max_series=None) ->
/// list[str]: the run's HTML page, written atomically as `standpoint report` writes it (never over
/// one of the run's own files); returns the notes it made. Unset limits take the report's
/// defaults.
#[pyfunction]
#[pyo3(signature = (run_dir, path, max_documents = None, max_groups = None, max_series = None))]
fn write_report(
    py: Python<'_>,
    run_dir: PathBuf,
    path: PathBuf,
    max_documents: Option<usize>,
    max_groups: Option<usize>,
    max_series: Option<usize>,
) -> PyResult<Vec<String>> {
    let limits = standpoint_report::Limits::default();
    let limits = standpoint_report::Limits {
        documents: max_documents.unwrap_or(limits.documents),
        ..limits
    };
    let options = standpoint_report::Options::default();
    let options = standpoint_report::Options {
        max_groups: max_groups.unwrap_or(options.max_groups),
        max_series: max_series.unwrap_or(options.max_series),
    };
    py.allow_threads(|| standpoint_report::write_report(&run_dir, &path, limits, &options))
        .map(|run| run.notes)
        .map_err(|e| match e {
            standpoint_report::Error::Write(_) | standpoint_report::Error::Io { .. } => {
                PyOSError::new_err(e.to_string())
            }
            other => InputError::new_err(other.to_string()),
        })
}

/// sample_run(run_dir, target, n, out, seed=1, stratify_by=None, add=False) -> dict: draws a
/// sample of the run's sentences for hand labelling (as `standpoint sample`).
#[pyfunction]
#[pyo3(signature = (run_dir, target, n, out, seed = 1, stratify_by = None, add = false))]
#[allow(clippy::too_many_arguments)]
fn sample_run<'py>(
    py: Python<'py>,
    run_dir: PathBuf,
    target: &str,
    n: usize,
    out: PathBuf,
    seed: u64,
    stratify_by: Option<&str>,
    add: bool,
) -> PyResult<Bound<'py, pyo3::types::PyDict>> {
    if n == 0 {
        return Err(InputError::new_err("n must be at least 1"));
    }
    let written = py
        .allow_threads(|| {
            standpoint_validate::sample_file(&standpoint_validate::SampleRequest {
                run_dir: &run_dir,
                target,
                n,
                seed,
                stratify_by,
                out: &out,
                add,
            })
        })
        .map_err(|e| InputError::new_err(e.to_string()))?;
    let d = pyo3::types::PyDict::new(py);
    d.set_item("rows", written.rows)?;
    d.set_item("new", written.new)?;
    d.set_item("population", written.population)?;
    d.set_item("design", written.design)?;
    d.set_item("path", out)?;
    Ok(d)
}

/// estimate_run(run_dir, labels, group_by=None, level=0.95) -> str: corrected shares and net
/// with valid intervals from a hand-labelled sample (as `standpoint estimate --json`), as JSON.
#[pyfunction]
#[pyo3(signature = (run_dir, labels, group_by = None, level = 0.95))]
fn estimate_run(
    py: Python<'_>,
    run_dir: PathBuf,
    labels: PathBuf,
    group_by: Option<&str>,
    level: f64,
) -> PyResult<String> {
    py.allow_threads(|| {
        let report = standpoint_validate::estimate_with(&run_dir, &labels, None, group_by, level)
            .map_err(|e| InputError::new_err(e.to_string()))?;
        serde_json::to_string(&report).map_err(|e| InputError::new_err(e.to_string()))
    })
}

/// The native module.
#[pymodule]
fn _standpoint(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativeClassifier>()?;
    m.add_function(wrap_pyfunction!(model_manifest, m)?)?;
    m.add_function(wrap_pyfunction!(encoder_dir, m)?)?;
    m.add_function(wrap_pyfunction!(default_precision, m)?)?;
    m.add_function(wrap_pyfunction!(run_corpus, m)?)?;
    m.add_function(wrap_pyfunction!(write_report, m)?)?;
    m.add_function(wrap_pyfunction!(sample_run, m)?)?;
    m.add_function(wrap_pyfunction!(estimate_run, m)?)?;
    m.add("ModelError", m.py().get_type::<ModelError>())?;
    m.add("InputError", m.py().get_type::<InputError>())?;
    m.add(
        "NAMED_MODELS",
        standpoint_stance::locate::NAMED_MODELS.to_vec(),
    )?;
    m.add_class::<Span>()?;
    m.add_class::<Sentence>()?;
    m.add_class::<Attribution>()?;
    m.add_function(wrap_pyfunction!(segment, m)?)?;
    m.add_function(wrap_pyfunction!(attribute, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::CharIndex;

    #[test]
    fn byte_offsets_become_character_offsets() {
        let text = "“Ja,” sagte Müller.";
        let index = CharIndex::new(text);
        let b = text.find("sagte").unwrap();
        assert_eq!(index.at(b), text[..b].chars().count());
        assert_eq!(index.at(text.len()), text.chars().count());
        assert_eq!(index.at(0), 0);
    }
}
