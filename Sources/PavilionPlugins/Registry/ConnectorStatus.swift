/// What the registry says about one connector name.
public struct ConnectorStatus: Sendable, Hashable {
    /// Where the connector stands.
    public enum State: Sendable, Hashable {
        /// Serving this version.
        case loaded(version: String, claims: [String], regions: [String])
        /// Never loaded successfully; the reason.
        case failed(reason: String)
        /// Its manifest is gone; it unloads when its running exchanges end.
        case draining
    }

    /// The connector's manifest name.
    public var name: String
    /// The manifest file that defines it.
    public var file: String
    /// Where it stands.
    public var state: State
    /// The reason the most recent load of a changed manifest or library
    /// failed while the previous version kept serving; `nil` when the last
    /// attempt succeeded.
    public var lastFailure: String?

    /// - Parameters: the fields as described above.
    public init(name: String, file: String, state: State, lastFailure: String? = nil) {
        self.name = name
        self.file = file
        self.state = state
        self.lastFailure = lastFailure
    }
}

/// What one ``ConnectorRegistry/reload(directory:)`` did.
public struct ReloadReport: Sendable, Hashable {
    /// Names loaded for the first time.
    public var added: [String] = []
    /// Names whose new version replaced the old.
    public var changed: [String] = []
    /// Names whose manifest disappeared (now draining).
    public var removed: [String] = []
    /// Problems, by manifest file: `path:line:column: error: message`.
    public var failures: [String: String] = [:]

    /// An empty report.
    public init() {}

    /// Whether nothing changed and nothing failed.
    public var isEmpty: Bool { added.isEmpty && changed.isEmpty && removed.isEmpty && failures.isEmpty }
}
