/// A transparency-log operation failed. Equal by ``code``.
public struct TransparencyLogError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure; may grow.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let name: String
        /// A file-system call failed.
        public static let io = Code(name: "io")
        /// The log file is not a log file or is damaged before its last record.
        public static let corrupt = Code(name: "corrupt")
        /// An entry is empty or larger than ``TransparencyLog/maxEntryLength``.
        public static let entrySize = Code(name: "entrySize")
        public var description: String { name }
    }

    /// The kind of failure.
    public let code: Code
    /// What exactly went wrong, for people.
    public let reason: String
    /// Where the error was raised.
    public let file: String
    /// The line where the error was raised.
    public let line: Int

    /// An error of kind `code`.
    /// - Parameters:
    ///   - code: the kind of failure.
    ///   - reason: a sentence for people.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String { "\(code): \(reason)" }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
