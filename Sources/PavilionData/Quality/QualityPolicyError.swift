/// Why a quality policy was refused when compiled. Equal by code.
public struct QualityPolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; more may be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A member has the wrong type or an impossible value.
        public static let invalidValue = Code("invalidValue")
        /// A member the policy does not know (likely a typo).
        public static let unknownMember = Code("unknownMember")
        /// A consistency rule does not parse.
        public static let invalidRule = Code("invalidRule")
    }

    /// The kind.
    public let code: Code
    /// Why, naming the member.
    public let reason: String
    /// The member's path in the policy, e.g. `consistency[1].rule`.
    public let path: String
    /// Where it was raised.
    public let file: String
    /// Where it was raised.
    public let line: Int

    /// - Parameters:
    ///   - code: the kind.
    ///   - reason: why.
    ///   - path: the member's path.
    public init(_ code: Code, _ reason: String, path: String = "", file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.path = path
        self.file = file
        self.line = line
    }

    /// The same error at `path` (prefixing any path it has).
    func at(_ prefix: String) -> QualityPolicyError {
        QualityPolicyError(code, reason, path: path.isEmpty ? prefix : prefix + "." + path, file: file, line: line)
    }

    /// `consistency[1].rule: column 12: expected …`.
    public var description: String { path.isEmpty ? reason : "\(path): \(reason)" }
    public static func == (a: Self, b: Self) -> Bool { a.code == b.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
