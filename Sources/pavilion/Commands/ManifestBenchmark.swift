import Foundation
import PavilionCore
import PavilionManifest

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
        var figures: [String: JSONValue] = [
            "load_1000_ms": .double(Stopwatch.median(rounds)),
            "target_ms": 1000,
        ]
        if let python {
            figures["python_yaml_load_1000_ms"] = .double(python)
            figures["ratio_vs_python_yaml"] = .double(python / Stopwatch.median(rounds))
        }
        return .object(figures)
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return Double(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

/// A benchmark that could not run.
struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
