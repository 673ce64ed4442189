import PavilionCore
import PavilionManifest

/// The checks `manifest lint` runs on one file.
enum ManifestChecks {
    /// Every problem in `file`: the manifest's own, then its library's.
    static func lint(_ file: String) -> [Diagnostic] {
        do {
            _ = try ManifestLoader.load(path: file)
            return []
        } catch {
            return error.diagnostics
        }
    }
}
