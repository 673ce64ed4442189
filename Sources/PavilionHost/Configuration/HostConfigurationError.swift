import PavilionCore

/// Why a configuration file (`pavilion.yaml`, the secrets file) was refused:
/// every problem found, each as `path:line:column: error: message`.
public struct HostConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problems, in order of position.
    public var diagnostics: [Diagnostic]

    /// - Parameter diagnostics: the problems, in any order; they are sorted.
    public init(diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics.sorted { a, b in
            a.location == b.location ? a.message < b.message : a.location < b.location
        }
    }

    /// One problem at `location`.
    public init(_ location: SourceLocation, _ message: String) {
        self.init(diagnostics: [Diagnostic(location, message)])
    }

    /// One diagnostic per line.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
