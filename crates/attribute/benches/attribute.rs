//! Attribution throughput on PolNeAR dev articles (single thread), when the shared data is
//! there: `cargo bench -p standpoint-attribute`.

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

criterion_group!(benches, bench);
criterion_main!(benches);
