import Foundation
import PavilionCore
import PavilionManifest
import PavilionPlugins

/// `pavilion bench SUITE`: one JSON object of figures on stdout, progress on
/// stderr. Each figure that has a reference is measured beside it in the
/// same run.
enum BenchCommand {
    static func run(_ words: [String]) throws -> Int32 {
        let args = try Arguments(words, flags: ["quick", "psi-10m"], options: ["dir", "duration", "connections", "idle"])
        guard args.positional.count == 1, let suite = args.positional.first else {
            throw UsageError("bench needs exactly one suite: abi, manifests, http, signing, privacy, data or connectivity")
        }
        let directory = args.option("dir") ?? "connectors.d"
        let figures: JSONValue
        switch suite {
        case "abi": figures = try ABIBenchmark.run(connectorsDirectory: directory)
        case "manifests": figures = try ManifestBenchmark.run(connectorsDirectory: directory)
        case "http": figures = try HTTPBenchmark.run(connectorsDirectory: directory, quick: args.flag("quick"), arguments: args)
        case "signing": figures = try SigningBenchmark.run(quick: args.flag("quick"))
        case "privacy": figures = try PrivacyBenchmark.run(quick: args.flag("quick"), psi10M: args.flag("psi-10m"))
        case "data": figures = try DataBenchmark.run(quick: args.flag("quick"))
        case "connectivity": figures = try ConnectivityBenchmark.run(connectorsDirectory: directory, quick: args.flag("quick"))
        default: throw UsageError("unknown bench suite '\(suite)' (abi, manifests, http, signing, privacy, data, connectivity)")
        }
        Output.out(figures.serialized)
        return 0
    }
}

/// Wall-clock measurement helpers for benchmarks (never used by tests).
enum Stopwatch {
    /// Nanoseconds `body` takes.
    static func nanoseconds(_ body: () throws -> Void) rethrows -> UInt64 {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return DispatchTime.now().uptimeNanoseconds - start
    }

    /// The median of `values`.
    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}
