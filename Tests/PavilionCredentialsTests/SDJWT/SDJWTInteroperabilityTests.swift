import Foundation
import PavilionCore
import PavilionCredentials
import PavilionCrypto
import PavilionTestSupport
import XCTest

/// Pavilion against the IETF reference implementation, the `sd-jwt` package
/// on PyPI (openwallet-foundation-labs/sd-jwt-python), which `script/deps`
/// installs into `.build/venv`. Both directions: it verifies what Pavilion
/// issues and presents, and Pavilion verifies what it issues and presents.
/// The drivers are in Tests/Fixtures/sd-jwt/interop.
final class SDJWTInteroperabilityTests: XCTestCase {
    private let audience = "https://verifier.example.org"
    private let nonce = "interop-7Qx2"
    private let issuerID = "https://issuer.pavilion.example"

    private var interop: URL { TestEnvironment.fixtures("sd-jwt").appendingPathComponent("interop") }

    private func python() throws -> URL {
        let python = TestEnvironment.packageRoot.appendingPathComponent(".build/venv/bin/python3")
        guard FileManager.default.isExecutableFile(atPath: python.path),
              let probe = try? TestEnvironment.run(python, ["-c", "import sd_jwt"]), probe.status == 0 else {
            throw XCTSkip("the reference SD-JWT implementation is missing: run script/deps (it creates .build/venv and pip-installs sd-jwt)")
        }
        return python
    }

    private func run(_ script: String, _ request: JSONValue) throws -> JSONValue {
        let result = try TestEnvironment.run(try python(), [interop.appendingPathComponent(script).path],
                                             stdin: Data(request.serializedBytes))
        guard result.status == 0 else { throw SDJWTError(.invalidPayload, "\(script) failed: \(result.stderr)") }
        return try JSONParser().parse(result.stdout)
    }

    private var wallClock: Int64 { Int64(Date().timeIntervalSince1970) }

    private let claims: [String: JSONValue] = [
        "iss": "https://issuer.pavilion.example", "iat": 1_760_000_000,
        "given_name": "Erika", "family_name": "Mustermann", "email": "erika@example.com",
        "address": ["street_address": "Heidestraße 17", "locality": "Köln", "country": "DE"],
        "nationalities": ["DE", "FR"], "age_over": ["18": true, "21": true],
    ]

    func testTheReferenceImplementationVerifiesWhatPavilionIssuesAndPresents() throws {
        _ = try python()
        let now = wallClock
        var items: [JSONValue] = []
        var expected: [JSONValue] = []
        for algorithm in [JWSAlgorithm.es256, .es384, .edDSA] {
            let issuerJWK: JWK
            switch algorithm {
            case .es384:
                let key = try ECPrivateKey(curve: .p384)
                issuerJWK = JWK(.ec(key.publicKey, key)).withThumbprintKeyID()
            case .edDSA:
                let key = try Ed25519PrivateKey()
                issuerJWK = JWK(.ed25519(try key.publicKey(), key)).withThumbprintKeyID()
            default:
                let key = try ECPrivateKey(curve: .p256)
                issuerJWK = JWK(.ec(key.publicKey, key)).withThumbprintKeyID()
            }
            let keys = try SDJWTTestKeys()
            let signer = try JWKSigner(key: issuerJWK, algorithm: algorithm)
            let policy = DisclosurePolicy(.paths([["given_name"], ["family_name"], ["email"], ["address"], ["address", "locality"],
                                                  ["nationalities", 0], ["nationalities", 1], ["age_over"], ["age_over", "18"],
                                                  ["age_over", "21"]]), decoysPerObject: 1...3)
            let plain = try SDJWTIssuer(signer: signer, type: "example+sd-jwt").issue(claims: claims, policy: policy, holderKey: keys.holder)
            let vc = try SDJWTVCIssuer(signer: signer).issue(
                SDJWTVCClaims(issuer: issuerID, vct: "https://credentials.pavilion.example/identity_match",
                              claims: ["given_name": "Erika", "age_over": ["18": true]], issuedAt: now, expiresAt: now + 3600),
                holderKey: keys.holder)
            let verifier = SDJWTVerifier(issuerKeys: [issuerJWK.publicJWK], keyBinding: .forbidden)
            let publicIssuer = try issuerJWK.publicJWK.jsonValue()
            for issued in [plain, vc] {
                let received = try verifier.verify(issued.sdJWT, now: now)
                let selections: [Set<ClaimPath>] = [[["given_name"], ["address", "locality"], ["nationalities", 1], ["age_over", "18"]], []]
                for paths in selections {
                    let bound = try SDJWTHolder.presentation(
                        of: received, disclosing: paths.intersection(Set(received.disclosurePaths)),
                        keyBinding: KeyBindingRequest(audience: audience, nonce: nonce, issuedAt: now, signer: keys.holderSigner))
                    let checked = try SDJWTVerifier(issuerKeys: [issuerJWK.publicJWK],
                                                    keyBinding: .required(KeyBindingExpectation(audience: audience, nonce: nonce)))
                        .verify(bound, now: now)
                    items.append(["presentation": .string(bound.serialized), "issuer_jwk": publicIssuer,
                                  "audience": .string(audience), "nonce": .string(nonce)])
                    expected.append(.object(checked.processedPayload))
                }
                // Without key binding, the full issuance.
                items.append(["presentation": .string(issued.sdJWT.serialized), "issuer_jwk": publicIssuer])
                expected.append(.object(received.processedPayload))
            }
            // What the reference implementation must refuse: another nonce, another audience, another issuer key.
            let bound = try SDJWTHolder.presentation(
                of: try verifier.verify(plain.sdJWT, now: now), disclosing: [["given_name"]],
                keyBinding: KeyBindingRequest(audience: audience, nonce: nonce, issuedAt: now, signer: keys.holderSigner))
            let otherKey = try ECPrivateKey(curve: .p256)
            items.append(["presentation": .string(bound.serialized), "issuer_jwk": publicIssuer, "audience": .string(audience), "nonce": "other"])
            items.append(["presentation": .string(bound.serialized), "issuer_jwk": publicIssuer, "audience": "https://evil.example",
                          "nonce": .string(nonce)])
            items.append(["presentation": .string(bound.serialized), "issuer_jwk": try JWK(.ec(otherKey.publicKey, nil)).jsonValue(),
                          "audience": .string(audience), "nonce": .string(nonce)])
            expected += [.null, .null, .null]
        }
        let results = try XCTUnwrap(try run("python_verifies.py", ["items": .array(items)])["results"]?.arrayValue)
        XCTAssertEqual(results.count, expected.count)
        for (index, (result, want)) in zip(results, expected).enumerated() {
            if want == .null {
                XCTAssertEqual(result["ok"], false, "item \(index) should be refused")
            } else {
                XCTAssertEqual(result["ok"], true, "item \(index): \(result["error"]?.stringValue ?? "")")
                XCTAssertEqual(result["payload"], want, "item \(index)")
            }
        }
    }

