/// Decides whether and when to send one hedged request.
///
/// When hedging is enabled (per manifest) and the exchange is idempotent,
/// a second request may go to another allowed endpoint once the primary has
/// waited the observed p95 latency (from a ``LatencyQuantile``); the first
/// answer wins and the other request is cancelled. At most one hedge per
/// exchange, and none before `minimumSamples` latencies were seen.
public struct HedgePolicy: Sendable {
    /// Hedging settings.
    public struct Configuration: Sendable, Hashable {
        /// Whether hedging is on (default false: it costs load).
        public var enabled: Bool
        /// The latency quantile to wait for (default 0.95).
        public var quantile: Double
        /// Samples needed before hedging (default 20).
        public var minimumSamples: Int
        /// Shortest hedge delay (default 1 ms).
        public var minimumDelayMs: Int64
        /// Latency samples kept (default 256).
        public var samples: Int

        /// Settings, each with its documented default.
        public init(enabled: Bool = false, quantile: Double = 0.95, minimumSamples: Int = 20, minimumDelayMs: Int64 = 1,
                    samples: Int = 256) {
            self.enabled = enabled
            self.quantile = min(1, max(0, quantile))
            self.minimumSamples = max(1, minimumSamples)
            self.minimumDelayMs = max(0, minimumDelayMs)
            self.samples = max(1, samples)
        }
    }

    /// Why no hedge is planned.
    public enum NoHedge: String, Sendable, Hashable {
        /// Hedging is off for this connector.
        case disabled
        /// The connector did not mark the exchange idempotent.
        case notIdempotent = "not_idempotent"
        /// No other allowed endpoint to send it to.
        case noAlternative = "no_alternative"
        /// Too few latency samples to know the p95.
        case tooFewSamples = "too_few_samples"
    }

    /// The plan for one exchange.
    public enum Plan: Sendable, Hashable {
        /// Hedge if the primary has not answered after `delayMs`.
        case hedgeAfter(delayMs: Int64)
        /// Do not hedge.
        case noHedge(NoHedge)
    }

    /// The settings in force.
    public let configuration: Configuration
    /// The latency samples.
    public private(set) var latencies: LatencyQuantile

    /// A policy with no samples.
    /// - Parameter configuration: hedging settings.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        latencies = LatencyQuantile(capacity: configuration.samples)
    }

    /// Feed the latency of an answered exchange (primary or hedge).
    /// - Parameter ms: milliseconds to the answer.
    public mutating func recordLatency(_ ms: Double) {
        latencies.record(ms)
    }

    /// Plan one exchange.
    /// - Parameters:
    ///   - idempotent: whether the connector marked it idempotent.
    ///   - alternatives: other allowed endpoints it could go to.
    /// - Returns: the hedge delay, or why not.
    public func plan(idempotent: Bool, alternatives: Int) -> Plan {
        guard configuration.enabled else { return .noHedge(.disabled) }
        guard idempotent else { return .noHedge(.notIdempotent) }
        guard alternatives > 0 else { return .noHedge(.noAlternative) }
        guard latencies.count >= configuration.minimumSamples, let q = latencies.quantile(configuration.quantile) else {
            return .noHedge(.tooFewSamples)
        }
        return .hedgeAfter(delayMs: max(configuration.minimumDelayMs, Int64(q.rounded(.up))))
    }

    /// One exchange's hedging state: primary in flight, maybe a hedge, first answer wins.
    public struct Exchange: Sendable {
        /// Which request.
        public enum Attempt: Sendable, Hashable { case primary, hedge }

        /// What the caller does next.
        public enum Action: Sendable, Hashable {
            /// Nothing yet.
            case wait
            /// Send the hedge to another allowed endpoint.
            case sendHedge
            /// Done with this answer; cancel `cancel` if it is still in flight.
            case complete(winner: Attempt, cancel: Attempt?)
            /// Both requests failed (or the only one did): report the failure.
            case fail
            /// A late event after completion; ignore it.
            case none
        }

        private enum State: Sendable {
            case primaryOnly(hedgeAt: ConnectivityInstant?)
            case both(primaryLive: Bool, hedgeLive: Bool)
            case finished
        }

        private var state: State

        /// Start an exchange whose primary was sent at `start`.
        /// - Parameters:
        ///   - plan: the policy's plan.
        ///   - start: when the primary was sent.
        public init(plan: Plan, start: ConnectivityInstant) {
            switch plan {
            case .hedgeAfter(let delay): state = .primaryOnly(hedgeAt: start + delay)
            case .noHedge: state = .primaryOnly(hedgeAt: nil)
            }
        }

        /// When the caller should next call ``tick(now:)``, if ever.
        public var hedgeDeadline: ConnectivityInstant? {
            if case .primaryOnly(let at) = state { return at }
            return nil
        }

        /// Time passed.
        /// - Parameter now: the current time.
        /// - Returns: ``Action/sendHedge`` once the hedge delay has passed, else ``Action/wait``.
        public mutating func tick(now: ConnectivityInstant) -> Action {
            switch state {
            case .primaryOnly(let at?) where now >= at:
                state = .both(primaryLive: true, hedgeLive: true)
                return .sendHedge
            case .finished:
                return .none
            default:
                return .wait
            }
        }

        /// An attempt answered.
        /// - Parameter attempt: which one.
        /// - Returns: complete with the other to cancel, or ``Action/none`` when already done.
        public mutating func answered(_ attempt: Attempt) -> Action {
            switch state {
            case .primaryOnly:
                state = .finished
                return .complete(winner: attempt, cancel: nil)
            case .both(let primaryLive, let hedgeLive):
                state = .finished
                let otherLive = attempt == .primary ? hedgeLive : primaryLive
                let other: Attempt = attempt == .primary ? .hedge : .primary
                return .complete(winner: attempt, cancel: otherLive ? other : nil)
            case .finished:
                return .none
            }
        }

        /// An attempt failed.
        /// - Parameter attempt: which one.
        /// - Returns: ``Action/wait`` while the other is in flight, else ``Action/fail``.
        public mutating func failed(_ attempt: Attempt) -> Action {
            switch state {
            case .primaryOnly:
                state = .finished
                return .fail
            case .both(var primaryLive, var hedgeLive):
                if attempt == .primary { primaryLive = false } else { hedgeLive = false }
                if primaryLive || hedgeLive {
                    state = .both(primaryLive: primaryLive, hedgeLive: hedgeLive)
                    return .wait
                }
                state = .finished
                return .fail
            case .finished:
                return .none
            }
        }
    }
}
