import Foundation
import PavilionCore
import PavilionCrypto
import PavilionNet
@testable import PavilionHost
import PavilionPrivacy
import PavilionStore
import PavilionTestSupport
import XCTest

/// The OPRF use case: a relying party checks whether an identifier is on a
/// data provider's list without revealing it. The provider publishes
/// `Evaluate(skS, x)` for its list; the relying party blinds its phone
/// number with PavilionPrivacy, the host evaluates the blinded element
/// with the tenant's key and proves it (VOPRF), and the relying party
/// finalises and compares — the host never sees the number.
final class OPRFAPITests: XCTestCase {
    private func keys(_ host: HostHarness) throws -> OPRFKeyManager {
        let data = host.root.appendingPathComponent("data").path
        return try OPRFKeyManager(store: host.store, secret: try PrivacySecret.loadOrCreate(configured: nil, dataDirectory: data))
    }

    private func evaluate(_ host: HostHarness, key: String, _ elements: [[UInt8]], tenantKey: String) async throws
        -> (status: Int, headers: HTTPHeaders, json: JSONValue?, text: String) {
        let list = elements.map { "\"\(Hex.encode($0))\"" }.joined(separator: ",")
        return try await host.send("POST", "/v1/privacy/oprf/\(key)/evaluate", key: tenantKey, body: "{\"blinded_elements\":[\(list)]}")
    }

    func testARelyingPartyFindsAPhoneNumberOnTheListWithoutRevealingIt() async throws {
        let host = try await HostHarness(privacy: PrivacyConfiguration(oprfMaxBatch: 10, oprfElementsPerMinute: 6))
        do {
            let manager = try keys(host)
            let stored = try await manager.add(tenant: TenantID("acme"), name: "fraud-list", suite: .p256SHA256, mode: .voprf, rotate: false)
            // The provider's published list: Evaluate(skS, x) for each listed number.
            let server = try VOPRFServer(privateKey: try manager.privateKey(of: stored))
            let listed = ["+447700900001", "+447700900002", "fraud@example.com"]
            let published = Set(try listed.map { Hex.encode(try server.evaluate(Array($0.utf8))) })

            // The relying party pins the public key it fetched once.
            let info = try await host.send("GET", "/v1/privacy/oprf/fraud-list", key: host.acmeKey)
            XCTAssertEqual(info.status, 200, info.text)
            XCTAssertEqual(info.json?["mode"], "voprf")
            XCTAssertEqual(info.json?["version"], 1)
            let publicKey = try OPRFPublicKey(serialized: try XCTUnwrap(info.json?["public_key"]?.stringValue.flatMap(Hex.decode)),
                                              suite: .p256SHA256)
            let client = try VOPRFClient(publicKey: publicKey)
            let asked = ["+447700900002", "+447700900999"]
            let blinded = try asked.map { try client.blind(Array($0.utf8)) }
            let r = try await evaluate(host, key: "fraud-list", blinded.map(\.blindedElement), tenantKey: host.acmeKey)
            XCTAssertEqual(r.status, 200, r.text)
            XCTAssertFalse(r.text.contains("447700900"), "the host never sees the identifier")
            let evaluation = OPRFEvaluation(
                evaluatedElements: try XCTUnwrap(r.json?["evaluated_elements"]?.arrayValue).compactMap { $0.stringValue.flatMap(Hex.decode) },
                proof: try XCTUnwrap(r.json?["proof"]?.stringValue.flatMap(Hex.decode)))
            let outputs = try client.finalize(blinded, evaluation: evaluation)
            XCTAssertEqual(outputs.map { published.contains(Hex.encode($0)) }, [true, false])

            // A proof checked against another key fails: the key is pinned, not taken from the answer.
            let impostor = try VOPRFClient(publicKey: try OPRFPrivateKey.generate(suite: .p256SHA256).publicKey)
            XCTAssertThrowsError(try impostor.finalize(blinded, evaluation: evaluation))

            // The rate limit per tenant: 6 elements per minute; 2 spent, 4 more pass, then 429.
            let four = try (0..<4).map { try client.blind(Array("x\($0)".utf8)).blindedElement }
            let ok = try await evaluate(host, key: "fraud-list", four, tenantKey: host.acmeKey)
            XCTAssertEqual(ok.status, 200, ok.text)
            let limited = try await evaluate(host, key: "fraud-list", [four[0]], tenantKey: host.acmeKey)
            XCTAssertEqual(limited.status, 429, limited.text)
            XCTAssertEqual(limited.json?["code"], "rate_limited")
            XCTAssertNotNil(limited.headers["retry-after"].flatMap { Int($0) })
        } catch {
            await host.stop()
            throw error
        }
        await host.stop()
    }

