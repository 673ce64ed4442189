import Foundation
import PavilionCore
import PavilionHost
import PavilionManifest
import PavilionNet
import PavilionPlugins
import PavilionSimulators
import Synchronization

/// `pavilion bench connectivity`: the host's DP transport
/// (``ConnectivityTransport``) against echo simulators on loopback.
///
/// - `failover_median_ms` / `failover_max_ms`: over `outages` (≥ 20) outages
///   of region A (its simulator shut down), the time from the start of the
///   outage to the first answer from region B, each request a fresh routing
///   session as a verification makes. A is restarted and traffic returns to
///   it (breaker half-open after 100 ms) before the next outage.
/// - `dp_connections_held`: connections open through the pools to one
///   simulator process while 10,000 requests are in flight at once (the
///   simulator answers after 3 s), and `dp_connections_rss_mb` this process's
///   RSS then (`dp_connections_rss_before_mb` before).
/// - `pooled_overhead_us`: median time per exchange through the transport
///   minus the median of direct `HTTPClient` requests to the same simulator,
///   interleaved in the same run.
enum ConnectivityBenchmark {
    static func run(connectorsDirectory: String, quick: Bool) throws -> JSONValue {
        let manifest = try ManifestLoader.load(path: "\(connectorsDirectory)/echo.yaml")
        let box = Mutex<Result<JSONValue, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let result: Result<JSONValue, any Error>
            do { result = .success(try await measure(manifest: manifest, quick: quick)) } catch { result = .failure(error) }
            box.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        guard let result = box.withLock({ $0 }) else { throw CommandError("bench connectivity: no result") }
        return try result.get()
    }

    private static func progress(_ line: String) { Output.err("bench connectivity: \(line)") }

    private static func measure(manifest base: Manifest, quick: Bool) async throws -> JSONValue {
        let group = try EventLoopGroup(threads: 1)
        defer { group.shutdown() }
        let logger = Logger(level: .error)
        let events = ConnectivityEventLog(logger: logger, capacity: 1024)
        let tracker = ConnectionTracker(events: events, auditConnections: false)
        let client = try HTTPClient(group: group, configuration: HTTPClientConfiguration(
            maxIdlePerEndpoint: 12_000, connectionEvents: tracker.observer))
        defer { client.shutdown() }
        let transport = ConnectivityTransport(client: client, events: events, tracker: tracker)

        let failover = try await failovers(base: base, transport: transport, outages: quick ? 20 : 40)
        let overhead = try await pooledOverhead(base: base, transport: transport, client: client, samples: quick ? 500 : 3000)
        let held = try await heldConnections(base: base, transport: transport, tracker: tracker, count: quick ? 2000 : 10_000)
        return [
            "failover_median_ms": .double(round2(Stopwatch.median(failover.total))),
            "failover_max_ms": .double(round2(failover.total.max() ?? 0)),
            "failover_after_close_median_ms": .double(round2(Stopwatch.median(failover.afterClose))),
            "failover_outages": .int(Int64(failover.total.count)),
            "dp_connections_held": .int(Int64(held.held)),
            "dp_connections_requested": .int(Int64(held.requested)),
            "dp_connections_rss_mb": .double(round2(held.rss)),
            "dp_connections_rss_before_mb": .double(round2(held.rssBefore)),
            "pooled_overhead_us": .double(round2(overhead.pooled - overhead.direct)),
            "pooled_median_us": .double(round2(overhead.pooled)),
            "direct_median_us": .double(round2(overhead.direct)),
        ]
    }

    // MARK: Failover

    private static func failovers(base: Manifest, transport: ConnectivityTransport,
                                  outages: Int) async throws -> (total: [Double], afterClose: [Double]) {
        var a = try DPSimulator(configuration: SimulatorConfiguration(kind: .echo))
        try a.start()
        let b = try DPSimulator(configuration: SimulatorConfiguration(kind: .echo))
        try b.start()
        let portA = a.port
        var manifest = base
        manifest.metadata.name = "bench-failover"
        manifest.regions = [Manifest.Region(name: "region-a", residency: .eu, priority: 1, endpoints: ["http://127.0.0.1:\(portA)"]),
                            Manifest.Region(name: "region-b", residency: .eu, priority: 2, endpoints: [b.url])]
        manifest.connection.breakerConsecutiveFailures = 1
        manifest.connection.breakerOpenMs = 100
        manifest.connection.breakerHalfOpenProbes = 1
        manifest.connection.outlierBaseEjectionMs = 100
        manifest.connection.outlierMaxEjectionMs = 100
        manifest.connection.requestTimeoutMs = 1000
        var samples: [Double] = [], afterClose: [Double] = []
        progress("failover: \(outages) outages of region-a")
        for _ in 0..<outages {
            // Traffic on region-a first.
            let back = ContinuousClock.now + .seconds(10)
            while try await answeringRegion(manifest, transport) != "region-a" {
                guard ContinuousClock.now < back else { throw CommandError("region-a did not take traffic back") }
                try await Task.sleep(for: .milliseconds(5))
            }
            let outage = ContinuousClock.now
            await a.shutdown(gracePeriod: .zero)
            let closed = ContinuousClock.now
            let limit = outage + .seconds(10)
            while try await answeringRegion(manifest, transport) != "region-b" {
                guard ContinuousClock.now < limit else { throw CommandError("no answer from region-b within 10 s") }
            }
            samples.append((ContinuousClock.now - outage).inMilliseconds)
            afterClose.append((ContinuousClock.now - closed).inMilliseconds)
            a = try DPSimulator(configuration: SimulatorConfiguration(kind: .echo, port: portA))
            try a.start()
        }
        await a.shutdown(gracePeriod: .zero)
        await b.shutdown(gracePeriod: .zero)
        return (samples, afterClose)
    }

