//! Attribution throughput on PolNeAR dev articles (single thread), when the shared data is
//! there, and on single documents with 2,500 to 20,000 quoted words (time must grow linearly
//! with the words): `cargo bench -p standpoint-attribute`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use standpoint_attribute::Attributor;

fn texts() -> Vec<String> {
    let base = std::env::var_os("STANDPOINT_SHARED_DATA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
        });
    let path = base.join("attribution/polnear/dev.jsonl");
    let data = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (set STANDPOINT_SHARED_DATA)", path.display()));
    data.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["text"].as_str().unwrap().to_string()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let texts = texts();
    let bytes: usize = texts.iter().map(String::len).sum();
    let attributor = Attributor::default();
    let mut g = c.benchmark_group("attribute");
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function("polnear-dev", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| attributor.attribute(t).len())
                .sum::<usize>()
        })
    });
    g.finish();
}

/// One document of news paragraphs with `words` quoted words: framed quotes, quotes joined
/// across a frame, unframed quotes, reported speech, pronouns and names, as wire copy has them.
fn quoted_document(words: usize) -> String {
    let paragraphs = [
        "“We will not give up an inch of our land,” Foreign Minister Lena Sorel said on Monday. “The talks must go on.”",
        "Gen. Viktor Oren rejected the proposal at a briefing, saying the militias needed time. He added: “A ceasefire now rewards aggression and costs lives in the valley.”",
        "“Concessions are not surrender,” said Marek Dvorak, the opposition leader, who has campaigned for months. “They are the price of peace, and we should pay it.”",
        "Officials said the delegations would meet again. “Nothing is agreed until everything is agreed,” one of them said.",
    ];
    let mut out = String::new();
    let mut n = 0;
    let mut i = 0;
    while n < words {
        let p = paragraphs[i % paragraphs.len()];
        // Words inside quotation marks.
        let quoted: usize = p
            .split('“')
            .skip(1)
            .map(|s| s.split('”').next().unwrap_or("").split_whitespace().count())
            .sum();
        n += quoted;
        out.push_str(p);
        out.push_str("\n\n");
        i += 1;
    }
    out
}

fn quoted_words(c: &mut Criterion) {
    let attributor = Attributor::default();
    let mut g = c.benchmark_group("quoted-words");
    g.sample_size(10);
    for words in [2_500usize, 5_000, 10_000, 20_000] {
        let doc = quoted_document(words);
        g.throughput(Throughput::Elements(words as u64));
        g.bench_function(words.to_string(), |b| {
            b.iter(|| attributor.attribute(&doc).len())
        });
        // The same words as one paragraph (a document whose line breaks were lost).
        let flat = doc.replace("\n\n", " ");
        g.bench_function(format!("{words}-one-paragraph"), |b| {
            b.iter(|| attributor.attribute(&flat).len())
        });
    }
    g.finish();
}

criterion_group!(benches, bench, quoted_words);
criterion_main!(benches);
