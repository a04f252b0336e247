//! The table: criterion's estimates of this run, side by side, with the ratios the targets
//! are stated in.

use std::collections::BTreeMap;
use std::path::PathBuf;

use telemetry_bench::ChurnReport;

static CHURN: std::sync::Mutex<Vec<(&'static str, ChurnReport)>> =
    std::sync::Mutex::new(Vec::new());

/// Adds up what the churn did over all the samples of one benchmark.
pub(super) fn record_churn(label: &'static str, report: ChurnReport) {
    let mut all = CHURN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    match all.iter_mut().find(|(l, _)| *l == label) {
        Some((_, total)) => {
            total.rounds += report.rounds;
            total.wall += report.wall;
            total.cpu = total.cpu.zip(report.cpu).map(|(a, b)| a + b);
        }
        None => all.push((label, report)),
    }
}

fn criterion_home() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    if let Some(target) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(target).join("criterion");
    }
    // target/release/deps/emission-<hash>
    std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.join("criterion")))
        .unwrap_or_else(|| PathBuf::from("target/criterion"))
}

/// Nanoseconds per iteration as criterion reports it (the slope when it has one, else
/// the mean), for the benchmarks that ran in this process.
fn estimate(group: &str, bench: &str, started: std::time::SystemTime) -> Option<f64> {
    let path = criterion_home()
        .join(group)
        .join(bench)
        .join("new")
        .join("estimates.json");
    let modified = std::fs::metadata(&path).ok()?.modified().ok()?;
    if modified < started {
        return None; // left over from an earlier run
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    let point = |what: &str| json.get(what)?.get("point_estimate")?.as_f64();
    point("slope").or_else(|| point("mean"))
}

struct Row {
    case: &'static str,
    bench: &'static str,
    ns: Option<f64>,
}

pub(super) fn print_table(started: std::time::SystemTime) {
    const ROWS: &[(&str, &str)] = &[
        ("1_event_idle", "baseline"),
        ("1_event_idle", "ours_emit"),
        ("1_event_idle", "tracing_info"),
        ("1_event_idle", "metrics_counter"),
        ("2_event_one_handler", "ours_typed"),
        ("2_event_one_handler", "ours_generic"),
        ("2_event_one_handler", "tracing_layer"),
        ("2_event_one_handler", "metrics_recorder"),
        ("3_span_idle", "baseline"),
        ("3_span_idle", "ours_span"),
        ("3_span_idle", "tracing_instrument"),
        ("3_span_idle", "fastrace_trace"),
        ("4_span_one_handler", "ours_span"),
        ("4_span_one_handler", "tracing_instrument"),
        ("4_span_one_handler", "tracing_instrument_timed"),
        ("4_span_one_handler", "fastrace_trace"),
        ("4_span_one_handler", "fastrace_trace_bare"),
        ("5_event_threads", "handler_alone_one_thread"),
        ("5_event_threads", "handler_alone_two_threads"),
        ("5_event_threads", "one_thread"),
        ("5_event_threads", "two_threads"),
        ("6_event_threads_churn", "two_threads_churn"),
        ("6_event_threads_churn", "two_threads_churn_nonstop"),
    ];
    let rows: Vec<Row> = ROWS
        .iter()
        .map(|&(case, bench)| Row {
            case,
            bench,
            ns: estimate(case, bench, started),
        })
        .collect();
    if rows.iter().all(|r| r.ns.is_none()) {
        return;
    }
    let ns: BTreeMap<(&str, &str), f64> = rows
        .iter()
        .filter_map(|r| Some(((r.case, r.bench), r.ns?)))
        .collect();
    let get = |case: &str, bench: &str| ns.get(&(case, bench)).copied();

    println!();
    println!("| case | benchmark | time per event or span (ns) |");
    println!("|---|---|---:|");
    for row in &rows {
        let time = row
            .ns
            .map_or_else(|| "-".to_string(), |ns| format!("{ns:.2}"));
        println!("| {} | {} | {time} |", row.case, row.bench);
    }
    println!();
    println!("| target | measured | met? |");
    println!("|---|---|---|");
    let target = |what: &str, measured: Option<(String, bool)>| match measured {
        Some((text, met)) => println!("| {what} | {text} | {} |", if met { "yes" } else { "NO" }),
        None => println!("| {what} | - | not run |"),
    };
    let ratio = |a: Option<f64>, b: Option<f64>| Some(a? / b?);
    let ours1 = get("1_event_idle", "ours_emit");
    target(
        "case 1: ours <= 1 ns",
        ours1.map(|t| (format!("{t:.2} ns"), t <= 1.0)),
    );
    target(
        "case 1: ours no slower than tracing's disabled event",
        ratio(ours1, get("1_event_idle", "tracing_info"))
            .map(|r| (format!("ours / tracing = {r:.2}"), r <= 1.0)),
    );
    let ours3 = get("3_span_idle", "ours_span");
    let base3 = get("3_span_idle", "baseline");
    target(
        "case 3: ours <= 2 ns (overhead over the plain function)",
        ours3.zip(base3).map(|(t, b)| {
            (
                format!("{t:.2} ns, {:.2} ns over the baseline", t - b),
                t - b <= 2.0,
            )
        }),
    );
    for (label, bench) in [("typed", "ours_typed"), ("generic", "ours_generic")] {
        target(
            &format!("case 2: ours ({label}) >= 3x faster than tracing's enabled event"),
            ratio(
                get("2_event_one_handler", "tracing_layer"),
                get("2_event_one_handler", bench),
            )
            .map(|r| (format!("{r:.2}x"), r >= 3.0)),
        );
    }
    let ours4 = get("4_span_one_handler", "ours_span");
    target(
        "case 4: ours >= 2x faster than tracing::instrument",
        ratio(get("4_span_one_handler", "tracing_instrument"), ours4)
            .map(|r| (format!("{r:.2}x"), r >= 2.0)),
    );
    target(
        "case 4: ours >= 2x faster than tracing::instrument with a timing layer",
        ratio(get("4_span_one_handler", "tracing_instrument_timed"), ours4)
            .map(|r| (format!("{r:.2}x"), r >= 2.0)),
    );
    for bench in ["fastrace_trace", "fastrace_trace_bare"] {
        target(
            &format!("case 4: ours no slower than fastrace ({bench})"),
            ratio(get("4_span_one_handler", bench), ours4)
                .map(|r| (format!("fastrace / ours = {r:.2}"), r >= 1.0)),
        );
    }
    target(
        "(machine) the handler alone, two threads vs one",
        ratio(
            get("5_event_threads", "handler_alone_one_thread"),
            get("5_event_threads", "handler_alone_two_threads"),
        )
        .map(|r| (format!("{r:.2}x"), r >= 1.8)),
    );
    let two = get("5_event_threads", "two_threads");
    target(
        "case 5: two threads >= 1.8x the one-thread throughput",
        ratio(get("5_event_threads", "one_thread"), two).map(|r| (format!("{r:.2}x"), r >= 1.8)),
    );
    for bench in ["two_threads_churn", "two_threads_churn_nonstop"] {
        target(
            &format!("case 6 ({bench}): throughput within 20% of case 5"),
            ratio(two, get("6_event_threads_churn", bench))
                .map(|r| (format!("{:.0}% of case 5", r * 100.0), r >= 0.8)),
        );
    }
    println!();
    for (label, report) in CHURN
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .iter()
    {
        let cpu = report.cpu_share().map_or_else(
            || "unknown".to_string(),
            |share| format!("{:.0}%", share * 100.0),
        );
        println!(
            "{label}: {:.0} churn rounds/s (2 attaches + 2 detaches each), the churn thread \
             using {cpu} of one CPU",
            report.rounds_per_second()
        );
    }
}
