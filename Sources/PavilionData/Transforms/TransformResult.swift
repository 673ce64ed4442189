import PavilionCore

/// The output of one run of a ``TransformProgram`` and what each step did.
public struct TransformResult: Sendable, Hashable {
    /// The transformed record (a JSON object).
    public var output: JSONValue
    /// One entry per step, in program order.
    public var steps: [TransformStepRecord]

    /// - Parameters:
    ///   - output: the transformed record.
    ///   - steps: what each step did.
    public init(output: JSONValue, steps: [TransformStepRecord]) {
        self.output = output
        self.steps = steps
    }
}

/// What one step did to a record, for lineage. It names fields, never
/// values, so it can be stored and shown without leaking data.
public struct TransformStepRecord: Sendable, Hashable, CustomStringConvertible {
    /// Whether the step changed the record.
    public enum Outcome: Sendable, Hashable {
        /// The step ran.
        case applied
        /// The step's input field was absent or null, so it did nothing.
        case skipped
    }

    /// 0-based index of the step in the program.
    public var index: Int
    /// The operation, e.g. `normalize`.
    public var operation: String
    /// The operation's variant where it has one (`e164`, `hmac-sha256`,
    /// `ranges`, `default` when a map fell back to its default), else empty.
    public var detail: String
    /// Fields the step read.
    public var read: [String]
    /// Fields the step wrote (created or replaced).
    public var wrote: [String]
    /// Fields the step removed.
    public var removed: [String]
    /// Whether it ran.
    public var outcome: Outcome

    /// - Parameters:
    ///   - index: 0-based step index.
    ///   - operation: the operation name.
    ///   - detail: the variant, or empty.
    ///   - read: fields read.
    ///   - wrote: fields written.
    ///   - removed: fields removed.
    ///   - outcome: applied or skipped.
    public init(index: Int, operation: String, detail: String = "", read: [String], wrote: [String] = [],
                removed: [String] = [], outcome: Outcome) {
        self.index = index
        self.operation = operation
        self.detail = detail
        self.read = read
        self.wrote = wrote
        self.removed = removed
        self.outcome = outcome
    }

    /// The record as JSON, for lineage documents.
    public var json: JSONValue {
        .object([
            "index": .int(Int64(index)),
            "operation": .string(operation),
            "detail": .string(detail),
            "read": .array(read.map(JSONValue.string)),
            "wrote": .array(wrote.map(JSONValue.string)),
            "removed": .array(removed.map(JSONValue.string)),
            "outcome": .string(outcome == .applied ? "applied" : "skipped"),
        ])
    }

    /// `[2] normalize e164 phone → phone`.
    public var description: String {
        let op = detail.isEmpty ? operation : "\(operation) \(detail)"
        if outcome == .skipped { return "[\(index)] \(op) skipped (\(read.joined(separator: ", ")) absent)" }
        var s = "[\(index)] \(op) \(read.joined(separator: ", "))"
        if !wrote.isEmpty { s += " → \(wrote.joined(separator: ", "))" }
        if !removed.isEmpty { s += " (removed \(removed.joined(separator: ", ")))" }
        return s
    }
}
