import Foundation
import PavilionCore
import PavilionManifest
import PavilionPlugins

/// `pavilion bench abi`: what one exchange step of the trivial `echo`
/// connector costs through the host's loader and exchange driver, beside the
/// cost of the clock reads that measure it.
enum ABIBenchmark {
    static func run(connectorsDirectory: String) throws -> JSONValue {
        let manifest = try ManifestLoader.load(path: "\(connectorsDirectory)/echo.yaml")
        let cache = URL(fileURLWithPath: ConformanceCommand.defaultCache())
        let plugin = try LibraryLoader(cacheDirectory: cache).load(manifest)
        let instance = try ConnectorInstance(plugin: plugin, settings: manifest.settings)
        defer { instance.close() }
        let query: JSONValue = ["request_id": "bench", "subject": [:], "claims": ["echo"], "purpose": "test", "jurisdiction": "eu"]
        let response = HTTPResponse(status: 200, body: Array("{}".utf8))

        let rounds = 200_000
        Output.err("bench abi: \(rounds) exchanges of the echo connector")
        var steps: [Double] = []
        var exchanges: [Double] = []
        var clock: [Double] = []
        steps.reserveCapacity(rounds)
        exchanges.reserveCapacity(rounds)
        for _ in 0..<rounds {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let exchange = instance.makeExchange()
            _ = try exchange.begin(query: query, tenant: "bench", requestID: "bench")
            let t1 = DispatchTime.now().uptimeNanoseconds
            guard case .result = try exchange.step(response) else { throw BenchError("echo did not answer with a result") }
            let t2 = DispatchTime.now().uptimeNanoseconds
            exchange.end()
            let t3 = DispatchTime.now().uptimeNanoseconds
            let t4 = DispatchTime.now().uptimeNanoseconds
            steps.append(Double(t2 - t1))
            exchanges.append(Double(t3 - t0))
            clock.append(Double(t4 - t3))
        }
        let overhead = Stopwatch.median(clock)
        return [
            "step_ns": .double(max(0, Stopwatch.median(steps) - overhead)),
            "exchange_ns": .double(max(0, Stopwatch.median(exchanges) - overhead)),
            "clock_read_ns": .double(overhead),
            "target_step_ns": 1000,
            "exchanges": .int(Int64(rounds)),
        ]
    }
}
