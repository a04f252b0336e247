fn main() {
    telemetry_metrics::metrics! {
        use telemetry_metrics_fixture_auth;
        counter("auth.session.create.count", tags = ["user_id", "session_id"]),
    };
}
