/// Why a store operation failed. Equal by ``code``; the rest is context.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure, stable for callers to branch on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The input is not acceptable (bad identifier, name, token, size).
        public static let invalidInput = Code("invalidInput")
        /// A record with this identifier already exists.
        public static let duplicate = Code("duplicate")
        /// A record the operation needs does not exist.
        public static let notFound = Code("notFound")
        /// The database file is not a database, or is damaged.
        public static let corruptDatabase = Code("corruptDatabase")
        /// The database was written by a newer Pavilion (higher schema version).
        public static let schemaTooNew = Code("schemaTooNew")
        /// Applying a schema migration failed; nothing of it was kept.
        public static let migrationFailed = Code("migrationFailed")
        /// The database stayed locked by another writer past the busy timeout.
        public static let busy = Code("busy")
        /// Any other database failure.
        public static let database = Code("database")
        /// A file in the data directory could not be created, read or secured.
        public static let fileSystem = Code("fileSystem")
        /// A cryptographic operation failed (randomness, signing).
        public static let crypto = Code("crypto")
    }

    /// The kind of failure.
    public let code: Code
    /// What went wrong, for people.
    public let reason: String
    /// The C call that failed underneath, e.g. `sqlite3_step`, if any.
    public let call: String?
    /// The library's result code (SQLite extended code, `errno`), if any.
    public let resultCode: Int32?
    /// Where the error was raised.
    public let file: String
    /// Where the error was raised.
    public let line: Int

    /// - Parameters:
    ///   - code: the kind of failure.
    ///   - reason: what went wrong.
    ///   - call: the failing C call, if any.
    ///   - resultCode: the library's result code, if any.
    public init(_ code: Code, _ reason: String, call: String? = nil, resultCode: Int32? = nil,
                file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.call = call
        self.resultCode = resultCode
        self.file = file
        self.line = line
    }

    public static func == (lhs: StoreError, rhs: StoreError) -> Bool { lhs.code == rhs.code }

    public var description: String {
        var text = "\(code): \(reason)"
        if let call { text += " (\(call)" + (resultCode.map { " returned \($0)" } ?? "") + ")" }
        return text
    }
}
