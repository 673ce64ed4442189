import CPavilion
import Foundation
import PavilionConnectorKit
import XCTest

/// Bad input at every ABI entry of the three shipped libraries: NULL,
/// wrong versions, tables smaller and larger than ours, malformed, huge and
/// deeply nested JSON. Nothing may crash; every refusal is a status.
final class ConnectorABIBadInputTests: XCTestCase {
    static let secrets = ["client_id": "test-client", "client_secret": "s3cr3t"]
    static let products = ["pv_echo", "pv_camara_kyc_match", "pv_fhir_patient"]
    static let validQueries = [
        "pv_echo": #"{"subject":{},"claims":["echo"]}"#,
        "pv_camara_kyc_match": #"{"subject":{"phone_number":"+34600000001","given_name":"Ana"},"claims":["given_name_match"]}"#,
        "pv_fhir_patient": #"{"subject":{"identifier":"urn:x|1"},"claims":["patient_exists"]}"#,
    ]

    private func session(_ product: String, host: TestHost = TestHost(secrets: secrets)) throws -> ConnectorSession {
        try ConnectorSession(try LoadedConnector(product), host: host)
    }

    private func status(_ outcome: StepOutcome) -> pv_status_t? {
        if case .error(let s, _) = outcome { return s }
        return nil
    }

    func testEntryRefusesNullHostAndABIVersionZero() throws {
        for product in Self.products {
            let library = try LoadedConnector(product)
            XCTAssertNil(library.entry(PV_ABI_VERSION, nil), product)
            XCTAssertNil(library.plugin(abi: 0, host: TestHost()), product)
        }
    }

    func testEntryAcceptsANewerHostWithALargerTable() throws {
        for product in Self.products {
            let host = TestHost(secrets: Self.secrets, structSize: MemoryLayout<pv_host_t>.size + 64)
            let plugin = try XCTUnwrap(try LoadedConnector(product).plugin(abi: 99, host: host), product)
            // The C connectors speak ABI 1; the Swift kit answers with its own version, 2.
            XCTAssertEqual(plugin.abi_version, product == "pv_fhir_patient" ? 2 : 1, product)
            XCTAssertGreaterThanOrEqual(Int(plugin.struct_size), MemoryLayout<pv_plugin_t>.size, product)
        }
    }

    func testEntryRefusesAHostTableWithoutTheSecretService() throws {
        let logOnly = MemoryLayout<pv_host_t>.offset(of: \pv_host_t.secret) ?? 16
        for product in ["pv_camara_kyc_match", "pv_fhir_patient"] {
            let library = try LoadedConnector(product)
            XCTAssertNil(library.plugin(host: TestHost(structSize: logOnly)), product)
            XCTAssertNil(library.plugin(host: TestHost(omitSecret: true)), product)
        }
        // Echo needs no service: a bare header is enough.
        XCTAssertNotNil(try LoadedConnector("pv_echo").plugin(host: TestHost(structSize: 8)))
    }

    func testDescribeNamesTheConnectorAndItsClaims() throws {
        let expected = ["pv_echo": ("echo", 1), "pv_camara_kyc_match": ("camara-kyc-match", 7), "pv_fhir_patient": ("fhir-patient", 6)]
        for product in Self.products {
            let plugin = try XCTUnwrap(try LoadedConnector(product).plugin(host: TestHost(secrets: Self.secrets)))
            var out = pv_bytes_t()
            XCTAssertEqual(plugin.describe!(&out), PV_OK)
            XCTAssertEqual(plugin.describe!(nil), PV_ERR_INTERNAL, product)
            let json = try ConnectorJSONParser().parse(bytes: bytes(out))
            XCTAssertEqual(json["name"]?.stringValue, expected[product]?.0)
            XCTAssertEqual(json["claims"]?.arrayValue?.count, expected[product]?.1)
        }
    }

