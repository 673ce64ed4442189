import PavilionCore
import PavilionCrypto
import PavilionData
import XCTest

/// A verifier at the seam: accepts responses whose `Signature` header is
/// `good`, refuses others. The real JWS and RFC 9421 verifiers live in
/// PavilionCredentials.
struct FakeVerifier: ResponseSignatureVerifier {
    var scheme: ResponseSignatureScheme
    func verify(_ response: SignedResponse) throws(ResponseSignatureError) -> VerifiedResponseSignature {
        guard let sig = response.headers.first(where: { $0.name.lowercased() == "signature" })?.value else {
            throw ResponseSignatureError(.unsigned, "no Signature field")
        }
        guard sig == "good" else { throw ResponseSignatureError(.badSignature, "signature does not verify") }
        return VerifiedResponseSignature(scheme: scheme, keyID: "dp-key-1", algorithm: "ed25519",
                                         coveredComponents: ["@status", "content-digest"], payload: response.body)
    }
}

final class ResponseIntegrityTests: XCTestCase {
    let sha256 = ContentDigester.sha256 { DigestAlgorithm.sha256.hash($0) }

    func response(_ signature: String?) -> SignedResponse {
        SignedResponse(requestMethod: "GET", requestTarget: "https://dp.example/r4/Patient", status: 200,
                       headers: signature.map { [(name: "Signature", value: $0)] } ?? [], body: Array(#"{"id":"p1"}"#.utf8))
    }

    func testDigestIsSHA256OfTheBytesAsReceived() {
        XCTAssertEqual(sha256.digest(Array("abc".utf8)).description,
                       "sha-256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(sha256.digest([]).hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(sha256.digest(Array("abc".utf8)).abbreviated(8), "ba7816bf…")
    }

    func testJSONDigestIgnoresMemberOrder() throws {
        let a = try JSONParser().parse(#"{"b": 1, "a": [true, null]}"#)
        let b = try JSONParser().parse(#"{"a": [true, null], "b": 1}"#)
        XCTAssertEqual(sha256.digest(a), sha256.digest(b))
        XCTAssertNotEqual(sha256.digest(a), sha256.digest(["a": [true], "b": 1]))
    }

    func testKeyedDigestDiffersFromPlainAndByKey() throws {
        let k1 = ContentDigester.hmacSHA256 { (try? HMACSHA256.authenticate($0, key: Array("k1".utf8))) ?? [] }
        let k2 = ContentDigester.hmacSHA256 { (try? HMACSHA256.authenticate($0, key: Array("k2".utf8))) ?? [] }
        let claims: JSONValue = ["age_over_18": true]
        XCTAssertEqual(k1.digest(claims).algorithm, "hmac-sha-256")
        XCTAssertNotEqual(k1.digest(claims).hex, sha256.digest(claims).hex)
        XCTAssertNotEqual(k1.digest(claims), k2.digest(claims))
    }

    func testDigestTextIsChecked() {
        XCTAssertNoThrow(try ContentDigest(algorithm: "sha-256", hex: "00ff"))
        for (alg, hex) in [("sha-256", ""), ("sha-256", "0"), ("sha-256", "00FF"), ("sha-256", "zz"), ("", "00")] {
            XCTAssertThrowsError(try ContentDigest(algorithm: alg, hex: hex)) { XCTAssertEqual(($0 as? LineageError)?.code, .invalidDigest) }
        }
    }

    func testUnsignedConnectorGetsDigestAndBody() throws {
        let checked = try ResponseIntegrity(requiredScheme: nil, verifier: nil, digester: sha256).check(response(nil))
        XCTAssertNil(checked.signature)
        XCTAssertEqual(checked.payload, response(nil).body)
        XCTAssertEqual(checked.digest, sha256.digest(response(nil).body))
    }

    func testSigningConnectorRefusesUnsignedAndBadlySignedResponses() throws {
        let integrity = ResponseIntegrity(requiredScheme: .httpMessageSignatures, verifier: FakeVerifier(scheme: .httpMessageSignatures),
                                          digester: sha256)
        XCTAssertThrowsError(try integrity.check(response(nil))) { XCTAssertEqual(($0 as? ResponseSignatureError)?.code, .unsigned) }
        XCTAssertThrowsError(try integrity.check(response("forged"))) { XCTAssertEqual(($0 as? ResponseSignatureError)?.code, .badSignature) }
        let ok = try integrity.check(response("good"))
        XCTAssertEqual(ok.signature?.keyID, "dp-key-1")
    }

    func testSigningConnectorWithoutAMatchingVerifierRefusesEverything() {
        for verifier in [nil, FakeVerifier(scheme: .jws)] as [FakeVerifier?] {
            let integrity = ResponseIntegrity(requiredScheme: .httpMessageSignatures, verifier: verifier, digester: sha256)
            XCTAssertThrowsError(try integrity.check(response("good"))) { XCTAssertEqual(($0 as? ResponseSignatureError)?.code, .unsigned) }
        }
    }
}
