import Foundation
import PavilionCore
import PavilionCredentials
import PavilionHSM
import PavilionHost
import PavilionNet
import PavilionSimulators
import PavilionStore
import PavilionTestSupport
import XCTest

/// A host with shipped connectors (with extra `spec` sections) against DP
/// simulators on loopback, a
/// credential key store, and tenants `acme` and `other` (both with every
/// connector enabled).
final class DataHost {
    /// One connector to install.
    struct Connector {
        /// The shipped connector (its library describes itself by this name,
        /// so each host serves it once).
        var shipped: String
        /// YAML appended inside `spec` (two-space indented keys).
        var extraSpec: String = ""
        /// The simulator it talks to (index into `simulators`).
        var simulator: Int
    }

    let root: URL
    let store: SQLiteStore
    let service: HostService
    let simulators: [DPSimulator]
    let logs = MemoryLogSink()
    let group: EventLoopGroup
    let client: HTTPClient
    var acmeKey = ""
    var otherKey = ""
    var adminKey = ""
    var endpoint: Endpoint { Endpoint(scheme: .http, host: "127.0.0.1", port: service.port) }

    init(simulators: [SimulatorConfiguration], connectors: [Connector]) async throws {
        root = try TestEnvironment.makeTemporaryDirectory("pavilion-data-host")
        let folder = root.appendingPathComponent("connectors.d")
        var sims: [DPSimulator] = []
        for configuration in simulators {
            let sim = try DPSimulator(configuration: configuration)
            try sim.start()
            sims.append(sim)
        }
        self.simulators = sims
        var overrides: [String: [String: EndpointURL]] = [:]
        var secrets = "acme:\n"
        var otherSecrets = "other:\n"
        for connector in connectors {
            try HostHarness.installConnector(connector.shipped, into: folder)
            let file = folder.appendingPathComponent("\(connector.shipped).yaml")
            var text = try String(contentsOf: file, encoding: .utf8)
            if !text.hasSuffix("\n") { text += "\n" }
            try (text + connector.extraSpec).write(to: file, atomically: true, encoding: .utf8)
            let region = connector.shipped == "fhir-patient" ? "us-east" : connector.shipped == "echo" ? "local" : "eu-west"
            overrides[connector.shipped] = [region: try XCTUnwrap(EndpointURL(sims[connector.simulator].url))]
            secrets += "  \(connector.shipped): { client_id: test-client, client_secret: s3cr3t }\n"
            otherSecrets += "  \(connector.shipped): { client_id: test-client, client_secret: s3cr3t }\n"
        }
        let secretsFile = root.appendingPathComponent("secrets.yaml")
        try (secrets + otherSecrets).write(to: secretsFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: secretsFile.path)

        let data = root.appendingPathComponent("data").path
        store = try SQLiteStore(dataDirectory: data)
        let acme = try TenantID("acme"), other = try TenantID("other")
        _ = try await store.createTenant(id: acme, name: "Acme")
        _ = try await store.createTenant(id: other, name: "Other")
        for connector in connectors {
            try await store.setConnector(connector.shipped, enabled: true, for: acme)
            try await store.setConnector(connector.shipped, enabled: true, for: other)
        }
        acmeKey = try await store.createAPIKey(kind: .tenant, tenant: acme, label: "ci").token
        otherKey = try await store.createAPIKey(kind: .tenant, tenant: other, label: "ci").token
        adminKey = try await store.createAPIKey(kind: .admin, tenant: nil, label: "ops").token

        var config = HostConfiguration(
            file: root.appendingPathComponent("pavilion.yaml").path, listen: .init(host: "127.0.0.1", port: 0), tls: nil,
            dataDirectory: data, connectorsDirectory: folder.path, secretsFile: secretsFile.path, endpointOverrides: overrides)
        config.credentials = try Self.credentials(regions: ["us-east", "eu-west", "local"])
        config.logLevel = .debug
        service = try HostService.start(configuration: config, store: store, logger: Logger(level: .debug, sink: logs), threads: 1)
        group = try EventLoopGroup(threads: 1)
        client = try HTTPClient(group: group)
    }

    /// A software key store with ES256 and EdDSA keys per region.
    static func credentials(regions: [String]) throws -> CredentialsConfiguration {
        let dir = try TestEnvironment.makeTemporaryDirectory("pavilion-data-keys")
        let master = dir.appendingPathComponent("master.key").path
        try SoftwareKeyStore.createMasterKeyFile(at: master)
        let keys = dir.appendingPathComponent("keys").path
        let store = try SoftwareKeyStore(directory: keys, masterKey: .file(master))
        var map: [String: CredentialsConfiguration.RegionKeys] = [:]
        for region in regions {
            _ = try store.generate(label: "\(region)-es256", algorithm: .es256)
            _ = try store.generate(label: "\(region)-eddsa", algorithm: .edDSA)
            map[region] = .init(es256: "\(region)-es256", edDSA: "\(region)-eddsa")
        }
        return CredentialsConfiguration(issuer: "https://issuer.example", keys: .software(directory: keys, masterKeyFile: master),
                                        regions: map)
    }

    /// Send a request.
    func send(_ method: String, _ path: String, key: String?, body: String? = nil,
              headers extra: [(String, String)] = []) async throws -> (status: Int, headers: HTTPHeaders, json: JSONValue?, text: String) {
        var headers = HTTPHeaders()
        if let key { headers.add(name: "authorization", value: "Bearer \(key)") }
        if body != nil { headers.add(name: "content-type", value: "application/json") }
        for (name, value) in extra { headers.add(name: name, value: value) }
        let response = try await client.send(HTTPClientRequest(method: method, target: path, headers: headers, body: Array((body ?? "").utf8)),
                                             to: endpoint, deadline: .now + .seconds(10))
        let text = String(decoding: response.body, as: UTF8.self)
        return (response.status, response.headers, try? JSONParser().parse(text), text)
    }

    /// POST a verification as `acme`.
    func verify(_ body: String, key: String? = nil) async throws -> (status: Int, headers: HTTPHeaders, json: JSONValue?, text: String) {
        try await send("POST", "/v1/verifications", key: key ?? acmeKey, body: body)
    }

    /// A FHIR request body for connector `name` about the built-in patient p1.
    static func fhirBody(_ name: String, claims: [String], credential: String? = nil) -> String {
        let list = claims.map { "\"\($0)\"" }.joined(separator: ",")
        let c = credential.map { #","credential_format":"\#($0)""# } ?? ""
        return #"{"connector":"\#(name)","claims":[\#(list)],"subject":{"identifier":"urn:oid:2.16.840.1.113883.4.1|123-45-6789"},"purpose":"treatment","jurisdiction":"us"\#(c)}"#
    }

    func stop() async {
        await service.shutdown(gracePeriod: .seconds(2))
        for simulator in simulators { await simulator.shutdown() }
        client.shutdown()
        group.shutdown()
        try? FileManager.default.removeItem(at: root)
    }

    /// Run `body` with a host, stopping it whatever happens.
    static func with(simulators: [SimulatorConfiguration], connectors: [Connector],
                     _ body: (DataHost) async throws -> Void) async throws {
        let host = try await DataHost(simulators: simulators, connectors: connectors)
        do { try await body(host) } catch {
            await host.stop()
            throw error
        }
        await host.stop()
    }
}
