import Foundation
import PavilionCore
import PavilionCrypto
import PavilionTestSupport
import XCTest

/// The real service as an operator runs it: `pavilion simulate` children for
/// the four data providers, a private CA and a server certificate for
/// 127.0.0.1/localhost, the shipped connectors built and pinned, a 0600
/// secrets file, tenants `acme` and `other` with keys made through the
/// binary, and `pavilion serve --config pavilion.yaml` over TLS.
///
/// Everything lives in one temporary folder; ``shutdown()`` stops every
/// child (SIGTERM, then SIGKILL) and removes it. A failed start cleans up
/// before it throws.
final class ServiceHarness: @unchecked Sendable {
    // @unchecked: used from one test thread at a time; the children lock their own logs.

    /// Settings written into `pavilion.yaml`.
    struct Options {
        /// `limits.max_body_bytes` (413 above).
        var maxBodyBytes = 4096
        /// `limits.max_header_bytes` (431 above).
        var maxHeaderBytes = 4096
        /// `limits.request_timeout_ms`: the verification budget; the
        /// default's 15 s, so that a loaded machine does not turn a happy
        /// path into a 504. Tests of the deadline shorten it.
        var requestTimeoutMs = 15_000
        /// `privacy.log.sign_interval_ms`: how often the receipt log signs
        /// a tree head while it grows.
        var receiptSignIntervalMs = 1000
    }

    /// A running `pavilion simulate` child.
    struct Simulator {
        let kind: String
        let child: ChildProcess
        /// `http://127.0.0.1:PORT`, from its first stdout line.
        let url: String
    }

    /// The shipped connectors and what their regions are called.
    static let regions = ["echo": ["local"], "camara-kyc-match": ["eu-west", "eu-central", "uk-south"],
                          "fhir-patient": ["us-east"], "fraud-list": ["eu-west"]]
    /// The simulator kind behind each connector.
    static let simulatorKinds = ["echo": "echo", "camara-kyc-match": "camara", "fhir-patient": "fhir", "fraud-list": "fraud-list"]

    let workspace: Workspace
    let options: Options
    var root: URL { workspace.root }
    var dataDirectory: URL { root.appendingPathComponent("data") }
    var configFile: URL { root.appendingPathComponent("pavilion.yaml") }
    var caFile: URL { root.appendingPathComponent("tls/ca.pem") }

    /// Simulators by kind (`echo`, `camara`, `fhir`, `fraud-list`).
    private(set) var simulators: [String: Simulator] = [:]
    /// `pavilion serve`, while it runs.
    private(set) var server: ChildProcess?
    /// The server's base URL, `https://127.0.0.1:PORT`.
    private(set) var baseURL = ""
    /// Tenant `acme`'s API key (all four connectors enabled).
    private(set) var acmeKey = ""
    /// Tenant `other`'s API key (echo enabled).
    private(set) var otherKey = ""

    /// Set everything up and start the server; cleans up and rethrows on failure.
    static func start(_ options: Options = Options()) throws -> ServiceHarness {
        let harness = ServiceHarness(workspace: try Workspace.shipped(), options: options)
        do {
            try harness.startSimulators()
            try harness.makeCertificates()
            try harness.writeSecrets()
            try harness.makeTenants()
            try harness.writeConfiguration()
            try harness.startServer()
        } catch {
            harness.shutdown()
            throw error
        }
        return harness
    }

    private init(workspace: Workspace, options: Options) {
        self.workspace = workspace
        self.options = options
    }

    /// curl aimed at the server, trusting the harness CA.
    var curl: Curl { Curl(baseURL: baseURL, caFile: caFile.path) }

    /// Plain-HTTP curl aimed at a simulator's control API.
    func simulatorControl(_ kind: String) throws -> Curl {
        Curl(baseURL: try XCTUnwrap(simulators[kind], "no \(kind) simulator").url, caFile: nil)
    }

    /// Replace a simulator's faults (`POST /_sim/faults`); `{}` clears them.
    func setFaults(_ kind: String, _ faults: String) throws {
        let response = try simulatorControl(kind).post("/_sim/faults", key: nil, faults)
        XCTAssertEqual(response.status, 200, "setting faults on \(kind): \(response.summary)")
    }

    // MARK: - Setup steps

