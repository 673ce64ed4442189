import Foundation
import PavilionCore
import PavilionPlugins

/// `pavilion connector new|test`.
enum ConnectorCommand {
    static func run(_ words: [String]) throws -> Int32 {
        guard let sub = words.first else { throw UsageError("connector needs a subcommand: new or test") }
        let rest = Array(words.dropFirst())
        switch sub {
        case "new": return try ConnectorScaffold.run(rest)
        case "test": return try ConformanceCommand.run(rest)
        default: throw UsageError("unknown connector subcommand '\(sub)' (new, test)")
        }
    }
}

/// `pavilion connector test MANIFEST [--json]`.
///
/// The suite runs in a child process (this executable with the hidden
/// `--worker` flag) that streams one JSON line per event, so that a plugin
/// that crashes is reported as a failed check naming where it crashed, and
/// the report still reaches the user.
enum ConformanceCommand {
    static func run(_ words: [String]) throws -> Int32 {
        let args = try Arguments(words, flags: ["json", "worker"], options: ["cache"])
        guard args.positional.count == 1, let manifest = args.positional.first else {
            throw UsageError("connector test needs exactly one MANIFEST")
        }
        let cache = URL(fileURLWithPath: args.option("cache") ?? defaultCache())
        if args.flag("worker") { return worker(manifest: manifest, cache: cache) }

        let report = try supervise(manifest: manifest, cache: cache)
        Output.out(args.flag("json") ? report.json.prettySerialized : report.text)
        return report.passed ? 0 : 1
    }

    /// Where verified libraries are copied before loading: private to the user.
    static func defaultCache() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("pavilion-conformance-\(getuid())").path
    }

    /// Run the suite in this process, streaming events as JSON lines.
    static func worker(manifest: String, cache: URL) -> Int32 {
        let report = ConformanceSuite(manifestPath: manifest, cacheDirectory: cache).run { event in
            switch event {
            case .begin(let name): Output.out(JSONValue.object(["begin": .string(name)]).serialized)
            case .finished(let check): Output.out(JSONValue.object(["check": check.json]).serialized)
            }
        }
        Output.out(JSONValue.object(["connector": report.connector.map(JSONValue.string) ?? .null,
                                     "version": report.version.map(JSONValue.string) ?? .null]).serialized)
        return report.passed ? 0 : 1
    }

    /// Run the worker and rebuild its report, adding a failed check if it died.
    static func supervise(manifest: String, cache: URL) throws -> ConformanceReport {
        let run = try ChildProcesses.capture(ChildProcesses.currentExecutable,
                                             ["connector", "test", "--worker", "--cache", cache.path, manifest],
                                             keepStandardError: true)
        let output = run.output

        var report = ConformanceReport(manifest: manifest)
        var current: String?
        for line in output.split(separator: UInt8(ascii: "\n")) {
            guard let event = try? JSONParser().parse(bytes: line) else { continue }
            if let name = event["begin"]?.stringValue {
                current = name
            } else if let check = event["check"].flatMap(ConformanceCheck.init(json:)) {
                report.checks.append(check)
                current = nil
            } else if event["connector"] != nil {
                report.connector = event["connector"]?.stringValue
                report.version = event["version"]?.stringValue
            }
        }
        if let signal = run.signal {
            report.checks.append(ConformanceCheck(
                name: current ?? "suite", passed: false,
                detail: "the connector crashed the process (signal \(signal)) during this check"))
        } else if let status = run.exitStatus, ![0, 1].contains(status) {
            report.checks.append(ConformanceCheck(
                name: current ?? "suite", passed: false, detail: "the suite exited with status \(status)"))
        }
        return report
    }
}
