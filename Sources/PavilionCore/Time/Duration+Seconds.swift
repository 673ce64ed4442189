extension Duration {
    /// The duration in seconds, as a `Double` (metrics, benchmarks, timeouts).
    public var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The duration in milliseconds, as a `Double`.
    public var inMilliseconds: Double { inSeconds * 1000 }
}
