/// A per-endpoint circuit breaker: closed → open → half-open → closed.
///
/// - **Closed**: every request is permitted. The breaker opens when
///   `consecutiveFailures` failures arrive in a row, or when, over the last
///   `window` outcomes (once at least `minimumCalls` are in it), the share of
///   failures reaches `failureRate`.
/// - **Open**: requests are rejected until `openMs` have passed.
/// - **Half-open**: at most `halfOpenProbes` probe requests are admitted; when
///   all of them succeed the breaker closes (with an empty window), the first
///   failed probe opens it again.
///
/// Each permitted request carries a ``Permit``; an outcome recorded with a
/// permit from an earlier phase (a slow answer to a request let through
/// before the breaker opened) is ignored, so it cannot close or reopen the
/// breaker by accident. Every change of phase is returned as a
/// ``Transition`` for the connection audit log.
public struct CircuitBreaker: Sendable {
    /// Thresholds; the host fills them from the manifest's `spec.connection`.
    public struct Configuration: Sendable, Hashable {
        /// Failures in a row that open the breaker (`breaker_consecutive_failures`, default 5).
        public var consecutiveFailures: Int
        /// Failure share over the window that opens it (`breaker_failure_rate`, default 0.5).
        public var failureRate: Double
        /// Outcomes in the sliding window (`breaker_window`, default 20).
        public var window: Int
        /// Outcomes needed in the window before the rate counts (default 10,
        /// never more than `window`; not a manifest field yet).
        public var minimumCalls: Int
        /// How long the breaker stays open (`breaker_open_ms`, default 30 000).
        public var openMs: Int64
        /// Probes admitted while half-open (`breaker_half_open_probes`, default 3).
        public var halfOpenProbes: Int

        /// Thresholds, each defaulting to the manifest's documented default.
        public init(consecutiveFailures: Int = 5, failureRate: Double = 0.5, window: Int = 20,
                    minimumCalls: Int = 10, openMs: Int64 = 30_000, halfOpenProbes: Int = 3) {
            self.consecutiveFailures = max(1, consecutiveFailures)
            self.failureRate = failureRate
            self.window = max(1, window)
            self.minimumCalls = min(max(1, minimumCalls), self.window)
            self.openMs = max(0, openMs)
            self.halfOpenProbes = max(1, halfOpenProbes)
        }
    }

    /// The breaker's phase, as reported in transitions and metrics.
    public enum Phase: String, Sendable, Hashable {
        case closed, open, halfOpen = "half_open"
    }

    /// How an exchange with the endpoint ended, as far as the breaker cares.
    public enum Outcome: Sendable, Hashable {
        /// The endpoint answered usefully.
        case success
        /// Refused, reset, timed out, 5xx: counts against the endpoint.
        case failure
        /// The request was cancelled or never sent; frees a probe slot and
        /// counts neither way.
        case ignored
    }

    /// Proof that a request was permitted, handed back with its outcome.
    public struct Permit: Sendable, Hashable {
        /// The breaker generation (bumped on every transition) it was issued in.
        public let generation: UInt64
        /// Whether the request is a half-open probe.
        public let isProbe: Bool
    }

    /// Why the breaker changed phase.
    public enum Reason: Sendable, Hashable {
        /// `count` failures in a row.
        case consecutiveFailures(count: Int)
        /// `failures` of the last `calls` outcomes failed.
        case failureRate(failures: Int, calls: Int)
        /// The open period passed; probing starts.
        case openPeriodElapsed
        /// All `probes` probes succeeded.
        case probesSucceeded(probes: Int)
        /// A half-open probe failed.
        case probeFailed
    }

    /// One change of phase, for the connection audit log.
    public struct Transition: Sendable, Hashable {
        /// Phase before.
        public var from: Phase
        /// Phase after.
        public var to: Phase
        /// Why.
        public var reason: Reason
        /// When.
        public var at: ConnectivityInstant

        /// A transition record.
        public init(from: Phase, to: Phase, reason: Reason, at: ConnectivityInstant) {
            self.from = from
            self.to = to
            self.reason = reason
            self.at = at
        }
    }

    /// The answer to ``requestPermitted(now:)``.
    public struct Decision: Sendable, Hashable {
        /// The permit to send the request with, or `nil` when rejected.
        public var permit: Permit?
        /// When rejected while open: milliseconds until probing starts; 0 otherwise.
        public var retryAfterMs: Int64
        /// The transition this request caused (open → half-open), if any.
        public var transition: Transition?

