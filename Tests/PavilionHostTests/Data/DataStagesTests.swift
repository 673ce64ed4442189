import Foundation
import PavilionCore
import PavilionCredentials
import PavilionData
@testable import PavilionHost
import PavilionManifest
import PavilionPlugins
import PavilionSimulators
import PavilionStore
import PavilionTestSupport
import XCTest

/// Compiling a manifest's data sections (positions of their errors), the
/// JWS response verifier, and DP payload formats, without a network.
final class DataStagesTests: XCTestCase {
    static let base = """
        apiVersion: pavilion.dev/v1
        kind: Connector
        metadata:
          name: data-test
          provider: Example DP
          version: 0.1.0
        spec:
          library:
            path: lib/libpv_minimal.so
            sha256: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
            abi: 1
          formats:
            input: [json]
            output: [json, csv, xml]
            credentials: [vc+jwt]
          claims:
            - name: age_over_18
              type: boolean
              data_categories: [identity]
          regions:
            - name: eu-west
              residency: eu
              priority: 0
              endpoints: ["https://dp.example"]
          compliance:
            jurisdictions: [gdpr]
            data_categories: [identity]
            lawful_bases: [consent]
            purposes: [age_verification]
            retention: P30D

        """

    func manifest(_ extra: String, folder: String = "/tmp") throws -> Manifest {
        try ManifestLoader.load(text: Self.base + extra, file: "data-test.yaml", baseDirectory: folder)
    }

    // MARK: - Compiling

    func testABadConsistencyRuleIsReportedAtItsManifestPosition() throws {
        let m = try manifest("""
              quality:
                consistency:
                  - "birthdate <= today"
                  - { name: same_day, rule: "birthdate = today" }

            """)
        XCTAssertThrowsError(try CompiledDataStages.compile(m)) { error in
            let diagnostics = (error as? DataStageError)?.diagnostics ?? []
            XCTAssertEqual(diagnostics.count, 1)
            XCTAssertEqual(diagnostics.first?.location.line, 34, "\(diagnostics)")
            XCTAssertEqual(diagnostics.first?.description.contains("data-test.yaml:34:27:"), true, "\(diagnostics)")
            XCTAssertEqual(diagnostics.first?.message.contains("spec.quality.consistency[1].rule"), true, "\(diagnostics)")
        }
        // The same manifest through the host's manifest source: refused, with the position.
        let folder = try TestEnvironment.makeTemporaryDirectory("pavilion-data-source")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("data-test.yaml")
        try (Self.base + "  quality:\n    consistency: [\"phone == null\"]\n").write(to: file, atomically: true, encoding: .utf8)
        let source = DataManifestSource(cache: DataStageCache())
        guard case .failure(let failure) = source.loadManifest(path: file.path) else { return XCTFail("a bad rule must refuse the manifest") }
        XCTAssertEqual(failure.diagnostics.first?.location.line, 32, failure.description)
    }

    func testAGoodQualityPolicyAndTransformsCompileOnceAndAreCached() throws {
        let m = try manifest("""
              quality:
                completeness: { required: [age_over_18] }
                timeliness: { field: meta.lastUpdated, max_age: P30D }
                weights: { completeness: 2, validity: 0 }
                thresholds: { accept: 0.8, flag: 0.5 }
                minimums: { completeness: 1 }
              transforms:
                - derive: { from: birthdate, age_over: [18] }
                - redact: { field: birthdate }

            """)
        let cache = DataStageCache()
        let stages = try cache.stages(for: m)
        XCTAssertEqual(stages.transforms?.count, 2)
        XCTAssertEqual(stages.quality?.policy.acceptThreshold, 0.8)
        XCTAssertEqual(stages.payloadFormats, [.csv, .xml])
        XCTAssertNil(stages.integrity.requiredScheme)
        XCTAssertEqual(try cache.stages(for: m).transforms, stages.transforms)
    }

    func testIntegrityKeysThatCannotBeUsedAreReportedAtTheKeys() throws {
        let missing = try manifest("  integrity:\n    response_signature: jws\n    keys: keys/none.jwks\n")
        XCTAssertEqual(missing.integrity?.keysFile, "/tmp/keys/none.jwks")
        XCTAssertThrowsError(try CompiledDataStages.compile(missing)) { error in
            let d = (error as? DataStageError)?.diagnostics.first
            XCTAssertEqual(d?.location.line, 33)
            XCTAssertEqual(d?.message.contains("cannot read the JWK set file"), true, "\(String(describing: d))")
        }
        let key = try ECPrivateKeyJWK.make()
        let withPrivate = try manifest("  integrity:\n    response_signature: jws\n    keys: {\"keys\": [\(key.privateJSON)]}\n")
        XCTAssertThrowsError(try CompiledDataStages.compile(withPrivate)) { error in
            XCTAssertEqual((error as? DataStageError)?.diagnostics.first?.message.contains("private key"), true)
        }
        let good = try manifest("  integrity:\n    response_signature: jws\n    keys: {\"keys\": [\(key.publicJSON)]}\n    algorithms: [ES256]\n")
        XCTAssertEqual(try CompiledDataStages.compile(good).integrity.requiredScheme, .jws)
    }

