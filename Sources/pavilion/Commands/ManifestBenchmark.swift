import Foundation
import PavilionCore
import PavilionManifest
import PavilionPlugins

/// `pavilion bench manifests`: time to parse and validate 1,000 manifests,
/// beside PyYAML's C loader reading the same files in the same run.
enum ManifestBenchmark {
    static func run(connectorsDirectory: String) throws -> JSONValue {
        let template = try String(contentsOfFile: "\(connectorsDirectory)/echo.yaml", encoding: .utf8)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pavilion-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var paths: [String] = []
        for i in 0..<1000 {
            let text = template.replacingOccurrences(of: "metadata:\n  name: echo\n", with: "metadata:\n  name: echo-\(i)\n")
            guard text != template else { throw BenchError("echo.yaml has no 'metadata: name: echo' to vary") }
            let path = dir.appendingPathComponent("echo-\(i).yaml").path
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            paths.append(path)
        }
        Output.err("bench manifests: loading 1000 manifests, 5 rounds")
        var rounds: [Double] = []
        for _ in 0..<5 {
            var failures = 0
            let ns = Stopwatch.nanoseconds {
                for path in paths where (try? ManifestLoader.load(path: path)) == nil { failures += 1 }
            }
            guard failures == 0 else { throw BenchError("\(failures) of 1000 generated manifests failed to load") }
            rounds.append(Double(ns) / 1e6)
        }
        let python = pythonYAMLMilliseconds(directory: dir.path)
        let reload = try hotReloadMilliseconds(connectorsDirectory: connectorsDirectory)
        var figures: [String: JSONValue] = [
            "load_1000_ms": .double(Stopwatch.median(rounds)),
            "target_ms": 1000,
            "hot_reload_ms": .double(Stopwatch.median(reload)),
            "hot_reload_max_ms": .double(reload.max() ?? 0),
            "hot_reload_target_ms": 1000,
        ]
        if let python {
            figures["python_yaml_load_1000_ms"] = .double(python)
            figures["ratio_vs_python_yaml"] = .double(python / Stopwatch.median(rounds))
        }
        return .object(figures)
    }

    /// From writing a manifest into a watched folder to its connector
    /// serving, five times: the registry's polling watcher at work.
    private static func hotReloadMilliseconds(connectorsDirectory: String) throws -> [Double] {
        let source = URL(fileURLWithPath: connectorsDirectory)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pavilion-reload-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("lib"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.copyItem(at: source.appendingPathComponent("lib/libpv_echo.so"),
                                         to: dir.appendingPathComponent("lib/libpv_echo.so"))
        let template = try String(contentsOf: source.appendingPathComponent("echo.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "fixtures: [fixtures/echo.json]", with: "fixtures: []")
        let cache = URL(fileURLWithPath: ConformanceCommand.defaultCache())
        let registry = ConnectorRegistry(loader: LibraryLoader(cacheDirectory: cache), manifests: FileManifestSource())
        registry.reload(directory: dir)
        let watcher = registry.watch(directory: dir)
        defer { watcher.stop() }
        Output.err("bench manifests: hot reload, 5 additions and removals in a watched folder")
        var times: [Double] = []
        let file = dir.appendingPathComponent("echo.yaml")
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            try Data(template.utf8).write(to: file, options: .atomic)
            guard registry.wait(timeout: 10, until: { $0.instance(named: "echo") != nil }) else {
                throw BenchError("the watcher did not load echo within 10 s: \(registry.status(named: "echo").map { "\($0)" } ?? "not seen")")
            }
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            try FileManager.default.removeItem(at: file)
            guard registry.wait(timeout: 10, until: { $0.status(named: "echo") == nil }) else {
                throw BenchError("the watcher did not unload echo within 10 s")
            }
        }
        return times
    }

    /// PyYAML (CSafeLoader when available) parsing the same files: a
    /// reference for what parsing alone costs, without validation.
    private static func pythonYAMLMilliseconds(directory: String) -> Double? {
        let script = """
            import glob, time, yaml
            L = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)
            files = sorted(glob.glob('\(directory)/*.yaml'))
            best = []
            for _ in range(5):
                t = time.perf_counter()
                for f in files:
                    with open(f) as h: yaml.load(h, Loader=L)
                best.append((time.perf_counter() - t) * 1000)
            best.sort(); print(best[2])
            """
        guard let output = BenchProcess.output(["python3", "-c", script]) else { return nil }
        return Double(output.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// A benchmark that could not run.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