    func testPavilionVerifiesWhatTheReferenceImplementationIssuesAndPresents() throws {
        _ = try python()
        let folder = interop.appendingPathComponent("testcases")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yml") }.sorted()
        XCTAssertEqual(names.count, 14)
        let request: JSONValue = ["testcases": .array(names.map { .string(folder.appendingPathComponent($0).path) }),
                                  "issuer": .string(issuerID), "audience": .string(audience), "nonce": .string(nonce)]
        let results = try XCTUnwrap(try run("python_issues.py", request)["results"]?.arrayValue)
        XCTAssertEqual(results.count, names.count)
        let now = wallClock
        var boundCount = 0
        for result in results {
            let name = result["name"]?.stringValue ?? "?"
            let key = try JWK(json: try XCTUnwrap(result["issuer_jwk"]))
            let issuance = try SDJWTFixtures.string(result["issuance"])
            let received = try SDJWTVerifier(issuerKeys: [key], keyBinding: .forbidden).verify(issuance, now: now)
            XCTAssertEqual(JSONValue.object(received.processedPayload), result["all_claims"], "\(name): issuance")
            let bound = result["key_binding"] == true
            let policy: KeyBindingPolicy = bound ? .required(KeyBindingExpectation(audience: audience, nonce: nonce)) : .notRequired
            let verified = try SDJWTVerifier(issuerKeys: [key], keyBinding: policy).verify(try SDJWTFixtures.string(result["presentation"]), now: now)
            XCTAssertEqual(JSONValue.object(verified.processedPayload), result["expected_claims"], "\(name): presentation")
            if bound {
                boundCount += 1
                XCTAssertEqual(verified.keyBinding?.nonce, nonce, name)
            }
        }
        XCTAssertEqual(boundCount, 1, "the key_binding testcase")
    }

    func testTheReferenceHolderPresentsAPavilionIssuanceThatPavilionVerifies() throws {
        _ = try python()
        let keys = try SDJWTTestKeys()
        let now = wallClock
        let issued = try SDJWTIssuer(signer: keys.issuerSigner).issue(
            claims: claims, policy: DisclosurePolicy(.everything(exceptTopLevel: ["iss", "iat"]), decoysPerObject: 1...2),
            holderKey: keys.holder)
        let disclose: JSONValue = ["given_name": true, "address": ["country": true], "nationalities": [false, true]]
        let answer = try run("python_presents.py", ["issuance": .string(issued.sdJWT.serialized), "disclose": disclose,
                                                    "holder_jwk": try keys.holder.jsonValue(includingPrivate: true),
                                                    "audience": .string(audience), "nonce": .string(nonce)])
        let verified = try keys.verifier(keyBinding: .required(KeyBindingExpectation(audience: audience, nonce: nonce)))
            .verify(try SDJWTFixtures.string(answer["presentation"]), now: now)
        XCTAssertEqual(verified.processedPayload["given_name"], "Erika")
        XCTAssertEqual(verified.processedPayload["address"], ["country": "DE"])
        XCTAssertEqual(verified.processedPayload["nationalities"], ["FR"])
        XCTAssertNil(verified.processedPayload["family_name"])
        XCTAssertEqual(verified.keyBinding?.audience, audience)
    }
}
