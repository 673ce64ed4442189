import PavilionCore

/// Why a manifest was refused: every problem found in the file, in order of
/// position.
public struct ManifestError: Error, Sendable, CustomStringConvertible {
    /// The problems, sorted by file, line and column.
    public var diagnostics: [Diagnostic]

    /// - Parameter diagnostics: the problems, in any order; they are sorted.
    public init(diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics.sorted { a, b in
            a.location == b.location ? a.message < b.message : a.location < b.location
        }
    }

    /// One diagnostic per line, `path:line:column: error: message`.
    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
