import Foundation
import PavilionCore
import PavilionManifest

/// The conformance suite `pavilion connector test` runs: a connector, loaded
/// through the host's real loader, checked against its manifest and its
/// recorded exchanges, fed malformed responses, run 10,000 times and on
/// several threads.
public struct ConformanceSuite: Sendable {
    /// What happens while the suite runs, for streaming progress.
    public enum Event: Sendable {
        /// A check is about to start (a crash from here on belongs to it).
        case begin(String)
        /// A check finished.
        case finished(ConformanceCheck)
    }

    /// Bounds of the heavier checks.
    public struct Settings: Sendable {
        /// Sequential exchanges in the endurance check.
        public var enduranceExchanges = 10_000
        /// Exchanges run before the endurance baseline is measured.
        public var enduranceWarmUp = 1_000
        /// Allowed resident-memory growth over the endurance run.
        public var enduranceGrowthBytes = 8 << 20
        /// Threads and exchanges per thread in the concurrency check.
        public var threads = 8
        public var exchangesPerThread = 250
        /// Instances created and destroyed in the lifecycle check.
        public var lifecycleRounds = 100

        public init() {}
    }

    public let manifestPath: String
    public let cacheDirectory: URL
    public let settings: Settings

    /// - Parameters:
    ///   - manifestPath: the manifest to test.
    ///   - cacheDirectory: where verified libraries are copied before loading.
    ///   - settings: bounds of the heavier checks.
    public init(manifestPath: String, cacheDirectory: URL, settings: Settings = Settings()) {
        self.manifestPath = manifestPath
        self.cacheDirectory = cacheDirectory
        self.settings = settings
    }

    /// Run every check, in order, reporting each as it starts and ends.
    /// - Parameter observe: called for every event, on the calling thread.
    /// - Returns: the report.
    public func run(observe: (Event) -> Void = { _ in }) -> ConformanceReport {
        var report = ConformanceReport(manifest: manifestPath)
        func check(_ name: String, _ body: () -> (Bool, String)) -> Bool {
            observe(.begin(name))
            let start = DispatchTime.now().uptimeNanoseconds
            let (passed, detail) = body()
            let ms = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
            let result = ConformanceCheck(name: name, passed: passed, detail: detail, milliseconds: ms)
            report.checks.append(result)
            observe(.finished(result))
            return passed
        }

        var manifest: Manifest?
        _ = check("manifest") {
            do throws(ManifestError) {
                manifest = try ManifestLoader.load(path: manifestPath)
                return (true, "valid")
            } catch {
                return (false, error.diagnostics.map(\.description).joined(separator: "; "))
            }
        }
        guard let manifest else { return report }
        report.connector = manifest.name
        report.version = manifest.metadata.version

        guard check("library", {
            do throws(PluginError) {
                _ = try LibraryLoader.verifiedBytes(of: manifest)
                return (true, "sha256 \(manifest.library.sha256.prefix(16))… matches")
            } catch {
                return (false, error.description)
            }
        }) else { return report }

        var fixtures: [RecordedFixture] = []
        guard check("fixtures", {
            do throws(FixtureError) {
                fixtures = try manifest.fixtures.map { path throws(FixtureError) in try RecordedFixture.load(path: path) }
            } catch {
                return (false, error.description)
            }
            let cases = fixtures.reduce(0) { $0 + $1.cases.count }
            return cases > 0 ? (true, "\(fixtures.count) file(s), \(cases) case(s)")
                : (false, "the manifest names no recorded cases (spec.tests.fixtures)")
        }) else { return report }

        let replay = ReplayServices()
        if let first = fixtures.first { replay.use(first) }
        var plugin: LoadedPlugin?
        var loadError: PluginError?
        do {
            plugin = try LibraryLoader(cacheDirectory: cacheDirectory, services: replay.services).load(manifest)
        } catch {
            loadError = error
        }
        let describeCodes: Set<PluginError.Code> = [.describeFailed, .describeMismatch]
        guard check("negotiation", {
            if let plugin { return (true, "ABI \(plugin.abiVersion)") }
            if let loadError, describeCodes.contains(loadError.code) { return (true, "entry and vtable accepted") }
            return (false, loadError?.description ?? "not loaded")
        }) else { return report }
        guard check("describe", {
            if let plugin { return (true, "\(plugin.description.claims.count) claim(s) agree with the manifest") }
            return (false, loadError?.description ?? "not loaded")
        }), let plugin else { return report }

        _ = check("lifecycle") {
            for round in 0..<settings.lifecycleRounds {
                do throws(PluginError) {
                    let instance = try ConnectorInstance(plugin: plugin, settings: manifest.settings)
                    instance.close()
                    if instance.isAlive { return (false, "instance \(round) still alive after close") }
                } catch {
                    return (false, "create failed in round \(round): \(error)")
                }
            }
            return (true, "\(settings.lifecycleRounds) create/destroy rounds")
        }

        let instance: ConnectorInstance
        do {
            instance = try ConnectorInstance(plugin: plugin, settings: manifest.settings)
        } catch {
            _ = check("instance") { (false, error.description) }
            return report
        }
        defer { instance.close() }
        let replayer = FixtureReplayer(instance: instance)

        for fixture in fixtures {
            replay.use(fixture)
            for recorded in fixture.cases {
                _ = check("fixture:\(recorded.name)") { Self.judge(replayer.replay(recorded), against: recorded.expectation) }
            }
        }

        // Spoiled responses: every position of every case that ends in a result.
        let happy = fixtures.flatMap { fixture in
            fixture.cases.compactMap { c -> (RecordedFixture, RecordedFixture.Case)? in
                if case .result = c.expectation, !c.exchanges.isEmpty { return (fixture, c) }
                return nil
            }
        }
        for mutation in ResponseMutation.all {
            _ = check("malformed:\(mutation.kind)") {
                var tried = 0
                for (fixture, recorded) in happy {
                    replay.use(fixture)
                    for position in recorded.exchanges.indices {
                        let original = recorded.exchanges[position]
                        let response = HTTPResponse(status: original.responseStatus, body: original.responseBody)
                        guard mutation.apply(response) != nil else { continue }
                        tried += 1
                        let outcome = replayer.replay(recorded, mutateAt: position, mutation: mutation)
                        switch outcome {
                        case .failure(let failure) where failure.code == .invalidResult || failure.code == .invalidRequest:
                            return (false, "'\(recorded.name)' exchange #\(position + 1): the host refused the connector's output: \(failure)")
                        case .failure:
                            continue
                        case .result(let claims):
                            if mutation.keepsStatus, case .result(let expected) = recorded.expectation, claims == expected { continue }
                            return (false, "'\(recorded.name)' exchange #\(position + 1): answered \(claims.serialized) from a spoiled response")
                        case .mismatch(let why):
                            return (false, "'\(recorded.name)' exchange #\(position + 1): \(why)")
                        }
                    }
                }
                return tried > 0 ? (true, "\(tried) spoiled response(s), none crashed or misanswered") : (true, "not applicable to the recorded cases")
            }
        }

        if let (fixture, recorded) = happy.first ?? fixtures.flatMap({ f in f.cases.map { (f, $0) } }).first {
            replay.use(fixture)
            _ = check("endurance") { endurance(replayer, recorded) }
            _ = check("concurrency") { concurrency(replayer, recorded) }
        }

        if manifest.health != nil {
            _ = check("health") { health(instance) }
        }
        return report
    }

