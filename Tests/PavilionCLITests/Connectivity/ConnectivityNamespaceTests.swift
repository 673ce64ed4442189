import Foundation
import PavilionCore
import PavilionCrypto
import PavilionTestSupport
import XCTest

/// The host's transport on a real network: one namespace for the host under
/// test and one per DP region (eu-west with two simulators, eu-central, and
/// us-east), joined by veth pairs in 198.18.0.0/15, no default route
/// anywhere. `pavilion serve` runs in the host namespace, the simulators in
/// the region namespaces, curl in the host namespace. Every namespace is
/// deleted on every exit path.
final class ConnectivityNamespaceTests: XCTestCase {
    /// The topology and its processes.
    final class Network: @unchecked Sendable {
        // @unchecked: set up on the test thread; only curl (stateless) runs concurrently.
        let host: NetworkNamespace
        let regions: [String: NetworkNamespace]
        var links: [String: NetworkNamespace.Link] = [:]
        let workspace: Workspace
        var simulators: [String: ChildProcess] = [:]
        var server: ChildProcess?
        var tenantKey = ""
        var adminKey = ""

        static let addresses = ["euw": ("198.18.1.1", "198.18.1.2"), "euc": ("198.18.2.1", "198.18.2.2"),
                                "us": ("198.18.3.1", "198.18.3.2")]
        /// simulator name → (region namespace, port)
        static let simulatorPorts = ["euw-a": ("euw", 8001), "euw-b": ("euw", 8002), "euc": ("euc", 8001), "us": ("us", 8001)]

        init() throws {
            host = try NetworkNamespace(label: "host")
            var made: [String: NetworkNamespace] = [:]
            do {
                for name in ["euw", "euc", "us"] { made[name] = try NetworkNamespace(label: name) }
            } catch {
                made.values.forEach { $0.delete() }
                host.delete()
                throw error
            }
            regions = made
            workspace = try Workspace.shipped(["echo"])
        }

        func delete() {
            server?.forceStop()
            simulators.values.forEach { $0.forceStop() }
            regions.values.forEach { $0.delete() }
            host.delete()
            workspace.remove()
        }

        var tls: URL { workspace.root.appendingPathComponent("tls") }

        /// A CA and one certificate for every simulator address (DP endpoints
        /// off loopback must use https).
        func makeCertificates() throws {
            try FileManager.default.createDirectory(at: tls, withIntermediateDirectories: true)
            let ca = try CertificateAuthority.generate(commonName: "Pavilion connectivity test CA", validityDays: 2)
            let leaf = try ca.issueLeaf(commonName: "dp", dnsNames: [], ipAddresses: Self.addresses.values.map(\.1), validityDays: 1)
            try PEMFile.write(ca.certificatePEM, to: tls.appendingPathComponent("ca.pem").path, mode: PEMFile.publicMode)
            try PEMFile.write(leaf.certificatePEM, to: tls.appendingPathComponent("dp.pem").path, mode: PEMFile.publicMode)
            try PEMFile.write(leaf.privateKeyPEM, to: tls.appendingPathComponent("dp.key").path)
        }