    // MARK: - JWS response signatures

    func response(_ body: String, signature: String?, extra: [(String, String)] = []) -> SignedResponse {
        var headers: [(name: String, value: String)] = [("content-type", "application/json")]
        if let signature { headers.append(("x-jws-signature", signature)) }
        for (name, value) in extra { headers.append((name, value)) }
        return SignedResponse(requestMethod: "GET", requestTarget: "https://dp.example/x", status: 200, headers: headers, body: Array(body.utf8))
    }

    func verifier(_ signers: [SimulatorResponseSigner], algorithms: [String] = ["ES256"]) throws -> JWSResponseVerifier {
        let keys = try signers.map { try JWK(json: $0.publicJWKS["keys"]?.arrayValue?.first ?? .null) }
        return try JWSResponseVerifier(keys: JWKSet(keys: keys), algorithms: algorithms)
    }

    func testADetachedJWSOverTheBodyVerifies() throws {
        let signer = try SimulatorResponseSigner.generate(keyID: "k1")
        let body = #"{"resourceType":"Bundle","total":1}"#
        let verified = try verifier([signer]).verify(response(body, signature: signer.signature(for: Array(body.utf8))))
        XCTAssertEqual(verified.keyID, "k1")
        XCTAssertEqual(verified.algorithm, "ES256")
        XCTAssertEqual(verified.payload, Array(body.utf8))
    }

