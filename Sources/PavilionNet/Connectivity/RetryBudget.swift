/// Decides whether a failed exchange may be retried, and after how long.
///
/// A retry is allowed only when the connector marked the exchange idempotent,
/// the attempt limit is not reached, the budget has room, and the remaining
/// deadline leaves time for one more attempt. The budget keeps retries to at
/// most `ratio` of the requests seen over a sliding time window, plus a small
/// floor (`minimumRetries`) so that a quiet endpoint can still be retried;
/// during an outage retries therefore add at most about 10% load instead of
/// multiplying it.
///
/// The delay is exponential backoff with full jitter: uniformly random in
/// `0...min(maxBackoffMs, backoffMs · 2^(retry-1))`, then capped so that at
/// least `minimumAttemptMs` of the deadline remains for the retry itself.
public struct RetryBudget: Sendable {
    /// Budget and backoff settings.
    public struct Configuration: Sendable, Hashable {
        /// Retries allowed per request seen in the window (default 0.1).
        public var ratio: Double
        /// Retries always allowed per window on top of the ratio (default 3).
        public var minimumRetries: Int
        /// Length of the sliding window (default 10 000 ms).
        public var windowMs: Int64
        /// Attempts per exchange including the first (`max_attempts`, default 2).
        public var maxAttempts: Int
        /// Backoff base (`backoff_ms`, default 50).
        public var backoffMs: Int64
        /// Upper bound of one backoff (default 2 000 ms).
        public var maxBackoffMs: Int64
        /// Deadline that must remain for a retry to be worth sending (default 10 ms).
        public var minimumAttemptMs: Int64

        /// Settings, each with its documented default.
        public init(ratio: Double = 0.1, minimumRetries: Int = 3, windowMs: Int64 = 10_000, maxAttempts: Int = 2,
                    backoffMs: Int64 = 50, maxBackoffMs: Int64 = 2_000, minimumAttemptMs: Int64 = 10) {
            self.ratio = max(0, ratio)
            self.minimumRetries = max(0, minimumRetries)
            self.windowMs = max(10, windowMs)
            self.maxAttempts = max(1, maxAttempts)
            self.backoffMs = max(0, backoffMs)
            self.maxBackoffMs = max(0, maxBackoffMs)
            self.minimumAttemptMs = max(0, minimumAttemptMs)
        }
    }

    /// Why a retry was refused.
    public enum Refusal: String, Sendable, Hashable {
        /// The connector did not mark the exchange idempotent.
        case notIdempotent = "not_idempotent"
        /// `maxAttempts` attempts were made.
        case attemptsExhausted = "attempts_exhausted"
        /// Retries in the window already reached the budget.
        case budgetExhausted = "budget_exhausted"
        /// Too little of the request's deadline is left.
        case deadlineExhausted = "deadline_exhausted"
    }

    /// The answer to ``retry(afterAttempt:idempotent:remainingMs:now:using:)``.
    public enum Decision: Sendable, Hashable {
        /// Retry after waiting `delayMs`.
        case retry(delayMs: Int64)
        /// Do not retry; report the failure.
        case refuse(Refusal)
    }

    private static let buckets = 10

    /// The settings in force.
    public let configuration: Configuration
    private var requests: [Int]
    private var retries: [Int]
    private var bucketStart: [Int64]

    /// An empty budget.
    /// - Parameter configuration: budget and backoff settings.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        requests = Array(repeating: 0, count: Self.buckets)
        retries = Array(repeating: 0, count: Self.buckets)
        bucketStart = Array(repeating: Int64.min, count: Self.buckets)
    }

    /// Count a first attempt (every request, retried or not).
    /// - Parameter now: the current time.
    public mutating func requestStarted(now: ConnectivityInstant) {
        let i = bucket(now)
        requests[i] += 1
    }

    /// Retries the window allows at `now`: the floor plus `ratio` of the requests.
    /// - Parameter now: the current time.
    /// - Returns: the number of retries allowed in the window.
    public func allowedRetries(now: ConnectivityInstant) -> Int {
        configuration.minimumRetries + Int(configuration.ratio * Double(sum(requests, now)))
    }

    /// Retries granted within the window ending at `now`.
    /// - Parameter now: the current time.
    public func retriesInWindow(now: ConnectivityInstant) -> Int {
        sum(retries, now)
    }

    /// Ask whether a failed attempt may be retried; a granted retry is counted.
    /// - Parameters:
    ///   - attempt: the attempt that just failed, 1 for the first.
    ///   - idempotent: whether the connector marked the exchange idempotent.
    ///   - remainingMs: milliseconds left of the request's deadline.
    ///   - now: the current time.
    ///   - generator: the random source for the jitter.
    /// - Returns: the delay before retrying, or why not.
    public mutating func retry(afterAttempt attempt: Int, idempotent: Bool, remainingMs: Int64,
                               now: ConnectivityInstant, using generator: inout some RandomNumberGenerator) -> Decision {
        guard idempotent else { return .refuse(.notIdempotent) }
        guard attempt < configuration.maxAttempts else { return .refuse(.attemptsExhausted) }
        let room = remainingMs - configuration.minimumAttemptMs
        guard room > 0 else { return .refuse(.deadlineExhausted) }
        guard retriesInWindow(now: now) < allowedRetries(now: now) else { return .refuse(.budgetExhausted) }
        let shift = min(max(0, attempt - 1), 32)
        let (scaled, overflow) = configuration.backoffMs.multipliedReportingOverflow(by: Int64(1) << shift)
        let ceiling = min(overflow ? configuration.maxBackoffMs : scaled, configuration.maxBackoffMs)
        let jittered = ceiling > 0 ? Int64.random(in: 0...ceiling, using: &generator) : 0
        retries[bucket(now)] += 1
        return .retry(delayMs: min(jittered, room))
    }

    // MARK: - Sliding window

    private var bucketWidth: Int64 { configuration.windowMs / Int64(Self.buckets) }

    /// The bucket for `now`, cleared first if it last held an older period.
    private mutating func bucket(_ now: ConnectivityInstant) -> Int {
        let period = now.milliseconds / bucketWidth
        let i = Int(((period % Int64(Self.buckets)) + Int64(Self.buckets)) % Int64(Self.buckets))
        if bucketStart[i] != period {
            bucketStart[i] = period
            requests[i] = 0
            retries[i] = 0
        }
        return i
    }

    private func sum(_ counts: [Int], _ now: ConnectivityInstant) -> Int {
        let period = now.milliseconds / bucketWidth
        var total = 0
        for i in 0..<Self.buckets where bucketStart[i] > period - Int64(Self.buckets) && bucketStart[i] <= period {
            total += counts[i]
        }
        return total
    }
}