    private func startSimulators() throws {
        for kind in ["echo", "camara", "fhir", "fraud-list"] {
            var arguments = ["simulate", kind, "--host", "127.0.0.1", "--port", "0"]
            if kind == "camara" || kind == "fhir" { arguments += ["--client-id", "test-client", "--client-secret", "s3cr3t"] }
            let child = try ChildProcess(TestEnvironment.pavilionBinary, arguments, in: root)
            // Registered before waiting so that shutdown() stops it whatever happens next.
            simulators[kind] = Simulator(kind: kind, child: child, url: "")
            guard let line = child.stdout.wait(for: { $0.contains(#""url""#) }),
                  let url = try JSONParser().parse(line)["url"]?.stringValue else {
                throw HarnessError("simulator \(kind) printed no URL line; stderr: \(child.stderr.text)")
            }
            simulators[kind] = Simulator(kind: kind, child: child, url: url)
        }
    }

    private func makeCertificates() throws {
        let folder = root.appendingPathComponent("tls")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let ca = try CertificateAuthority.generate(commonName: "Pavilion e2e test CA", validityDays: 2)
        let leaf = try ca.issueLeaf(commonName: "localhost", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"],
                                    validityDays: 1)
        try PEMFile.write(ca.certificatePEM, to: caFile.path, mode: PEMFile.publicMode)
        try PEMFile.write(leaf.certificatePEM, to: folder.appendingPathComponent("server.pem").path, mode: PEMFile.publicMode)
        try PEMFile.write(leaf.privateKeyPEM, to: folder.appendingPathComponent("server.key").path)
    }

    private func writeSecrets() throws {
        let file = root.appendingPathComponent("secrets.yaml")
        try """
            acme:
              camara-kyc-match: { client_id: test-client, client_secret: s3cr3t }
              fhir-patient: { client_id: test-client, client_secret: s3cr3t }
            """.write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
    }

    private func makeTenants() throws {
        try pavilion(["tenants", "create", "acme", "--connectors", "echo,camara-kyc-match,fhir-patient,fraud-list", "--data", dataDirectory.path])
        acmeKey = try pavilion(["keys", "create", "--tenant", "acme", "--data", dataDirectory.path])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try pavilion(["tenants", "create", "other", "--connectors", "echo", "--data", dataDirectory.path])
        otherKey = try pavilion(["keys", "create", "--tenant", "other", "--data", dataDirectory.path])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        guard acmeKey.hasPrefix("pvk_"), otherKey.hasPrefix("pvk_") else {
            throw HarnessError("keys create printed no pvk_ key: \(acmeKey.prefix(8))…, \(otherKey.prefix(8))…")
        }
    }

    private func writeConfiguration() throws {
        var overrides = ""
        for (connector, regions) in Self.regions.sorted(by: { $0.key < $1.key }) {
            let kind = Self.simulatorKinds[connector] ?? connector
            let url = try XCTUnwrap(simulators[kind]?.url)
            overrides += "  \(connector): { " + regions.map { "\($0): \"\(url)\"" }.joined(separator: ", ") + " }\n"
        }
        try """
            listen: { host: 127.0.0.1, port: 0 }
            tls:
              certificate: tls/server.pem
              private_key: tls/server.key
            data_dir: data
            connectors_dir: connectors.d
            secrets_file: secrets.yaml
            limits:
              max_body_bytes: \(options.maxBodyBytes)
              max_header_bytes: \(options.maxHeaderBytes)
              request_timeout_ms: \(options.requestTimeoutMs)
            privacy:
              log: { sign_interval_ms: \(options.receiptSignIntervalMs) }
            endpoint_overrides:
            \(overrides)
            log_level: info
            """.write(to: configFile, atomically: true, encoding: .utf8)
    }

    // MARK: - The server

    /// Start `pavilion serve --config` and wait (bounded) for its `ready` line.
    func startServer() throws {
        precondition(server == nil, "the server already runs")
        let child = try ChildProcess(TestEnvironment.pavilionBinary, ["serve", "--config", configFile.path], in: root)
        server = child
        guard let line = child.stderr.wait(seconds: 30, for: { $0.contains(#""msg":"ready""#) }) else {
            throw HarnessError("pavilion serve logged no ready line: \(child.stderr.text)")
        }
        let ready = try JSONParser().parse(line)
        baseURL = try XCTUnwrap(ready["url"]?.stringValue, line)
        let loaded = Set((ready["connectors"]?.arrayValue ?? []).compactMap(\.stringValue))
        guard loaded == Set(Self.regions.keys) else {
            throw HarnessError("pavilion serve is ready with connectors \(loaded.sorted()), expected all four: \(child.stderr.text)")
        }
    }

    /// SIGTERM the server and wait (bounded) for it to drain and exit.
    /// - Returns: its exit status, or `nil` if it had to be killed.
    @discardableResult
    func stopServer() -> Int32? {
        guard let child = server else { return nil }
        server = nil
        child.send(SIGTERM)
        if let status = child.waitForExit(seconds: 20) { return status }
        child.forceStop()
        return nil
    }

    /// SIGKILL the server: a crash, no drain.
    func killServer() {
        guard let child = server else { return }
        server = nil
        child.forceStop()
    }

    /// Stop the server and the simulators, then remove the folder.
    func shutdown() {
        stopServer()
        for simulator in simulators.values {
            simulator.child.send(SIGTERM)
            if simulator.child.waitForExit(seconds: 5) == nil { simulator.child.forceStop() }
        }
        simulators = [:]
        workspace.remove()
    }

    /// Run `pavilion ARGS` in the folder; its stdout, or a thrown error naming its stderr.
    @discardableResult
    func pavilion(_ arguments: [String]) throws -> String {
        let result = try TestEnvironment.pavilion(arguments, in: root)
        guard result.status == 0 else {
            throw HarnessError("pavilion \(arguments.prefix(2).joined(separator: " ")) exited \(result.status): \(result.stderr)")
        }
        return result.stdout
    }
}

/// A harness step that failed, with what the child said.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