    func testMissingMalformedForgedAndUntrustedSignaturesAreRefused() throws {
        let signer = try SimulatorResponseSigner.generate(keyID: "k1")
        let other = try SimulatorResponseSigner.generate(keyID: "k1")
        let stranger = try SimulatorResponseSigner.generate(keyID: "k2")
        let v = try verifier([signer])
        let body = #"{"ok":true}"#
        let good = try XCTUnwrap(signer.signature(for: Array(body.utf8)))
        let cases: [(String, SignedResponse, ResponseSignatureError.Code)] = [
            ("missing", response(body, signature: nil), .unsigned),
            ("tampered body", response(#"{"ok":false}"#, signature: good), .badSignature),
            ("other key, same kid", response(body, signature: other.signature(for: Array(body.utf8))), .badSignature),
            ("unknown kid", response(body, signature: stranger.signature(for: Array(body.utf8))), .unknownKey),
            ("attached payload", response(body, signature: good.replacingOccurrences(of: "..", with: ".eyJ9.")), .malformed),
            ("two parts", response(body, signature: "abc.def"), .malformed),
            ("garbage header", response(body, signature: "!!!..AAAA"), .malformed),
            ("two headers", response(body, signature: good, extra: [("X-JWS-Signature", good)]), .malformed),
            ("huge", response(body, signature: String(repeating: "A", count: 10_000) + "..AA"), .malformed),
        ]
        for (name, r, code) in cases {
            XCTAssertThrowsError(try v.verify(r), name) { error in
                XCTAssertEqual((error as? ResponseSignatureError)?.code, code, "\(name): \(error)")
            }
        }
        // alg none and algorithms the manifest does not allow.
        let none = Base64URL.encode(Array(#"{"alg":"none","kid":"k1"}"#.utf8)) + "..AAAA"
        XCTAssertThrowsError(try v.verify(response(body, signature: none)))
        let edOnly = try verifier([signer], algorithms: ["EdDSA"])
        XCTAssertThrowsError(try edOnly.verify(response(body, signature: good))) { error in
            XCTAssertEqual((error as? ResponseSignatureError)?.code, .algorithmNotAllowed, "\(error)")
        }
    }

    // MARK: - DP payload formats

    func dataRun(formats: String = "[json, csv, xml]") throws -> DataRun {
        let m = try manifest("").with(outputFormats: formats)
        let id = try VerificationID.generate()
        return DataRun(id: id, manifest: m, stages: try CompiledDataStages.compile(m), keyedHash: { $0 }, startedAt: Date())
    }

    func testCSVAndXMLPayloadsReachTheConnectorAsJSON() throws {
        var data = try dataRun()
        let csv = HTTPResponse(status: 200, headers: [("Content-Type", "text/csv; charset=utf-8")], body: Array("name,age\r\nAda,36\r\n".utf8))
        let out = try data.received(csv, for: HTTPRequest(method: "GET", path: "/bulk"), round: 0, region: "eu-west",
                                    endpoint: "https://dp.example", startedAt: Date(), duration: .milliseconds(3))
        XCTAssertEqual(try JSONParser().parse(String(decoding: out.body, as: UTF8.self)), [["name": "Ada", "age": "36"]])
        XCTAssertEqual(out.headers.filter { $0.name.lowercased() == "content-type" }.map(\.value), ["application/json"])
        let xml = HTTPResponse(status: 200, headers: [("content-type", "application/xml")],
                               body: Array(#"<registry><person id="p1"><name>Ada</name></person></registry>"#.utf8))
        let x = try data.received(xml, for: HTTPRequest(method: "GET", path: "/r"), round: 1, region: "eu-west",
                                  endpoint: "https://dp.example", startedAt: Date(), duration: .milliseconds(1))
        XCTAssertEqual(try JSONParser().parse(String(decoding: x.body, as: UTF8.self)),
                       ["registry": ["person": ["@id": "p1", "name": "Ada"]]])
        // JSON passes through untouched.
        let json = HTTPResponse(status: 200, json: ["a": 1])
        XCTAssertEqual(try data.received(json, for: HTTPRequest(method: "GET", path: "/j"), round: 2, region: "eu-west",
                                         endpoint: "https://dp.example", startedAt: Date(), duration: .zero), json)
        XCTAssertEqual(data.lineage.graph.nodes.filter { $0.kind == .dpExchange }.count, 3)
    }

    func testHostilePayloadsAreRefusedWithoutQuotingThem() throws {
        let hostile: [(String, String, [UInt8])] = [
            ("billion laughs", "application/xml", Array(#"<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><lolz>&lol2;</lolz>"#.utf8)),
            ("external entity", "text/xml", Array(#"<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#.utf8)),
            ("deep XML", "application/xml", Array((String(repeating: "<a>", count: 200) + String(repeating: "</a>", count: 200)).utf8)),
            ("invalid UTF-8 CSV", "text/csv", [0x6E, 0x61, 0x6D, 0x65, 0x0A, 0xFF, 0xFE, 0x0A]),
            ("ragged CSV", "text/csv", Array("a,b\n1,2,3\n".utf8)),
            ("unterminated quote", "text/csv", Array("name\n\"secret-value\n".utf8)),
        ]
        for (name, type, body) in hostile {
            var data = try dataRun()
            XCTAssertThrowsError(try data.received(HTTPResponse(status: 200, headers: [("content-type", type)], body: body),
                                                   for: HTTPRequest(method: "GET", path: "/x"), round: 0, region: "eu-west",
                                                   endpoint: "https://dp.example", startedAt: Date(), duration: .zero), name) { error in
                let problem = error as? APIProblem
                XCTAssertEqual(problem?.code, "upstream_payload_invalid", name)
                XCTAssertEqual(problem?.status, 502, name)
                XCTAssertFalse(problem?.detail.contains("secret-value") ?? true, name)
            }
            XCTAssertEqual(data.lineage.graph.nodes.last?.status, .failed, name)
        }
        // A format the manifest does not declare is handed over as received.
        var jsonOnly = try dataRun(formats: "[json]")
        let csv = HTTPResponse(status: 200, headers: [("content-type", "text/csv")], body: [0xFF])
        XCTAssertEqual(try jsonOnly.received(csv, for: HTTPRequest(method: "GET", path: "/x"), round: 0, region: "eu-west",
                                             endpoint: "https://dp.example", startedAt: Date(), duration: .zero), csv)
    }
}

extension Manifest {
    /// A copy with `spec.formats.output` set from YAML flow text.
    func with(outputFormats text: String) -> Manifest {
        var copy = self
        copy.formats.output = text.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }
        return copy
    }
}

/// A P-256 JWK pair as JSON text, for manifests.
struct ECPrivateKeyJWK {
    let publicJSON: String
    let privateJSON: String

    static func make() throws -> ECPrivateKeyJWK {
        let signer = try SimulatorResponseSigner.generate(keyID: "t1")
        let publicKey = signer.publicJWKS["keys"]?.arrayValue?.first ?? .null
        var members = publicKey.objectValue ?? [:]
        members["d"] = .string(Base64URL.encode(try signer.key.privateScalar()))
        return ECPrivateKeyJWK(publicJSON: publicKey.serialized, privateJSON: JSONValue.object(members).serialized)
    }
}