    /// Send one exchange in a fresh routing session; the region that answered, or `nil`.
    private static func answeringRegion(_ manifest: Manifest, _ transport: ConnectivityTransport) async throws -> String? {
        guard let session = transport.routingSession(for: manifest, allowed: manifest.regions, jurisdiction: .eu, overrides: [:]),
              let first = manifest.regions.first, let url = first.endpoints.first.flatMap(EndpointURL.init) else {
            throw CommandError("no routing session")
        }
        let context = TransportContext(connector: manifest.name, region: first, baseURL: url,
                                       deadline: .now + .milliseconds(manifest.connection.requestTimeoutMs), requestID: "bench",
                                       trace: .continuing(nil), routing: session)
        do {
            let response = try await transport.send(HTTPRequest(method: "GET", path: "/echo", idempotent: true), context: context)
            return response.status == 200 ? session.region : nil
        } catch {
            return nil
        }
    }

    // MARK: Overhead

    private static func pooledOverhead(base: Manifest, transport: ConnectivityTransport, client: HTTPClient,
                                       samples: Int) async throws -> (pooled: Double, direct: Double) {
        let simulator = try DPSimulator(configuration: SimulatorConfiguration(kind: .echo))
        try simulator.start()
        defer { Task { await simulator.shutdown(gracePeriod: .zero) } }
        var manifest = base
        manifest.metadata.name = "bench-overhead"
        manifest.regions = [Manifest.Region(name: "local", residency: .eu, priority: 1, endpoints: [simulator.url])]
        guard let url = EndpointURL(simulator.url) else { throw CommandError("bad simulator URL") }
        progress("overhead: \(samples) pooled and \(samples) direct exchanges, interleaved")
        var pooled: [Double] = [], direct: [Double] = []
        let request = HTTPClientRequest(method: "GET", target: "/echo")
        for i in 0..<(samples + 100) {
            let t0 = ContinuousClock.now
            _ = try await answeringRegion(manifest, transport)
            let t1 = ContinuousClock.now
            _ = try await client.send(request, to: url.endpoint, deadline: .now + .seconds(5))
            let t2 = ContinuousClock.now
            guard i >= 100 else { continue }  // warm-up
            pooled.append((t1 - t0).inMilliseconds * 1000)
            direct.append((t2 - t1).inMilliseconds * 1000)
        }
        return (Stopwatch.median(pooled), Stopwatch.median(direct))
    }

    // MARK: Held connections

    private static func heldConnections(base: Manifest, transport: ConnectivityTransport, tracker: ConnectionTracker,
                                        count: Int) async throws -> (held: Int, requested: Int, rss: Double, rssBefore: Double) {
        // The simulator runs in its own process so its sockets do not share this one's descriptor limit.
        let children = ChildProcesses()
        let work = try HTTPBenchmark.makeWorkDirectory()
        defer {
            children.stopAll()
            try? FileManager.default.removeItem(atPath: work)
        }
        let out = "\(work)/simulator.out"
        let pid = try children.spawn("simulator", ChildProcesses.currentExecutable,
                                     ["simulate", "echo", "--port", "0", "--latency-ms", "3000", "--threads", "2"], stdout: out)
        let line = try children.waitForLine(in: out, containing: "\"url\"", what: "the echo simulator", pid: pid)
        guard let urlText = try JSONParser().parse(line)["url"]?.stringValue,
              let url = EndpointURL(urlText) else { throw CommandError("the simulator printed no URL") }
        var manifest = base
        manifest.metadata.name = "bench-held"
        manifest.regions = [Manifest.Region(name: "local", residency: .eu, priority: 1, endpoints: [urlText])]
        manifest.connection.maxConnections = count
        manifest.connection.maxIdle = count
        manifest.connection.requestTimeoutMs = 60_000
        manifest.connection.breakerConsecutiveFailures = 10_000
        manifest.connection.breakerWindow = 100_000
        manifest.connection.outlierConsecutiveErrors = 10_000
        let rssBefore = rssMegabytes()
        progress("held: \(count) concurrent exchanges (answers take 3 s); RSS before \(round2(rssBefore)) MB")
        let peak = Mutex((open: 0, rss: 0.0))
        let sampler = Task {
            while !Task.isCancelled {
                let open = tracker.connections(to: url.endpoint.description).open
                let rss = rssMegabytes()
                peak.withLock { p in if open > p.open { p = (open, rss) } }
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
        let frozen = manifest
        let ok = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<count {
                group.addTask { (try? await answeringRegion(frozen, transport)) == "local" }
            }
            var ok = 0
            for await answered in group where answered { ok += 1 }
            return ok
        }
        sampler.cancel()
        let (open, rss) = peak.withLock { $0 }
        let idleAfter = tracker.connections(to: url.endpoint.description).open
        progress("held: \(open) open at the peak, \(ok) answered, \(idleAfter) still open (idle) after")
        return (max(open, idleAfter), count, rss, rssBefore)
    }

    private static func rssMegabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kb / 1024
        }
        return 0
    }

    private static func round2(_ value: Double) -> Double { (value * 100).rounded() / 100 }
}
