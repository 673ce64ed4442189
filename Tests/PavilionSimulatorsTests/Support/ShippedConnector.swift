import Foundation
import PavilionCore
import PavilionCrypto
import PavilionManifest
import PavilionNet
import PavilionPlugins
import PavilionTestSupport
import Synchronization
import XCTest

/// Secrets by tenant: `acme` has the fixtures' credentials, `intruder` a wrong secret.
struct TenantSecrets: SecretProvider {
    static let table: [String: [String: String]] = [
        "acme": ["client_id": "test-client", "client_secret": "s3cr3t"],
        "intruder": ["client_id": "test-client", "client_secret": "not-the-secret"],
    ]

    func secret(tenant: String, connector: String, name: String) -> [UInt8]? {
        Self.table[tenant]?[name].map { Array($0.utf8) }
    }
}

/// How an exchange ended.
enum ExchangeOutcome: Equatable, CustomStringConvertible {
    case result(JSONValue)
    case failure(ConnectorFailure.Code)

    var description: String {
        switch self {
        case .result(let json): return "result \(json.serialized)"
        case .failure(let code): return "failure \(code.rawValue)"
        }
    }
}

/// A shipped connector library (built by `swift build` into the build
/// folder), loaded through its shipped manifest with the pin rewritten to
/// the bytes just built.
enum ShippedConnector {
    /// Manifest file stem and library product of each shipped connector.
    static let products: [String: String] = [
        "camara-kyc-match": "pv_camara_kyc_match",
        "fhir-patient": "pv_fhir_patient",
        "echo": "pv_echo",
        "fraud-list": "pv_fraud_list",
    ]

    private static let cache = Mutex<[String: ConnectorInstance]>([:])
    private static let cacheDirectory: URL = {
        (try? TestEnvironment.makeTemporaryDirectory("pavilion-sim-libs"))
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("pavilion-sim-libs")
    }()

    /// An instance of the connector `name` (e.g. `camara-kyc-match`), the
    /// plugin clock fixed at `clockMs`.
    static func instance(_ name: String, clockMs: Int64 = 1_767_225_600_000) throws -> ConnectorInstance {
        let key = "\(name)@\(clockMs)"
        if let instance = cache.withLock({ $0[key] }) { return instance }
        guard let product = products[name] else { throw XCTSkip("unknown connector \(name)") }
        let library = TestEnvironment.connectorLibrary(product)
        guard FileManager.default.fileExists(atPath: library.path) else {
            throw NSError(domain: "ShippedConnector", code: 1,
                          userInfo: [NSLocalizedDescriptionKey: "\(library.path) is missing; run swift build first"])
        }
        let manifestURL = TestEnvironment.packageRoot.appendingPathComponent("connectors.d/\(name).yaml")
        var text = try String(contentsOf: manifestURL, encoding: .utf8)
        let pin = try SHA256.hexOfFile(atPath: library.path)
        text = text.replacingOccurrences(of: #"path: lib/lib\#(product).so"#, with: "path: lib\(product).so")
        text = text.replacingOccurrences(of: #"sha256: [0-9a-f]{64}"#, with: "sha256: \(pin)", options: .regularExpression)
        let manifest = try ManifestLoader.load(text: text, file: manifestURL.path,
                                               baseDirectory: TestEnvironment.buildDirectory.path)
        let loader = LibraryLoader(cacheDirectory: cacheDirectory,
                                   services: PluginServices(secrets: TenantSecrets(),
                                                            clock: FixedPluginClock(milliseconds: clockMs)))
        let instance = try ConnectorInstance(plugin: try loader.load(manifest))
        cache.withLock { $0[key] = instance }
        return instance
    }

    /// Run one exchange (or the health probe) to its end, each request sent
    /// over `client` to `endpoint`.
    static func run(_ instance: ConnectorInstance, query: JSONValue? = nil, tenant: String = "acme",
                    client: HTTPClient, endpoint: Endpoint) async throws -> ExchangeOutcome {
        let exchange = instance.makeExchange()
        defer { exchange.end() }
        do {
            var next: ExchangeStep
            if let query {
                next = try exchange.begin(query: query, tenant: tenant, requestID: "req-1")
            } else {
                next = try exchange.beginHealth(tenant: tenant, requestID: "probe-1")
            }
            var rounds = 0
            while case .request(let request) = next {
                rounds += 1
                guard rounds <= 8 else { throw NSError(domain: "ShippedConnector", code: 2) }
                let sent = HTTPClientRequest(method: request.method, target: request.path,
                                             headers: HTTPHeaders(request.headers.map { ($0.name, $0.value) }),
                                             body: request.body)
                let response = try await client.send(sent, to: endpoint, deadline: .now + .seconds(10))
                next = try exchange.step(HTTPResponse(status: response.status, headers: Array(response.headers.fields),
                                                      body: response.body))
            }
            guard case .result(let result) = next else { throw NSError(domain: "ShippedConnector", code: 3) }
            return .result(result)
        } catch let failure as ConnectorFailure {
            return .failure(failure.code)
        }
    }
}

/// A case of a recorded fixture file in `connectors.d/fixtures`.
struct FixtureCase {
    var clockMs: Int64
    var query: JSONValue
    var expected: ExchangeOutcome

    static func named(_ name: String, in file: String) throws -> FixtureCase {
        let url = TestEnvironment.packageRoot.appendingPathComponent("connectors.d/fixtures/\(file)")
        let json = try JSONParser().parse(bytes: Array(try Data(contentsOf: url)))
        let cases = try XCTUnwrap(json["cases"]?.arrayValue)
        let found = try XCTUnwrap(cases.first { $0["name"]?.stringValue == name }, "no case '\(name)' in \(file)")
        let expect = try XCTUnwrap(found["expect"])
        let expected: ExchangeOutcome
        if let result = expect["result"] {
            expected = .result(result)
        } else {
            let code = try XCTUnwrap(expect["error"]?.stringValue.flatMap(ConnectorFailure.Code.init(rawValue:)))
            expected = .failure(code)
        }
        return FixtureCase(clockMs: try XCTUnwrap(json["clock_ms"]?.intValue), query: try XCTUnwrap(found["query"]),
                           expected: expected)
    }
}
