import Foundation
import PavilionCore
import PavilionCredentials
import PavilionCrypto
import PavilionTestSupport
import XCTest

/// `"encrypt_to"`: the answer, credential included, encrypted end to end to
/// the relying party's key as a compact JWE (ECDH-ES+A256KW, A256GCM).
final class EncryptedAnswerTests: XCTestCase {
    private func withHost(_ body: (HostHarness) async throws -> Void) async throws {
        let host = try await HostHarness()
        do { try await body(host) } catch {
            await host.stop()
            throw error
        }
        await host.stop()
    }

    private func recipient(_ curve: ECCurve = .p256) throws -> JWK {
        let key = try ECPrivateKey(curve: curve)
        return JWK(.ec(key.publicKey, key), keyID: "rp-enc-1", use: "enc")
    }

    func testTheAnswerIsAJWEOnlyTheRelyingPartysKeyOpens() async throws {
        try await withHost { host in
            for curve in [ECCurve.p256, .p384] {
                let key = try recipient(curve)
                let extra = #","encrypt_to":"# + (try key.publicJWK.jsonValue()).serialized
                let r = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: HostHarness.echoBody(extra: extra))
                XCTAssertEqual(r.status, 200, r.text)
                XCTAssertEqual(r.headers["content-type"], "application/jose")
                XCTAssertEqual(r.text.split(separator: ".", omittingEmptySubsequences: false).count, 5, "compact JWE")
                XCTAssertFalse(r.text.contains("echo"), "the claims must not be readable on the wire")
                let header = try JSONParser().parse(bytes: try Base64URL.decode(String(r.text.prefix { $0 != "." })))
                XCTAssertEqual(header["alg"], "ECDH-ES+A256KW")
                XCTAssertEqual(header["enc"], "A256GCM")
                XCTAssertEqual(header["kid"], "rp-enc-1")
                let plaintext = try JWE.decryptCompact(r.text, key: key).plaintext
                let answer = try JSONParser().parse(bytes: plaintext)
                XCTAssertEqual(answer["claims"], ["echo": true])
                XCTAssertNotNil(answer["id"]?.stringValue)
                XCTAssertThrowsError(try JWE.decryptCompact(r.text, key: try recipient(curve)), "another key must not open it")
            }
        }
    }

    func testAnIndependentImplementationDecryptsTheAnswer() async throws {
        let python = URL(fileURLWithPath: "/usr/bin/python3")
        guard let probe = try? TestEnvironment.run(python, ["-c", "import jwcrypto"]), probe.status == 0 else {
            throw XCTSkip("python3-jwcrypto is missing: run script/deps")
        }
        try await withHost { host in
            let key = try recipient()
            let extra = #","encrypt_to":"# + (try key.publicJWK.jsonValue()).serialized
            let r = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: HostHarness.echoBody(extra: extra))
            XCTAssertEqual(r.status, 200, r.text)
            let script = """
                import json, sys
                from jwcrypto import jwe, jwk
                data = json.load(sys.stdin)
                token = jwe.JWE()
                token.deserialize(data["jwe"], key=jwk.JWK(**data["key"]))
                print(json.dumps(json.loads(token.payload)))
                """
            let input = JSONValue.object(["jwe": .string(r.text), "key": try key.jsonValue(includingPrivate: true)])
            let run = try TestEnvironment.run(python, ["-c", script], stdin: Data(input.serializedBytes))
            XCTAssertEqual(run.status, 0, run.stderr)
            let answer = try JSONParser().parse(run.stdout)
            XCTAssertEqual(answer["claims"], ["echo": true])
        }
    }

    func testUnusableRecipientKeysAreRefusedBeforeTheDataProviderIsAsked() async throws {
        try await withHost { host in
            let priv = try recipient()
            let rsa = JWK(.rsa(try RSAPrivateKey(bitCount: 2048).publicKey, nil))
            let ed = JWK(.ed25519(try Ed25519PrivateKey().publicKey(), nil))
            var signing = try priv.publicJWK.jsonValue().objectValue ?? [:]
            signing["use"] = "sig"
            let cases: [(String, String)] = [
                ("a private key", try priv.jsonValue(includingPrivate: true).serialized),
                ("an RSA key", try rsa.jsonValue().serialized),
                ("an Ed25519 key", try ed.jsonValue().serialized),
                ("a signing key", JSONValue.object(signing).serialized),
                ("not a JWK", #""hello""#),
            ]
            for (what, json) in cases {
                let r = try await host.send("POST", "/v1/verifications", key: host.acmeKey,
                                            body: HostHarness.echoBody(extra: #","encrypt_to":"# + json))
                XCTAssertEqual(r.status, 400, "\(what): \(r.text)")
                XCTAssertEqual(r.json?["code"], "invalid_request", what)
                XCTAssertTrue(r.json?["detail"]?.stringValue?.contains("encrypt_to") == true, "\(what): \(r.text)")
            }
        }
    }
}
