import PavilionCore
import PavilionData
import PavilionHost
import PavilionManifest
import PavilionPlugins

/// The checks `manifest lint` runs on one file, without loading any code.
enum ManifestChecks {
    /// Every problem in `file`: the manifest's own; when it has none, its
    /// library's (exists, matches its pin), its schemas' (compile as JSON
    /// Schema 2020-12), its data stages' (transforms, quality policy,
    /// integrity keys compile as the host compiles them) and its fixture files'.
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
        for (key, schema) in [("spec.schemas.input", manifest.inputSchema), ("spec.schemas.output", manifest.outputSchema)] {
            guard let schema else { continue }
            do {
                _ = try JSONSchema(schema, options: JSONSchema.Options(formatAssertion: true))
            } catch {
                problems.append(Diagnostic(manifest.location(of: key), "\(key) is not a valid JSON Schema 2020-12: \(error)"))
            }
        }
        do { _ = try CompiledDataStages.compile(manifest) } catch { problems += error.diagnostics }
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