        func build(connection: String, health: String = "  health: { interval_ms: 300, timeout_ms: 200 }",
                   outputEcho: String? = nil) throws {
            try makeCertificates()
            for (name, (a, b)) in Self.addresses {
                guard let ns = regions[name] else { continue }
                links[name] = try NetworkNamespace.connect(host, a, ns, b)
            }
            for name in Self.simulatorPorts.keys { try startSimulator(name) }
            // The echo manifest with three regions; the pin (library sha256) stays.
            let file = workspace.connectors.appendingPathComponent("echo.yaml")
            var text = try String(contentsOf: file, encoding: .utf8)
            guard let start = text.range(of: "  regions:"), let end = text.range(of: "  compliance:") else {
                throw HarnessError("echo.yaml has no regions block")
            }
            text.replaceSubrange(start.lowerBound..<end.lowerBound, with: """
                  regions:
                    - name: eu-west
                      residency: eu
                      priority: 1
                      endpoints: [https://198.18.1.2:8001, https://198.18.1.2:8002]
                    - name: eu-central
                      residency: eu
                      priority: 2
                      endpoints: [https://198.18.2.2:8001]
                    - name: us-east
                      residency: us
                      priority: 3
                      endpoints: [https://198.18.3.2:8001]

                """)
            if let outputEcho { text = text.replacingOccurrences(of: "echo: { type: boolean }", with: "echo: \(outputEcho)") }
            // Not GDPR: an EU subject's data may go to eu-* only, never us-east.
            text = text.replacingOccurrences(of: "jurisdictions: [gdpr]", with: "jurisdictions: [ccpa]")
            text = text.replacingOccurrences(of: "  health:\n    interval_ms: 10000\n    timeout_ms: 2000\n", with: "")
            text += connection + "\n" + health + "\n"
            try text.write(to: file, atomically: true, encoding: .utf8)

            let data = workspace.root.appendingPathComponent("data").path
            _ = try workspace.pavilion(["tenants", "create", "acme", "--connectors", "echo", "--data", data])
            tenantKey = try workspace.pavilion(["keys", "create", "--tenant", "acme", "--data", data]).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
            adminKey = try workspace.pavilion(["keys", "create", "--admin", "--data", data]).stdout
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let config = workspace.root.appendingPathComponent("pavilion.yaml")
            try """
                listen: { host: 127.0.0.1, port: 18443 }
                tls: off
                data_dir: data
                connectors_dir: connectors.d
                limits: { request_timeout_ms: 5000 }
                dp_ca_file: tls/ca.pem
                log_level: info
                """.write(to: config, atomically: true, encoding: .utf8)
            let child = try ChildProcess(NetworkNamespace.ip, ["netns", "exec", host.name, TestEnvironment.pavilionBinary.path,
                                                               "serve", "--config", config.path], in: workspace.root)
            server = child
            guard let ready = child.stderr.wait(seconds: 30, for: { $0.contains(#""msg":"ready""#) }) else {
                throw HarnessError("pavilion serve logged no ready line: \(child.stderr.text)")
            }
            guard ready.contains(#""echo""#) else { throw HarnessError("echo did not load: \(child.stderr.text)") }
        }

        func startSimulator(_ name: String) throws {
            guard let (region, port) = Self.simulatorPorts[name], let ns = regions[region],
                  let address = Self.addresses[region]?.1 else { throw HarnessError("no simulator \(name)") }
            let child = try ChildProcess(NetworkNamespace.ip, ["netns", "exec", ns.name, TestEnvironment.pavilionBinary.path,
                                                               "simulate", "echo", "--host", address, "--port", String(port),
                                                               "--tls-cert", tls.appendingPathComponent("dp.pem").path,
                                                               "--tls-key", tls.appendingPathComponent("dp.key").path],
                                         in: workspace.root)
            simulators[name] = child
            guard child.stdout.wait(seconds: 20, for: { $0.contains(#""url""#) }) != nil else {
                throw HarnessError("simulator \(name) did not start: \(child.stderr.text)")
            }
        }

        func stopSimulator(_ name: String) {
            guard let child = simulators.removeValue(forKey: name) else { return }
            child.send(SIGTERM)
            if child.waitForExit(seconds: 10) == nil { child.forceStop() }
        }

        /// curl inside the host namespace.
        func curl(_ method: String, _ url: String, key: String? = nil, body: String? = nil, maxTime: Double = 10) throws -> Curl.Response {
            var arguments = ["--silent", "--show-error", "--max-time", String(maxTime), "--request", method,
                             "--write-out", Curl.marker + "%{http_code} %{content_type}", "--dump-header", "/dev/stderr"]
            if let key { arguments += ["--header", "authorization: Bearer \(key)"] }
            if url.hasPrefix("https") { arguments += ["--cacert", tls.appendingPathComponent("ca.pem").path] }
            if let body { arguments += ["--header", "content-type: application/json", "--data-binary", body] }
            arguments.append(url)
            return Curl.parse(try host.run("/usr/bin/curl", arguments))
        }

        func verify(_ jurisdiction: String = "eu") throws -> Curl.Response {
            try curl("POST", "http://127.0.0.1:18443/v1/verifications", key: tenantKey,
                     body: #"{"connector":"echo","claims":["echo"],"subject":{},"purpose":"testing","jurisdiction":"\#(jurisdiction)"}"#)
        }

        /// `count` verifications at once: one curl process each, all started before any is awaited.
        func verifyConcurrently(_ count: Int) throws -> [Curl.Response] {
            let body = #"{"connector":"echo","claims":["echo"],"subject":{},"purpose":"testing","jurisdiction":"eu"}"#
            var running: [Spawn.Child] = []
            defer { running.forEach { $0.signal(SIGKILL); $0.wait() } }
            for _ in 0..<count {
                let child = try Spawn.start(NetworkNamespace.ip.path,
                                            ["netns", "exec", host.name, "/usr/bin/curl", "--silent", "--max-time", "10",
                                             "--write-out", Curl.marker + "%{http_code} %{content_type}",
                                             "--header", "authorization: Bearer \(tenantKey)", "--header", "content-type: application/json",
                                             "--data-binary", body, "http://127.0.0.1:18443/v1/verifications"],
                                            stdout: .pipe, stderr: .discard)
                child.closeInput()
                running.append(child)
            }
            return running.map { child in
                let data = child.readOutputToEnd()
                return Curl.parse(TestEnvironment.ProcessResult(status: child.wait(),
                                                                stdout: String(decoding: data, as: UTF8.self), stderr: ""))
            }
        }

        /// Verification requests (`GET /echo`; health probes are not counted)
        /// a simulator has served (`/_sim/stats`), asked from the host namespace.
        func served(_ name: String) throws -> Int {
            guard let (region, port) = Self.simulatorPorts[name], let address = Self.addresses[region]?.1 else { return -1 }
            let r = try curl("GET", "https://\(address):\(port)/_sim/stats", maxTime: 3)
            guard r.status == 200 else { return -1 }
            return Int(r.json?["requests"]?["/echo"]?.intValue ?? 0)
        }

        func connectivity() throws -> JSONValue {
            let r = try curl("GET", "http://127.0.0.1:18443/v1/admin/connectivity", key: adminKey)
            guard r.status == 200, let json = r.json else { throw HarnessError("admin connectivity: \(r.summary)") }
            return json
        }

        func endpoint(_ json: JSONValue, _ url: String) -> JSONValue? {
            for c in json["connectors"]?.arrayValue ?? [] {
                for r in c["regions"]?.arrayValue ?? [] {
                    for e in r["endpoints"]?.arrayValue ?? [] where e["url"]?.stringValue == url { return e }
                }
            }
            return nil
        }

        func events() throws -> [JSONValue] {
            let r = try curl("GET", "http://127.0.0.1:18443/v1/admin/connectivity/events?since=0", key: adminKey)
            return r.json?["events"]?.arrayValue ?? []
        }
    }

    static let connection = """
          connection:
            timeouts: { connect_ms: 300, request_ms: 1500 }
            retries: { max_attempts: 2, backoff_ms: 5 }
            breaker: { consecutive_failures: 3, open_ms: 60000 }
            outlier: { consecutive_errors: 3, base_ejection_ms: 60000 }
        """

    /// Health checks effectively off (the echo library offers a probe, so `spec.health` is required).
    static let rareHealth = "  health: { interval_ms: 3600000, timeout_ms: 200 }"

    private func makeNetwork() throws -> Network {
        try NetworkNamespace.skipUnlessAvailable()
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/curl") else { throw XCTSkip("curl is not installed") }
        return try Network()
    }

    /// Poll `condition` until it holds or `seconds` pass.
    private func eventually(_ seconds: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return try condition()
    }

    func testLoadSpreadsThenKilledRegionFailsOverWithinResidencyAndHealthChecksReadmit() throws {
        let net = try makeNetwork()
        defer { net.delete() }
        try net.build(connection: Self.connection)
        for ns in [net.host] + Array(net.regions.values) { XCTAssertEqual(try ns.defaultRoutes(), "", "\(ns.name) has a default route") }

        // Load spreads across eu-west's two endpoints; nothing goes elsewhere.
        for _ in 0..<20 { let r = try net.verify(); XCTAssertEqual(r.status, 200, r.body) }
        let a = try net.served("euw-a"), b = try net.served("euw-b")
        XCTAssertEqual(a + b, 20)
        XCTAssertGreaterThan(a, 2, "P2C should spread: \(a) / \(b)")
        XCTAssertGreaterThan(b, 2, "P2C should spread: \(a) / \(b)")
        XCTAssertEqual(try net.served("euc"), 0)

        // Kill eu-west's simulators: verifications fail over to eu-central.
        net.stopSimulator("euw-a")
        net.stopSimulator("euw-b")
        for _ in 0..<6 {
            let r = try net.verify()
            XCTAssertEqual(r.status, 200, r.summary)
            XCTAssertEqual(r.json?["region"], "eu-central", "the answer names the region whose provider answered")
        }
        XCTAssertEqual(try net.served("euc"), 6)
        XCTAssertEqual(try net.served("us"), 0, "an EU subject's request reached the US")
        let state = try net.connectivity()
        XCTAssertGreaterThan(state["connectors"]?.arrayValue?.first?["failovers"]?.intValue ?? 0, 0, state.serialized)
        let events = try net.events()
        XCTAssertTrue(events.contains { $0["event"]?.stringValue == "failover" && $0["region"]?.stringValue == "eu-central" })
        XCTAssertTrue(events.contains {
            ($0["event"]?.stringValue == "breaker" && $0["to"]?.stringValue == "open")
                || ($0["event"]?.stringValue == "health" && $0["action"]?.stringValue == "marked_down")
        }, "eu-west was neither broken open nor marked down: \(events.map(\.serialized).suffix(10))")
        XCTAssertTrue(events.contains {
            $0["event"]?.stringValue == "connect" && $0["region"]?.stringValue == "eu-west"
                && ($0["tls_version"]?.stringValue ?? "").hasPrefix("TLSv1.") && $0["tls_cipher"] != nil
        }, "no connect event with TLS details")

        // Take eu-central's link down too: every EU region is down. 503 naming
        // residency with Retry-After; the US simulator still receives nothing.
        try XCTUnwrap(net.links["euc"]).setUp(false)
        let refused = try net.verify()
        XCTAssertEqual(refused.status, 503, refused.summary)
        XCTAssertEqual(refused.code, "residency_unavailable", refused.summary)
        XCTAssertTrue(refused.json?["detail"]?.stringValue?.contains("residency") ?? false, refused.summary)
        XCTAssertTrue(refused.error.lowercased().contains("retry-after: 30"), "headers: \(refused.error)")
        try XCTUnwrap(net.links["us"]).setUp(true)
        XCTAssertEqual(try net.served("us"), 0, "an EU subject's request reached the US")

        // A US subject may use us-east.
        XCTAssertEqual(try net.verify("us").status, 200)
        XCTAssertEqual(try net.served("us"), 1)

        // Bring eu-west back: its breakers stay open for 60 s, so only the
        // active health checks (every 300 ms) can readmit it.
        try net.startSimulator("euw-a")
        try net.startSimulator("euw-b")
        XCTAssertTrue(try eventually(10) {
            let s = try net.connectivity()
            return net.endpoint(s, "https://198.18.1.2:8001")?["state"]?.stringValue == "up"
                && net.endpoint(s, "https://198.18.1.2:8002")?["state"]?.stringValue == "up"
        }, "health checks did not readmit eu-west: \((try? net.connectivity().serialized) ?? "")")
        let before = try net.served("euw-a") + net.served("euw-b")
        XCTAssertEqual(try net.verify().status, 200)
        XCTAssertEqual(try net.served("euw-a") + net.served("euw-b"), before + 1)
        XCTAssertTrue(try net.events().contains { $0["event"]?.stringValue == "health" && $0["action"]?.stringValue == "readmitted" })
    }

    func testDroppedLinkFailsOverRetriesStayWithinBudgetAndBreakersRecover() throws {
        let net = try makeNetwork()
        defer { net.delete() }
        // Short open period and ejection: the breakers themselves must bring eu-west back (health checks are rare).
        try net.build(connection: """
              connection:
                timeouts: { connect_ms: 300, request_ms: 1500 }
                retries: { max_attempts: 2, backoff_ms: 5 }
                breaker: { consecutive_failures: 3, open_ms: 1500, half_open_probes: 1 }
                outlier: { consecutive_errors: 3, base_ejection_ms: 1500, max_ejection_ms: 1500 }
            """, health: Self.rareHealth)
        XCTAssertEqual(try net.verify().status, 200)
        // Drop eu-west's link on the region side: packets vanish, connects time out.
        let link = try XCTUnwrap(net.links["euw"])
        try link.b.namespace.setLink(link.b.interface, up: false)
        var last: Curl.Response?
        for _ in 0..<10 {
            let r = try net.verify()
            XCTAssertEqual(r.status, 200, r.summary)
            last = r
        }
        XCTAssertGreaterThanOrEqual(try net.served("euc"), 10)
        // Lineage names the endpoint that answered, not the policy region's first one.
        let id = try XCTUnwrap(last?.json?["id"]?.stringValue, last?.summary ?? "")
        let lineage = try net.curl("GET", "http://127.0.0.1:18443/v1/verifications/\(id)/lineage", key: net.tenantKey)
        XCTAssertEqual(lineage.status, 200, lineage.summary)
        XCTAssertTrue(lineage.body.contains("https://198.18.2.2:8001"), lineage.body)
        XCTAssertFalse(lineage.body.contains("198.18.1.2"), lineage.body)
        XCTAssertEqual(try net.served("us"), 0)
        let connector = try XCTUnwrap(net.connectivity()["connectors"]?.arrayValue?.first)
        XCTAssertGreaterThan(connector["failovers"]?.intValue ?? 0, 0, connector.serialized)
        let events = try net.events()
        // Retry budget: in any 10 s window at most 3 + 10 % of the requests (11 so far, so 4), however many attempts failed.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let retryTimes = events.filter { $0["event"]?.stringValue == "retry" }.compactMap { $0["ts"]?.stringValue }
            .compactMap(formatter.date(from:))
        let failures = events.filter { $0["event"]?.stringValue == "breaker" || $0["event"]?.stringValue == "failover" }.count
        XCTAssertGreaterThan(failures, 0)
        for t in retryTimes {
            let inWindow = retryTimes.filter { $0 <= t && t.timeIntervalSince($0) < 9 }.count
            XCTAssertLessThanOrEqual(inWindow, 3 + 1, "retries in the window ending \(t): \(retryTimes)")
        }
        XCTAssertTrue(events.contains { $0["event"]?.stringValue == "breaker" && $0["to"]?.stringValue == "open" },
                      "no breaker opened: \(events.map(\.serialized).suffix(10))")
        let metrics = try net.curl("GET", "http://127.0.0.1:18443/metrics").body
        XCTAssertTrue(metrics.contains("pavilion_dp_failovers_total{"), metrics)
        XCTAssertTrue(metrics.contains(#"pavilion_dp_breaker_state{connector="echo",region="eu-west""#), metrics)

        // Link back: after open_ms a half-open probe goes through and the breaker closes; eu-west serves again.
        try link.b.namespace.setLink(link.b.interface, up: true)
        let before = try net.served("euw-a") + net.served("euw-b")
        // Wait for the breakers themselves to close, not only for eu-west to answer once.
        func breakerTransitions() throws -> [String] {
            try net.events().filter { $0["event"]?.stringValue == "breaker" }.compactMap { $0["to"]?.stringValue }
        }
        XCTAssertTrue(try eventually(20) {
            XCTAssertEqual(try net.verify().status, 200)
            return try breakerTransitions().contains("closed") && net.served("euw-a") + net.served("euw-b") > before
        }, "eu-west's breaker never closed or eu-west never took traffic back: \((try? breakerTransitions()) ?? [])")
        let recovered = try breakerTransitions()
        XCTAssertTrue(recovered.contains("half_open"), "\(recovered)")
        XCTAssertTrue(recovered.contains("closed"), "\(recovered)")
    }

    func testCannotAttestWhenEveryAllowedRegionIsDownAndAdminRoutesAreAdminOnly() throws {
        let net = try makeNetwork()
        defer { net.delete() }
        try net.build(connection: """
              connection:
                timeouts: { connect_ms: 300, request_ms: 1000 }
                on_unavailable: cannot_attest
            """, health: Self.rareHealth, outputEcho: "{ type: [boolean, string] }")
        for name in ["euw-a", "euw-b", "euc"] { net.stopSimulator(name) }
        let r = try net.verify()
        XCTAssertEqual(r.status, 200, r.summary)
        XCTAssertEqual(r.json?["claims"]?["echo"]?.stringValue, "not_available", r.summary)
        XCTAssertEqual(try net.served("us"), 0, "an EU subject's request reached the US")

        let tenant = try net.curl("GET", "http://127.0.0.1:18443/v1/admin/connectivity", key: net.tenantKey)
        XCTAssertEqual(tenant.status, 403, tenant.summary)
        let anonymous = try net.curl("GET", "http://127.0.0.1:18443/v1/admin/connectivity/events")
        XCTAssertEqual(anonymous.status, 401, anonymous.summary)
        for query in ["since=yesterday", "limit=0", "limit=x", "tenant=acme", "since"] {
            let bad = try net.curl("GET", "http://127.0.0.1:18443/v1/admin/connectivity/events?\(query)", key: net.adminKey)
            XCTAssertEqual(bad.status, 400, "\(query): \(bad.summary)")
        }
        // `connectors list --host` shows each configured endpoint with its live state.
        let list = try net.host.run(TestEnvironment.pavilionBinary.path, [
            "connectors", "list", "--dir", net.workspace.connectors.path, "--json",
            "--host", "http://127.0.0.1:18443", "--key", net.adminKey,
        ])
        XCTAssertEqual(list.status, 0, list.stderr)
        let echo = try XCTUnwrap(try parseJSON(list.stdout).arrayValue?.first { $0["name"] == "echo" })
        let listed = echo["endpoints"]?.arrayValue ?? []
        XCTAssertEqual(listed.count, 4, echo.serialized)
        let euc = try XCTUnwrap(listed.first { $0["url"] == "https://198.18.2.2:8001" })
        XCTAssertEqual(euc["region"], "eu-central")
        XCTAssertGreaterThan(euc["state"]?["failures"]?.intValue ?? 0, 0, euc.serialized)
        XCTAssertNotNil(euc["state"]?["last_error"]?.stringValue, euc.serialized)
        let badKey = try net.host.run(TestEnvironment.pavilionBinary.path, [
            "connectors", "list", "--dir", net.workspace.connectors.path, "--host", "http://127.0.0.1:18443", "--key", net.tenantKey,
        ])
        XCTAssertNotEqual(badKey.status, 0)
        XCTAssertTrue(badKey.stderr.contains("403"), badKey.stderr)

        let exhausted = try net.events().filter { $0["event"]?.stringValue == "region_exhausted" }
        XCTAssertEqual(exhausted.count, 1)
        XCTAssertTrue(exhausted.first?["reason"]?.stringValue?.contains("residency") ?? false)
    }

    func testPoolLimitQueuesUntilTheDeadlineThenAnswersPoolExhausted() throws {
        let net = try makeNetwork()
        defer { net.delete() }
        try net.build(connection: """
              connection:
                pool: { max_connections: 1, max_idle: 1 }
                timeouts: { connect_ms: 300, request_ms: 2000 }
                retries: { max_attempts: 1 }
            """, health: Self.rareHealth)
        // Each answer takes 1.5 s; one connection per endpoint; a request waits at most its 2 s deadline.
        // (At 600 ms and 1 s, a loaded machine spread the sixteen curl processes' starts so far apart
        // that every request found a free connection.)
        for name in ["euw-a", "euw-b"] {
            let r = try net.curl("POST", "https://198.18.1.2:\(name == "euw-a" ? 8001 : 8002)/_sim/faults", body: #"{"latencyMs":1500}"#)
            XCTAssertEqual(r.status, 200, r.summary)
        }
        // Far more at once than two connections can answer in a second.
        let all = try net.verifyConcurrently(16)
        let state = try net.connectivity()
        // With the endpoints' state: a run once answered all sixteen with 200 and this is what to read then.
        let summary = all.map(\.summary).joined(separator: "\n") + "\n" + state.serialized
        XCTAssertEqual(all.count, 16)
        let ok = all.filter { $0.status == 200 }.count
        let exhausted = all.filter { $0.status == 503 && $0.code == "pool_exhausted" }
        // A request that got its slot late runs out of time at the DP instead.
        let late = all.filter { $0.status == 504 && $0.code == "upstream_timeout" }
        XCTAssertGreaterThan(ok, 0, summary)
        XCTAssertGreaterThan(exhausted.count, 0, summary)
        XCTAssertEqual(ok + exhausted.count + late.count, 16, summary)
        XCTAssertTrue(exhausted.allSatisfy { $0.json?["retry_after"]?.intValue == 1 }, summary)
        for url in ["https://198.18.1.2:8001", "https://198.18.1.2:8002"] {
            XCTAssertEqual(net.endpoint(state, url)?["peak_in_flight"]?.intValue, 1, state.serialized)
        }
    }
}