    func testBadElementsUnknownKeysAndOtherTenantsAreRefused() async throws {
        let host = try await HostHarness()
        do {
            let manager = try keys(host)
            _ = try await manager.add(tenant: TenantID("acme"), name: "list", suite: .p256SHA256, mode: .voprf, rotate: false)
            let notOnCurve = [UInt8](repeating: 0x02, count: 1) + [UInt8](repeating: 0xFF, count: 32)
            let cases: [(String, Int, String)] = [
                ("{\"blinded_elements\":[\"\(Hex.encode(notOnCurve))\"]}", 400, "invalid_element"),
                ("{\"blinded_elements\":[\"abcd\"]}", 400, "invalid_element"),
                ("{\"blinded_elements\":[]}", 400, "invalid_request"),
                ("{\"blinded_elements\":[\"\(String(repeating: "0", count: 66))\"],\"extra\":1}", 400, "invalid_request"),
                ("{\"info\":\"x\",\"blinded_elements\":[\"\(Hex.encode(notOnCurve))\"]}", 400, "invalid_request"),
                ("not json", 400, "invalid_json"),
            ]
            for (body, status, code) in cases {
                let r = try await host.send("POST", "/v1/privacy/oprf/list/evaluate", key: host.acmeKey, body: body)
                XCTAssertEqual(r.status, status, "\(body): \(r.text)")
                XCTAssertEqual(r.json?["code"]?.stringValue, code, body)
            }
            let otherTenant = try await host.send("GET", "/v1/privacy/oprf/list", key: host.otherKey)
            XCTAssertEqual(otherTenant.status, 404, otherTenant.text)
            XCTAssertEqual(otherTenant.json?["code"], "oprf_key_not_found")
            let admin = try await host.send("GET", "/v1/privacy/oprf/list", key: host.adminKey)
            XCTAssertEqual(admin.status, 403, admin.text)
            let wrongMethod = try await host.send("GET", "/v1/privacy/oprf/list/evaluate", key: host.acmeKey)
            XCTAssertEqual(wrongMethod.status, 405, wrongMethod.text)

            // Rotation: the next version is served, with a new public key.
            let before = try await host.send("GET", "/v1/privacy/oprf/list", key: host.acmeKey)
            _ = try await manager.add(tenant: TenantID("acme"), name: "list", suite: .p256SHA256, mode: .voprf, rotate: true)
            let after = try await host.send("GET", "/v1/privacy/oprf/list", key: host.acmeKey)
            XCTAssertEqual(after.json?["version"], 2)
            XCTAssertNotEqual(after.json?["public_key"], before.json?["public_key"])

            // A sealed key does not open under another privacy secret.
            let otherSecretDir = try TestEnvironment.makeTemporaryDirectory("pavilion-other-secret")
            let foreign = try OPRFKeyManager(store: host.store,
                                             secret: try PrivacySecret.loadOrCreate(configured: nil, dataDirectory: otherSecretDir.path))
            let stored = try await host.store.oprfKey(tenant: TenantID("acme"), name: "list")
            XCTAssertThrowsError(try foreign.privateKey(of: try XCTUnwrap(stored)))
        } catch {
            await host.stop()
            throw error
        }
        await host.stop()
    }
}
