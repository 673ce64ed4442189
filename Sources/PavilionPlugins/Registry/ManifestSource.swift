import PavilionCore
import PavilionManifest

/// Why a manifest file could not be turned into a ``Manifest``: the
/// diagnostics, each with `file:line:column`.
public struct ManifestSourceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, where.
    public var diagnostics: [Diagnostic]

    /// - Parameter diagnostics: what is wrong, where.
    public init(diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    /// One diagnostic per line.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// The seam between the registry and the manifest parser: read and validate
/// one manifest file. The host wires in `ManifestLoader.load(path:)`.
public protocol ManifestSource: Sendable {
    /// Parse and validate the manifest at `path`.
    /// - Parameter path: the file, as found in the watched folder.
    /// - Returns: the manifest, or its diagnostics.
    func loadManifest(path: String) -> Result<Manifest, ManifestSourceError>
}

/// A ``ManifestSource`` backed by a closure, e.g.
/// `ClosureManifestSource { path in Result { try ManifestLoader.load(path: path) }.mapError { .init(diagnostics: $0.diagnostics) } }`.
public struct ClosureManifestSource: ManifestSource {
    private let body: @Sendable (String) -> Result<Manifest, ManifestSourceError>

    /// - Parameter body: parses one file.
    public init(_ body: @escaping @Sendable (String) -> Result<Manifest, ManifestSourceError>) { self.body = body }

    /// Calls the closure.
    public func loadManifest(path: String) -> Result<Manifest, ManifestSourceError> { body(path) }
}

/// The real ``ManifestSource``: `ManifestLoader.load(path:)`.
public struct FileManifestSource: ManifestSource {
    public init() {}

    /// Parse and validate the manifest file at `path`.
    public func loadManifest(path: String) -> Result<Manifest, ManifestSourceError> {
        do {
            return .success(try ManifestLoader.load(path: path))
        } catch {
            return .failure(ManifestSourceError(diagnostics: error.diagnostics))
        }
    }
}
