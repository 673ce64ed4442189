/// Passive outlier detection over the endpoints of one region.
///
/// An endpoint that answers with `consecutiveErrors` 5xx responses or
/// timeouts in a row is ejected for `baseEjectionMs × n`, where n counts its
/// ejections (capped at `maxEjectionMs`); n goes back to zero once it has
/// stayed in for `maxEjectionMs`. At most `maxEjectedPercent` of the endpoints
/// are ejected at once, and never the last one: when the cap is reached the
/// endpoint stays in and an ``Event/ejectionSkipped(endpoint:at:)`` is reported.
public struct OutlierDetector: Sendable {
    /// Ejection settings.
    public struct Configuration: Sendable, Hashable {
        /// 5xx/timeouts in a row that eject an endpoint (default 5).
        public var consecutiveErrors: Int
        /// Ejection time for a first ejection (default 30 000 ms).
        public var baseEjectionMs: Int64
        /// Longest ejection, and the quiet time that forgets past ejections (default 300 000 ms).
        public var maxEjectionMs: Int64
        /// Largest share of the endpoints ejected at once, in percent (default 50).
        public var maxEjectedPercent: Int

        /// Settings, each with its documented default.
        public init(consecutiveErrors: Int = 5, baseEjectionMs: Int64 = 30_000, maxEjectionMs: Int64 = 300_000,
                    maxEjectedPercent: Int = 50) {
            self.consecutiveErrors = max(1, consecutiveErrors)
            self.baseEjectionMs = max(1, baseEjectionMs)
            self.maxEjectionMs = max(self.baseEjectionMs, maxEjectionMs)
            self.maxEjectedPercent = min(100, max(0, maxEjectedPercent))
        }
    }

    /// How an exchange ended, as far as outlier detection cares.
    public enum Outcome: Sendable, Hashable {
        /// A 2xx/3xx answer: resets the error run.
        case success
        /// A 5xx answer.
        case serverError
        /// No answer within the deadline, or the connection was refused or reset.
        case timeout
        /// A 4xx answer: the caller's problem, neither resets nor counts.
        case clientError
    }

    /// Something the audit log should record.
    public enum Event: Sendable, Hashable {
        /// `endpoint` is out until `until`; `ejections` counts its ejections.
        case ejected(endpoint: String, until: ConnectivityInstant, ejections: Int)
        /// `endpoint` passed the threshold but the ejection cap kept it in.
        case ejectionSkipped(endpoint: String, at: ConnectivityInstant)
        /// `endpoint` is back in.
        case readmitted(endpoint: String, at: ConnectivityInstant)
    }

    private struct EndpointState: Sendable {
        var errorRun = 0
        var ejections = 0
        var ejectedUntil: ConnectivityInstant?
        var inSince: ConnectivityInstant?
    }

    /// The settings in force.
    public let configuration: Configuration
    /// The endpoints watched, in the order given.
    public let endpoints: [String]
    private var states: [String: EndpointState]

    /// Watch `endpoints`, all in.
    /// - Parameters:
    ///   - endpoints: the endpoints of one region (duplicates are merged).
    ///   - configuration: ejection settings.
    public init(endpoints: [String], configuration: Configuration = Configuration()) {
        var seen = Set<String>()
        self.endpoints = endpoints.filter { seen.insert($0).inserted }
        self.configuration = configuration
        self.states = Dictionary(uniqueKeysWithValues: self.endpoints.map { ($0, EndpointState()) })
    }

    /// The most endpoints that may be out at once: the percentage, rounded
    /// down, and always leaving at least one in.
    public var maxEjected: Int {
        min(endpoints.count * configuration.maxEjectedPercent / 100, max(0, endpoints.count - 1))
    }

    /// The endpoints out at `now` (call ``advance(to:)`` to report readmissions).
    /// - Parameter now: the current time.
    public func ejected(now: ConnectivityInstant) -> Set<String> {
        Set(states.compactMap { key, value in
            guard let until = value.ejectedUntil, now < until else { return nil }
            return key
        })
    }

    /// Readmit endpoints whose ejection has ended.
    /// - Parameter now: the current time.
    /// - Returns: one ``Event/readmitted(endpoint:at:)`` per endpoint back in.
    public mutating func advance(to now: ConnectivityInstant) -> [Event] {
        var events: [Event] = []
        for name in endpoints {
            guard var s = states[name], let until = s.ejectedUntil, now >= until else { continue }
            s.ejectedUntil = nil
            s.errorRun = 0
            s.inSince = until
            states[name] = s
            events.append(.readmitted(endpoint: name, at: now))
        }
        return events
    }

    /// Readmit `endpoint` now, whatever its ejection time (an active health
    /// check found it healthy). Its ejection count is kept.
    /// - Parameters:
    ///   - endpoint: the endpoint.
    ///   - now: the current time.
    /// - Returns: ``Event/readmitted(endpoint:at:)`` when it was out, else `nil`.
    public mutating func readmit(_ endpoint: String, now: ConnectivityInstant) -> Event? {
        guard var s = states[endpoint], s.ejectedUntil != nil else { return nil }
        s.ejectedUntil = nil
        s.errorRun = 0
        s.inSince = now
        states[endpoint] = s
        return .readmitted(endpoint: endpoint, at: now)
    }

    /// Record an exchange's outcome with `endpoint`.
    /// - Parameters:
    ///   - outcome: how it ended.
    ///   - endpoint: the endpoint; unknown endpoints are ignored.
    ///   - now: the current time.
    /// - Returns: readmissions due by `now`, then the ejection (or skipped ejection) this caused.
    public mutating func recorded(_ outcome: Outcome, endpoint: String, now: ConnectivityInstant) -> [Event] {
        var events = advance(to: now)
        guard var s = states[endpoint], s.ejectedUntil == nil else { return events }
        switch outcome {
        case .success: s.errorRun = 0
        case .clientError: break
        case .serverError, .timeout: s.errorRun += 1
        }
        if s.errorRun >= configuration.consecutiveErrors {
            s.errorRun = 0
            if ejected(now: now).count < maxEjected {
                if let since = s.inSince, now - since >= configuration.maxEjectionMs { s.ejections = 0 }
                s.ejections += 1
                let (scaled, overflow) = configuration.baseEjectionMs.multipliedReportingOverflow(by: Int64(s.ejections))
                let duration = overflow ? configuration.maxEjectionMs : min(scaled, configuration.maxEjectionMs)
                let until = now + duration
                s.ejectedUntil = until
                events.append(.ejected(endpoint: endpoint, until: until, ejections: s.ejections))
            } else {
                events.append(.ejectionSkipped(endpoint: endpoint, at: now))
            }
        }
        states[endpoint] = s
        return events
    }
}
