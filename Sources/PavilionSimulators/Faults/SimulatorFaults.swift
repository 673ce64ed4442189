import PavilionCore

/// The faults a simulator injects into the provider API it serves (never
/// into its `/_sim/` control API). All values are bounded.
///
/// Per request, in this order: `latencyMs` is waited first; then at most one
/// of `stall` (read the request, never answer: the connection is held until
/// the client or the simulator gives up, at most the simulator's stall
/// limit, then closed), `reset` (close the connection without a byte),
/// `errorRate` (that share of requests answered 503), `status` (answer this
/// status; an error status gets the provider's error body, a success status
/// the normal body), `garbage` (answer 200 with a body that is not JSON).
public struct SimulatorFaults: Sendable, Hashable {
    /// The largest `latencyMs` accepted (60 s).
    public static let maxLatencyMs = 60_000
    /// The most `paths` accepted.
    public static let maxPaths = 32

    /// Milliseconds waited before answering, 0...60,000.
    public var latencyMs: Int
    /// Share of requests answered 503, 0...1.
    public var errorRate: Double
    /// Answer 200 with an invalid (non-JSON, non-UTF-8) body.
    public var garbage: Bool
    /// Read the request and never answer.
    public var stall: Bool
    /// Close the connection without answering.
    public var reset: Bool
    /// Answer with this status (200...599) instead of the normal one.
    public var status: Int?
    /// Path prefixes the faults apply to; empty means every provider path.
    public var paths: [String]

    /// - Parameters: the fields above; the defaults inject nothing.
    public init(latencyMs: Int = 0, errorRate: Double = 0, garbage: Bool = false, stall: Bool = false,
                reset: Bool = false, status: Int? = nil, paths: [String] = []) {
        self.latencyMs = latencyMs
        self.errorRate = errorRate
        self.garbage = garbage
        self.stall = stall
        self.reset = reset
        self.status = status
        self.paths = paths
    }

    /// No faults.
    public static let none = SimulatorFaults()

    /// Check every bound.
    /// - Throws: ``SimulatorError`` `invalidFaults` naming the first value out of bounds.
    public func validate() throws(SimulatorError) {
        guard (0...Self.maxLatencyMs).contains(latencyMs) else {
            throw SimulatorError(.invalidFaults, "latencyMs must be 0...\(Self.maxLatencyMs), not \(latencyMs)")
        }
        guard errorRate.isFinite, (0...1).contains(errorRate) else {
            throw SimulatorError(.invalidFaults, "errorRate must be 0...1, not \(errorRate)")
        }
        if let status, !(200...599).contains(status) {
            throw SimulatorError(.invalidFaults, "status must be 200...599, not \(status)")
        }
        guard paths.count <= Self.maxPaths else {
            throw SimulatorError(.invalidFaults, "paths may hold at most \(Self.maxPaths) prefixes")
        }
        for path in paths where !path.hasPrefix("/") || path.utf8.count > 256 {
            throw SimulatorError(.invalidFaults, "each of paths must start with '/' and be at most 256 bytes")
        }
    }

    /// Whether the faults apply to a request for `path`.
    /// - Parameter path: the request path (without the query).
    /// - Returns: true when `paths` is empty or holds a prefix of `path`.
    public func applies(to path: String) -> Bool {
        paths.isEmpty || paths.contains { path.hasPrefix($0) }
    }

    /// Whether any fault is set.
    public var isActive: Bool {
        latencyMs > 0 || errorRate > 0 || garbage || stall || reset || status != nil
    }
}

extension SimulatorFaults {
    /// The JSON keys, as `POST /_sim/faults` takes them.
    static let keys: Set<String> = ["latencyMs", "errorRate", "garbage", "stall", "reset", "status", "paths"]

    /// Faults from a JSON object such as `{"latencyMs":200,"errorRate":0.5}`.
    /// Keys left out take their "no fault" value (the object replaces the
    /// faults, it is not merged); unknown keys are refused.
    /// - Parameter json: the object.
    /// - Throws: ``SimulatorError`` `invalidFaults` naming the key.
    public init(json: JSONValue) throws(SimulatorError) {
        guard case .object(let members) = json else {
            throw SimulatorError(.invalidFaults, "faults must be a JSON object, not a \(json.typeName)")
        }
        if let unknown = members.keys.sorted().first(where: { !Self.keys.contains($0) }) {
            throw SimulatorError(.invalidFaults,
                                 "unknown fault '\(unknown)'; known: \(Self.keys.sorted().joined(separator: ", "))")
        }
        func bool(_ key: String) throws(SimulatorError) -> Bool {
            guard let value = members[key] else { return false }
            guard let b = value.boolValue else { throw SimulatorError(.invalidFaults, "\(key) must be a boolean") }
            return b
        }
        var faults = SimulatorFaults()
        if let value = members["latencyMs"] {
            guard let ms = value.intValue, let small = Int(exactly: ms) else {
                throw SimulatorError(.invalidFaults, "latencyMs must be an integer")
            }
            faults.latencyMs = small
        }
        if let value = members["errorRate"] {
            guard let rate = value.doubleValue else { throw SimulatorError(.invalidFaults, "errorRate must be a number") }
            faults.errorRate = rate
        }
        if let value = members["status"], value != .null {
            guard let status = value.intValue, let small = Int(exactly: status) else {
                throw SimulatorError(.invalidFaults, "status must be an integer or null")
            }
            faults.status = small
        }
        if let value = members["paths"] {
            guard let array = value.arrayValue else { throw SimulatorError(.invalidFaults, "paths must be an array of strings") }
            var paths: [String] = []
            for element in array {
                guard let path = element.stringValue else {
                    throw SimulatorError(.invalidFaults, "paths must be an array of strings")
                }
                paths.append(path)
            }
            faults.paths = paths
        }
        faults.garbage = try bool("garbage")
        faults.stall = try bool("stall")
        faults.reset = try bool("reset")
        try faults.validate()
        self = faults
    }

    /// The faults as the JSON object `GET /_sim/faults` answers.
    public var json: JSONValue {
        .object([
            "latencyMs": .int(Int64(latencyMs)),
            "errorRate": .double(errorRate),
            "garbage": .bool(garbage),
            "stall": .bool(stall),
            "reset": .bool(reset),
            "status": status.map { .int(Int64($0)) } ?? .null,
            "paths": .array(paths.map { .string($0) }),
        ])
    }
}
