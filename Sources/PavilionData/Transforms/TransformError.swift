/// Why a transform program could not be compiled, or could not be applied
/// to a record.
///
/// Equal by ``code``. Reasons never quote record values: transforms see
/// personal data and errors reach logs.
public struct TransformError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of problem.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// The code's name, e.g. `invalidProgram`.
        public var description: String { name }

        /// Compile time: the description is not a valid program (unknown
        /// operation or key, missing key, wrong type or value).
        public static let invalidProgram = Code("invalidProgram")
        /// Run time: the record is not a JSON object.
        public static let notAnObject = Code("notAnObject")
        /// Run time: a field's value cannot be transformed (wrong type,
        /// not a phone number, an impossible date, an unmapped value).
        public static let invalidValue = Code("invalidValue")
        /// Run time: a step would overwrite a field that already exists.
        public static let fieldConflict = Code("fieldConflict")
        /// Run time: a `hash` or `tokenize` step ran without a keyed hash
        /// in the ``TransformContext``.
        public static let keyUnavailable = Code("keyUnavailable")
    }

    /// The kind of problem.
    public let code: Code
    /// What is wrong, for people; never quotes record values.
    public let reason: String
    /// 0-based index of the step in the program.
    public let step: Int
    /// At compile time the key path inside the step (`normalize.as`); at
    /// run time the record field the step was working on.
    public let field: String?
    /// Where in Pavilion the error was raised (`#fileID:#line`).
    public let raisedAt: String

    /// - Parameters:
    ///   - code: the kind of problem.
    ///   - reason: what is wrong, without record values.
    ///   - step: 0-based step index.
    ///   - field: key path in the step, or the record field.
    public init(_ code: Code, _ reason: String, step: Int, field: String?, fileID: String = #fileID, sourceLine: Int = #line) {
        self.code = code
        self.reason = reason
        self.step = step
        self.field = field
        self.raisedAt = "\(fileID):\(sourceLine)"
    }

    /// `[step].key: reason` at compile time, `[step] field "f": reason` at run time.
    public var description: String {
        switch (code, field) {
        case (.invalidProgram, let key?): return "[\(step)].\(key): \(reason)"
        case (.invalidProgram, nil): return "[\(step)]: \(reason)"
        case (_, let field?): return "[\(step)] field \"\(field)\": \(reason)"
        case (_, nil): return "[\(step)]: \(reason)"
        }
    }

    /// Equal when the codes are equal.
    public static func == (lhs: TransformError, rhs: TransformError) -> Bool { lhs.code == rhs.code }
    /// Hashes the code only, consistent with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

/// A reason a value could not be transformed, before it is given its step
/// and field.
struct TransformProblem: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}