    static func judge(_ outcome: ReplayOutcome, against expectation: RecordedFixture.Expectation) -> (Bool, String) {
        switch (outcome, expectation) {
        case (.result(let got), .result(let want)):
            return got == want ? (true, "result as recorded") : (false, "expected result \(want.serialized), got \(got.serialized)")
        case (.failure(let got), .error(let want)):
            return got.code.rawValue == want ? (true, "error \(want) as recorded")
                : (false, "expected error \(want), got \(got)")
        case (.result(let got), .error(let want)):
            return (false, "expected error \(want), got result \(got.serialized)")
        case (.failure(let got), .result):
            return (false, "expected a result, got error \(got)")
        case (.mismatch(let why), _):
            return (false, why)
        }
    }

    private func endurance(_ replayer: FixtureReplayer, _ recorded: RecordedFixture.Case) -> (Bool, String) {
        var baseline = 0
        for n in 0..<settings.enduranceExchanges {
            if n == settings.enduranceWarmUp { baseline = ResidentMemory.bytes() }
            let (ok, why) = Self.judge(replayer.replay(recorded), against: recorded.expectation)
            if !ok { return (false, "exchange \(n + 1): \(why)") }
        }
        let growth = ResidentMemory.bytes() - baseline
        let measured = settings.enduranceExchanges - settings.enduranceWarmUp
        let perExchange = measured > 0 ? Double(max(growth, 0)) / Double(measured) : 0
        let detail = "\(settings.enduranceExchanges) exchanges, resident memory grew \(growth / 1024) KiB after warm-up (\(String(format: "%.1f", perExchange)) B/exchange)"
        return (growth <= settings.enduranceGrowthBytes, detail)
    }

    private func concurrency(_ replayer: FixtureReplayer, _ recorded: RecordedFixture.Case) -> (Bool, String) {
        let failures = FailureBox()
        let perThread = settings.exchangesPerThread
        DispatchQueue.concurrentPerform(iterations: settings.threads) { thread in
            for n in 0..<perThread {
                let (ok, why) = Self.judge(replayer.replay(recorded), against: recorded.expectation)
                if !ok {
                    failures.record("thread \(thread), exchange \(n + 1): \(why)")
                    return
                }
            }
        }
        if let first = failures.first { return (false, first) }
        return (true, "\(settings.threads) threads × \(perThread) exchanges on one instance")
    }

    private func health(_ instance: ConnectorInstance) -> (Bool, String) {
        var seen: [String] = []
        for status in [200, 503] {
            let exchange = instance.makeExchange()
            defer { exchange.end() }
            do throws(ConnectorFailure) {
                var step = try exchange.beginHealth(tenant: "conformance", requestID: "conformance-health")
                var rounds = 0
                while case .request = step, rounds < 4 {
                    rounds += 1
                    step = try exchange.step(HTTPResponse(status: status, json: [:]))
                }
                guard case .result(let result) = step else { return (false, "probe kept asking for requests") }
                guard let healthy = result["healthy"]?.boolValue, result.objectValue?.count == 1 else {
                    return (false, "probe result must be {\"healthy\": bool}, got \(result.serialized)")
                }
                if status == 503, healthy { return (false, "probe reported healthy on a 503") }
                seen.append("\(status) → healthy=\(healthy)")
            } catch {
                if error.code == .invalidResult || error.code == .invalidRequest { return (false, error.description) }
                seen.append("\(status) → \(error.code.rawValue)")
            }
        }
        return (true, seen.joined(separator: ", "))
    }
}

/// The first failure seen by any thread.
private final class FailureBox: @unchecked Sendable {
    private let lock = NSLock()
    private var failures: [String] = []
    func record(_ failure: String) { lock.withLock { failures.append(failure) } }
    var first: String? { lock.withLock { failures.first } }
}

/// This process's resident set size, from /proc/self/statm.
enum ResidentMemory {
    static func bytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
