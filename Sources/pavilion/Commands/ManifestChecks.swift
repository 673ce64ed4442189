import PavilionCore
import PavilionManifest
import PavilionPlugins

/// The checks `manifest lint` runs on one file, without loading any code.
enum ManifestChecks {
    /// Every problem in `file`: the manifest's own; when it has none, its
    /// library's (exists, matches its pin) and its fixture files'.
    static func lint(_ file: String) -> [Diagnostic] {
        let manifest: Manifest
        do {
            manifest = try ManifestLoader.load(path: file)
        } catch {
            return error.diagnostics
        }
        var problems: [Diagnostic] = []
        do {
            _ = try LibraryLoader.verifiedBytes(of: manifest)
        } catch {
            problems.append(Diagnostic(error.location ?? manifest.location(of: "spec.library"), error.message))
        }
        for (i, fixture) in manifest.fixtures.enumerated() {
            do {
                _ = try RecordedFixture.load(path: fixture)
            } catch {
                problems.append(Diagnostic(manifest.location(of: "spec.tests.fixtures[\(i)]"), "fixture \(error.file): \(error.message)"))
            }
        }
        return problems
    }
}