    func testMalformedQueriesAreInvalidInput() throws {
        let nested = String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)
        let queries: [String: [UInt8]?] = [
            "NULL with length": nil,
            "empty": [],
            "truncated": Array(#"{"subject":{},"claims":["ec"#.utf8),
            "invalid UTF-8": Array(#"{"subject":{"given_name":""#.utf8) + [0xC3, 0x28] + Array(#""},"claims":["echo"]}"#.utf8),
            "lone surrogate escape": Array(#"{"subject":{"x":"\udc00"},"claims":["echo"]}"#.utf8),
            "1 MiB of [": [UInt8](repeating: UInt8(ascii: "["), count: 1 << 20),
            "deeply nested subject": Array(#"{"subject":{"x":\#(nested)},"claims":["echo"]}"#.utf8),
            "array instead of object": Array(#"[{"claims":["echo"]}]"#.utf8),
            "claims not strings": Array(#"{"subject":{},"claims":[1]}"#.utf8),
            "trailing garbage": Array(#"{"subject":{},"claims":["echo"]} x"#.utf8),
        ]
        for product in Self.products {
            let s = try session(product)
            for (name, query) in queries {
                let (exchange, outcome) = s.begin(query)
                XCTAssertEqual(status(outcome), PV_ERR_INVALID_INPUT, "\(product): \(name): \(outcome)")
                s.end(exchange)
            }
        }
    }

    func testHugeAndDeeplyNestedResponseBodiesAreBadResponses() throws {
        let token = Array(#"{"access_token":"tok","token_type":"Bearer"}"#.utf8)
        let bodies: [String: [UInt8]] = [
            "1 MiB of [": [UInt8](repeating: UInt8(ascii: "["), count: 1 << 20),
            "deeply nested": Array((String(repeating: "{\"a\":", count: 3000) + "1" + String(repeating: "}", count: 3000)).utf8),
            "invalid UTF-8": Array(#"{"givenNameMatch":""#.utf8) + [0xFF] + Array(#""}"#.utf8),
            "empty": [],
        ]
        for product in ["pv_camara_kyc_match", "pv_fhir_patient"] {
            let s = try session(product)
            for (name, body) in bodies {
                // As the token response…
                var (exchange, _) = s.begin(Array(Self.validQueries[product]!.utf8))
                XCTAssertEqual(status(s.step(exchange, status: 200, body: body)), PV_ERR_BAD_RESPONSE, "\(product) token: \(name)")
                s.end(exchange)
                // …and as the DP's answer.
                (exchange, _) = s.begin(Array(Self.validQueries[product]!.utf8))
                guard case .request = s.step(exchange, status: 200, body: token) else {
                    XCTFail("\(product): no second request"); s.end(exchange); continue
                }
                XCTAssertEqual(status(s.step(exchange, status: 200, body: body)), PV_ERR_BAD_RESPONSE, "\(product) answer: \(name)")
                s.end(exchange)
            }
        }
    }

    func testStepAfterTheResultIsAStateError() throws {
        let s = try session("pv_echo")
        let (exchange, first) = s.begin(Array(Self.validQueries["pv_echo"]!.utf8))
        guard case .request(let request) = first else { return XCTFail("\(first)") }
        XCTAssertEqual(request.method, "GET")
        XCTAssertEqual(request.flags & PV_REQUEST_IDEMPOTENT, PV_REQUEST_IDEMPOTENT)
        XCTAssertEqual(s.step(exchange, status: 200, body: []), .result(Array(#"{"echo":true}"#.utf8)))
        XCTAssertEqual(status(s.step(exchange, status: 200, body: [])), PV_ERR_STATE)
        s.end(exchange)
        for product in ["pv_camara_kyc_match", "pv_fhir_patient"] {
            let k = try session(product)
            let (ex, _) = k.begin(Array(Self.validQueries[product]!.utf8))
            XCTAssertEqual(status(k.step(ex, status: 500, body: [])), PV_ERR_UPSTREAM, product)
            XCTAssertEqual(status(k.step(ex, status: 200, body: [])), PV_ERR_STATE, product)
            k.end(ex)
        }
    }

    func testEndAndDestroyAcceptNull() throws {
        for product in Self.products {
            let plugin = try XCTUnwrap(try LoadedConnector(product).plugin(host: TestHost(secrets: Self.secrets)))
            plugin.exchange_end!(nil)
            plugin.destroy!(nil)
        }
    }

    func testStepWithNullExchangeOrResponseIsRefused() throws {
        for product in Self.products {
            let s = try session(product)
            var step = freshStep()
            XCTAssertNotEqual(s.plugin.exchange_step!(nil, nil, &step), PV_OK, product)
            let (exchange, _) = s.begin(Array(Self.validQueries[product]!.utf8))
            step = freshStep()
            XCTAssertNotEqual(s.plugin.exchange_step!(exchange, nil, &step), PV_OK, product)
            s.end(exchange)
        }
    }

    func testASmallStepTableIsNeverWrittenBeyondItsStructSize() throws {
        for product in Self.products {
            let s = try session(product)
            let size = MemoryLayout<pv_step_t>.size + 32
            let raw = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
            defer { raw.deallocate() }
            for covered in [8, 16, MemoryLayout<pv_step_t>.offset(of: \pv_step_t.message) ?? 40] {
                raw.initializeMemory(as: UInt8.self, repeating: 0xAA, count: size)
                raw.storeBytes(of: PV_ABI_VERSION, toByteOffset: 0, as: UInt32.self)
                raw.storeBytes(of: UInt32(covered), toByteOffset: 4, as: UInt32.self)
                var exchange: OpaquePointer?
                let query = Array(Self.validQueries[product]!.utf8)
                let status = query.withUnsafeBufferPointer {
                    s.plugin.exchange_begin!(s.instance, s.hostExchange, pv_bytes_t(ptr: $0.baseAddress, len: $0.count),
                                             &exchange, raw.assumingMemoryBound(to: pv_step_t.self))
                }
                let tail = UnsafeRawBufferPointer(start: raw + covered, count: size - covered)
                XCTAssertTrue(tail.allSatisfy { $0 == 0xAA }, "\(product) wrote beyond struct_size \(covered)")
                if covered < 16 { XCTAssertEqual(status, PV_ERR_HOST, "\(product) with struct_size \(covered)") }
                s.end(exchange)
            }
        }
    }

    func testAResponseTableTooSmallIsRefused() throws {
        for product in ["pv_camara_kyc_match", "pv_fhir_patient"] {
            let s = try session(product)
            let (exchange, _) = s.begin(Array(Self.validQueries[product]!.utf8))
            var response = pv_response_t()
            response.abi_version = 1
            response.struct_size = 12 // covers status only
            response.status = 200
            var step = freshStep()
            XCTAssertNotEqual(s.plugin.exchange_step!(exchange, &response, &step), PV_OK, product)
            s.end(exchange)
        }
    }

    func testMissingTenantSecretsAreAHostError() throws {
        for product in ["pv_camara_kyc_match", "pv_fhir_patient"] {
            let s = try session(product, host: TestHost(secrets: [:]))
            let (exchange, outcome) = s.begin(Array(Self.validQueries[product]!.utf8))
            XCTAssertEqual(status(outcome), PV_ERR_HOST, product)
            s.end(exchange)
        }
    }

    func testCreateRefusesUnusableSettings() throws {
        for product in ["pv_camara_kyc_match", "pv_fhir_patient"] {
            let library = try LoadedConnector(product)
            let host = TestHost(secrets: Self.secrets)
            let plugin = try XCTUnwrap(library.plugin(host: host))
            for settings in ["[1]", #"{"api_base":"../x","base_path":"../x"}"#, #"{"token_path":5}"#, "{", "\u{FF}"] {
                var out: OpaquePointer?
                var message = pv_bytes_t()
                let status = Array(settings.utf8).withUnsafeBufferPointer {
                    plugin.create!(host.hostPointer, host.ctx, pv_bytes_t(ptr: $0.baseAddress, len: $0.count), &out, &message)
                }
                XCTAssertEqual(status, PV_ERR_INVALID_INPUT, "\(product) \(settings)")
                XCTAssertNil(out)
                XCTAssertFalse(bytes(message).isEmpty)
            }
            var out: OpaquePointer?
            XCTAssertNotEqual(plugin.create!(nil, nil, pv_bytes_t(), &out, nil), PV_OK, product)
        }
    }

    func testHealthProbes() throws {
        let probes = [("pv_echo", "/health"), ("pv_fhir_patient", "/fhir/R4/metadata")]
        for (product, path) in probes {
            let s = try session(product)
            var exchange: OpaquePointer?
            var step = freshStep()
            let begun = outcome(s.plugin.health_begin!(s.instance, s.hostExchange, &exchange, &step), step)
            guard case .request(let request) = begun else { XCTFail("\(product): \(begun)"); continue }
            XCTAssertEqual(request.path, path)
            let body = Array(#"{"resourceType":"CapabilityStatement"}"#.utf8)
            XCTAssertEqual(s.step(exchange, status: 200, body: body), .result(Array(#"{"healthy":true}"#.utf8)), product)
            s.end(exchange)
        }
        XCTAssertNil(try LoadedConnector("pv_camara_kyc_match").plugin(host: TestHost(secrets: Self.secrets))?.health_begin)
    }
}
