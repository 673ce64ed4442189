import PavilionCore
import PavilionManifest
import PavilionPlugins
import Synchronization

/// The compiled data stages of each serving manifest, by connector name.
///
/// ``DataManifestSource`` fills it when a manifest is loaded (so a manifest
/// whose transforms, quality policy or keys do not compile is refused like
/// any other bad manifest, and the last good version keeps serving); the
/// pipeline reads it per verification. A manifest it has not seen (a
/// pipeline built without the source, in tests) is compiled on first use.
public final class DataStageCache: Sendable {
    private struct Entry: Sendable {
        var manifest: Manifest
        var stages: CompiledDataStages
    }

    private let entries = Mutex<[String: Entry]>([:])

    public init() {}

    /// The compiled stages for `manifest`, compiling them if this exact
    /// manifest has not been compiled yet.
    /// - Parameter manifest: a validated manifest.
    /// - Returns: its stages.
    /// - Throws: ``DataStageError`` when they do not compile.
    public func stages(for manifest: Manifest) throws(DataStageError) -> CompiledDataStages {
        if let entry = entries.withLock({ $0[manifest.name] }), entry.manifest == manifest { return entry.stages }
        let stages = try CompiledDataStages.compile(manifest)
        entries.withLock { $0[manifest.name] = Entry(manifest: manifest, stages: stages) }
        return stages
    }
}

/// The host's ``ManifestSource``: `ManifestLoader.load(path:)`, then the
/// data stages compiled into a ``DataStageCache``; a manifest whose data
/// sections do not compile fails to load with `file:line:column` diagnostics.
public struct DataManifestSource: ManifestSource {
    /// Where the compiled stages go.
    public let cache: DataStageCache

    /// - Parameter cache: where the compiled stages go.
    public init(cache: DataStageCache) { self.cache = cache }

    public func loadManifest(path: String) -> Result<Manifest, ManifestSourceError> {
        let manifest: Manifest
        do { manifest = try ManifestLoader.load(path: path) } catch {
            return .failure(ManifestSourceError(diagnostics: error.diagnostics))
        }
        do { _ = try cache.stages(for: manifest) } catch {
            return .failure(ManifestSourceError(diagnostics: error.diagnostics))
        }
        return .success(manifest)
    }
}