        /// Whether the request may be sent.
        public var isPermitted: Bool { permit != nil }
    }

    private enum State: Sendable {
        case closed(window: OutcomeWindow, consecutiveFailures: Int)
        case open(until: ConnectivityInstant)
        case halfOpen(admitted: Int, succeeded: Int)
    }

    /// The thresholds in force.
    public let configuration: Configuration
    private var state: State
    private var generation: UInt64 = 0

    /// A closed breaker.
    /// - Parameter configuration: thresholds.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.state = .closed(window: OutcomeWindow(capacity: configuration.window), consecutiveFailures: 0)
    }

    /// The current phase (an open breaker whose period has passed still
    /// reports `.open` until the next request moves it to half-open).
    public var phase: Phase {
        switch state {
        case .closed: .closed
        case .open: .open
        case .halfOpen: .halfOpen
        }
    }

    /// Whether a request may go to the endpoint now, without admitting one:
    /// false while open within its period or half-open with every probe slot taken.
    /// - Parameter now: the current time.
    public func wouldPermit(now: ConnectivityInstant) -> Bool {
        switch state {
        case .closed: true
        case .open(let until): now >= until
        case .halfOpen(let admitted, _): admitted < configuration.halfOpenProbes
        }
    }

    /// Ask to send a request to the endpoint.
    /// - Parameter now: the current time.
    /// - Returns: a permit (or a rejection with the time until probing), and
    ///   the open → half-open transition when this request started probing.
    public mutating func requestPermitted(now: ConnectivityInstant) -> Decision {
        switch state {
        case .closed:
            return Decision(permit: Permit(generation: generation, isProbe: false), retryAfterMs: 0, transition: nil)
        case .open(let until):
            guard now >= until else {
                return Decision(permit: nil, retryAfterMs: until - now, transition: nil)
            }
            let transition = move(to: .halfOpen(admitted: 1, succeeded: 0), reason: .openPeriodElapsed, now: now)
            return Decision(permit: Permit(generation: generation, isProbe: true), retryAfterMs: 0, transition: transition)
        case .halfOpen(let admitted, let succeeded):
            guard admitted < configuration.halfOpenProbes else {
                return Decision(permit: nil, retryAfterMs: 0, transition: nil)
            }
            state = .halfOpen(admitted: admitted + 1, succeeded: succeeded)
            return Decision(permit: Permit(generation: generation, isProbe: true), retryAfterMs: 0, transition: nil)
        }
    }

    /// Record how a permitted request ended.
    /// - Parameters:
    ///   - outcome: success, failure or ignored.
    ///   - permit: the permit the request was sent with.
    ///   - now: the current time.
    /// - Returns: the transition it caused, if any.
    @discardableResult
    public mutating func recorded(_ outcome: Outcome, permit: Permit, now: ConnectivityInstant) -> Transition? {
        guard permit.generation == generation else { return nil }
        switch state {
        case .closed(var window, var consecutive):
            guard outcome != .ignored else { return nil }
            let failed = outcome == .failure
            window.record(failure: failed)
            consecutive = failed ? consecutive + 1 : 0
            if consecutive >= configuration.consecutiveFailures {
                return move(to: .open(until: now + configuration.openMs),
                            reason: .consecutiveFailures(count: consecutive), now: now)
            }
            if window.count >= configuration.minimumCalls,
               Double(window.failures) >= configuration.failureRate * Double(window.count) {
                return move(to: .open(until: now + configuration.openMs),
                            reason: .failureRate(failures: window.failures, calls: window.count), now: now)
            }
            state = .closed(window: window, consecutiveFailures: consecutive)
            return nil
        case .open:
            return nil
        case .halfOpen(let admitted, let succeeded):
            switch outcome {
            case .ignored:
                state = .halfOpen(admitted: max(succeeded, admitted - 1), succeeded: succeeded)
                return nil
            case .failure:
                return move(to: .open(until: now + configuration.openMs), reason: .probeFailed, now: now)
            case .success:
                let done = succeeded + 1
                if done >= configuration.halfOpenProbes {
                    return move(to: .closed(window: OutcomeWindow(capacity: configuration.window), consecutiveFailures: 0),
                                reason: .probesSucceeded(probes: done), now: now)
                }
                state = .halfOpen(admitted: admitted, succeeded: done)
                return nil
            }
        }
    }

    private mutating func move(to next: State, reason: Reason, now: ConnectivityInstant) -> Transition {
        let from = phase
        state = next
        generation &+= 1
        return Transition(from: from, to: phase, reason: reason, at: now)
    }
}
