import Foundation
import PavilionCore
import PavilionCredentials
import PavilionCrypto
import PavilionData
import PavilionHost
import PavilionTestSupport
import XCTest

/// RFC 9421 response signatures with RFC 9530 Content-Digest: the RFC's
/// own vector (Tests/Fixtures/http-message-signatures, see SOURCES), then
/// signatures made with the RFC's test key to walk every refusal.
final class HTTPMessageSignatureTests: XCTestCase {
    struct Vector {
        let key: JWK
        let privateKey: ECPrivateKey
        let response: SignedResponse
        let base: String
        let published: String
    }

    func vectors() throws -> JSONValue {
        try JSONParser().parse(String(contentsOf: TestEnvironment.fixtures("http-message-signatures/vectors.json"), encoding: .utf8))
    }

    func b24() throws -> Vector {
        let v = try XCTUnwrap(try vectors()["rfc9421_b24"])
        let key = try JWK(json: try XCTUnwrap(v["key"]))
        var privateJSON = try XCTUnwrap(v["key"]?.objectValue)
        privateJSON["d"] = v["private_d"]
        guard case .ec(_, let privateKey?) = try JWK(json: .object(privateJSON)).material else { throw XCTSkip("not an EC key") }
        let headers = try XCTUnwrap(v["headers"]?.arrayValue).map { pair -> (name: String, value: String) in
            (pair.arrayValue?.first?.stringValue ?? "", pair.arrayValue?.last?.stringValue ?? "")
        }
        let response = SignedResponse(requestMethod: "POST", requestTarget: "https://example.com/foo", status: 200, headers: headers,
                                      body: Array(try XCTUnwrap(v["body"]?.stringValue).utf8))
        return Vector(key: key, privateKey: privateKey, response: response, base: try XCTUnwrap(v["signature_base"]?.stringValue),
                      published: try XCTUnwrap(v["published_content_digest"]?.stringValue))
    }

    func verifier(_ key: JWK, algorithms: [String] = ["ES256"], now: Int64 = 1_618_884_473) -> HTTPMessageSignatureVerifier {
        HTTPMessageSignatureVerifier(keys: JWKSet(keys: [key]), jwsAlgorithms: algorithms, now: { now })
    }

    // MARK: - The RFC's vectors

    func testRFC9421B24SignatureBaseAndSignatureVerify() throws {
        let v = try b24()
        let inputs = try HTTPMessageSignatureInput.parse(v.response)
        XCTAssertEqual(inputs.count, 1)
        XCTAssertEqual(inputs.first?.label, "sig-b24")
        XCTAssertEqual(inputs.first.map { String(decoding: $0.base, as: UTF8.self) }, v.base)
        XCTAssertEqual(inputs.first?.keyID, "test-key-ecc-p256")
        XCTAssertEqual(inputs.first?.created, 1_618_884_473)
        let verified = try verifier(v.key).verify(v.response)
        XCTAssertEqual(verified.keyID, "test-key-ecc-p256")
        XCTAssertEqual(verified.algorithm, "ecdsa-p256-sha256")
        XCTAssertEqual(verified.coveredComponents, ["@status", "content-type", "content-digest", "content-length"])
    }

    func testRFC9421B24AsPublishedFailsOnItsContentDigest() throws {
        // The RFC's test-response shows a Content-Digest that is not its body's and not what was signed.
        let v = try b24()
        var response = v.response
        response.headers = response.headers.map { $0.name == "Content-Digest" ? ($0.name, v.published) : $0 }
        XCTAssertThrowsError(try verifier(v.key).verify(response)) { error in
            XCTAssertEqual((error as? ResponseSignatureError)?.code, .badSignature, "\(error)")
        }
    }

    func testRFC9530ContentDigestVectors() throws {
        let v = try XCTUnwrap(try vectors()["rfc9530_hello_world"])
        let body = Array(try XCTUnwrap(v["body"]?.stringValue).utf8)
        let hashes: [String: @Sendable ([UInt8]) -> [UInt8]] = [
            "sha-256": { DigestAlgorithm.sha256.hash($0) }, "sha-512": { DigestAlgorithm.sha512.hash($0) },
        ]
        for field in [v["sha-256"], v["sha-512"]].compactMap({ $0?.stringValue }) {
            let response = SignedResponse(requestMethod: "GET", requestTarget: "/", status: 200, headers: [("Content-Digest", field)], body: body)
            XCTAssertEqual(try HTTPMessageSignatureInput.checkContentDigest(response, hashes: hashes).count, 1, field)
        }
        let both = SignedResponse(requestMethod: "GET", requestTarget: "/", status: 200,
                                  headers: [("content-digest", "\(v["sha-256"]?.stringValue ?? ""), \(v["sha-512"]?.stringValue ?? "")")], body: body)
        XCTAssertEqual(try HTTPMessageSignatureInput.checkContentDigest(both, hashes: hashes), ["sha-256", "sha-512"])
        let md5Only = SignedResponse(requestMethod: "GET", requestTarget: "/", status: 200, headers: [("content-digest", "md5=:AAAA:")], body: body)
        XCTAssertThrowsError(try HTTPMessageSignatureInput.checkContentDigest(md5Only, hashes: hashes))
    }

    // MARK: - Refusals, with signatures made by the RFC's test key

    /// The B.2.4 response re-signed over `components` with `params`.
    func signed(_ v: Vector, components: [String], params: String, label: String = "sig1", body: String? = nil,
                extraHeaders: [(String, String)] = []) throws -> SignedResponse {
        var response = v.response
        response.headers.removeAll { ["signature", "signature-input"].contains($0.name.lowercased()) }
        response.headers += extraHeaders.map { (name: $0.0, value: $0.1) }
        var base = ""
        for c in components {
            let value = c == "@status" ? "200" : response.headers.filter { $0.name.lowercased() == c }.map(\.value).joined(separator: ", ")
            base += "\"\(c)\": \(value)\n"
        }
        let list = "(" + components.map { "\"\($0)\"" }.joined(separator: " ") + ")" + params
        base += "\"@signature-params\": " + list
        let signature = try v.privateKey.signature(for: Array(base.utf8), digest: .sha256).rawRepresentation
        response.headers.append(("Signature-Input", "\(label)=\(list)"))
        response.headers.append(("Signature", "\(label)=:\(Data(signature).base64EncodedString()):"))
        if let body { response.body = Array(body.utf8) }
        return response
    }

    func assertRefused(_ response: SignedResponse, _ code: ResponseSignatureError.Code, _ name: String,
                       verifier custom: HTTPMessageSignatureVerifier? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        let v = try b24()
        XCTAssertThrowsError(try (custom ?? verifier(v.key)).verify(response), name, file: file, line: line) { error in
            XCTAssertEqual((error as? ResponseSignatureError)?.code, code, "\(name): \(error)", file: file, line: line)
        }
    }

    func testSignaturesWithTheRFCKeyVerifyAndEveryFaultIsRefused() throws {
        let v = try b24()
        let params = ";created=1618884473;keyid=\"test-key-ecc-p256\";alg=\"ecdsa-p256-sha256\""
        let good = try signed(v, components: ["@status", "content-digest"], params: params)
        XCTAssertEqual(try verifier(v.key).verify(good).coveredComponents, ["@status", "content-digest"])

        try assertRefused(try signed(v, components: ["@status", "content-type"], params: params), .componentNotCovered, "no content-digest")
        try assertRefused(try signed(v, components: ["content-digest"], params: params), .componentNotCovered, "no @status")
        try assertRefused(try signed(v, components: ["@status", "content-digest"], params: params, body: #"{"message": "bad dog"}"#),
                          .badSignature, "body changed after signing")
        try assertRefused(try signed(v, components: ["@status", "content-digest"],
                                     params: ";created=1618884473;keyid=\"someone-else\""), .unknownKey, "unknown keyid")
        try assertRefused(try signed(v, components: ["@status", "content-digest"], params: ";created=1618884473"), .unknownKey, "no keyid")
        try assertRefused(try signed(v, components: ["@status", "content-digest"],
                                     params: ";created=1618880000;expires=1618880001;keyid=\"test-key-ecc-p256\""), .expired, "expired")
        try assertRefused(try signed(v, components: ["@status", "content-digest"],
                                     params: ";created=1718884473;keyid=\"test-key-ecc-p256\""), .expired, "created in the future")
        try assertRefused(try signed(v, components: ["@status", "content-digest"],
                                     params: ";created=1618884473;keyid=\"test-key-ecc-p256\";alg=\"ed25519\""),
                          .algorithmNotAllowed, "alg disagrees with the key")
        try assertRefused(good, .algorithmNotAllowed, "algorithm not in the manifest", verifier: verifier(v.key, algorithms: ["EdDSA"]))
        try assertRefused(try signed(v, components: ["@status", "content-digest", "x-missing"], params: params), .malformed, "absent field")
        try assertRefused(try signed(v, components: ["@status", "content-digest", "@method"], params: params), .malformed, "request component")

        var tampered = good
        tampered.status = 203
        try assertRefused(tampered, .badSignature, "status changed")
        var unsigned = v.response
        unsigned.headers.removeAll { $0.name.hasPrefix("Signature") }
        try assertRefused(unsigned, .unsigned, "no Signature-Input")
        for (name, input, signature) in [
            ("not a dictionary", "sig1=(\"@status\"", "sig1=:AAAA:"),
            ("item, not inner list", "sig1=\"@status\"", "sig1=:AAAA:"),
            ("label without signature", "sig1=(\"@status\" \"content-digest\");keyid=\"test-key-ecc-p256\"", "other=:AAAA:"),
            ("signature not bytes", "sig1=(\"@status\" \"content-digest\");keyid=\"test-key-ecc-p256\"", "sig1=\"AAAA\""),
            ("bad base64", "sig1=(\"@status\" \"content-digest\");keyid=\"test-key-ecc-p256\"", "sig1=:!!:"),
            ("component parameters", "sig1=(\"content-digest\";sf \"@status\");keyid=\"test-key-ecc-p256\"", "sig1=:AAAA:"),
            ("decimal", "sig1=(\"@status\");created=1.5", "sig1=:AAAA:"),
            ("huge", "sig1=(" + String(repeating: "\"a\" ", count: 5000) + ")", "sig1=:AAAA:"),
            ("control character", "sig1=(\"@sta\u{1}tus\")", "sig1=:AAAA:"),
        ] {
            var r = v.response
            r.headers = r.headers.filter { !$0.name.hasPrefix("Signature") } + [("Signature-Input", input), ("Signature", signature)]
            try assertRefused(r, .malformed, name)
        }
        // A second, valid signature among bad ones is enough.
        var two = good
        two.headers = two.headers.map { h in
            switch h.name {
            case "Signature-Input": return (h.name, "bad=(\"@status\" \"content-digest\");keyid=\"nobody\", " + h.value)
            case "Signature": return (h.name, "bad=:AAAA:, " + h.value)
            default: return h
            }
        }
        XCTAssertEqual(try verifier(v.key).verify(two).keyID, "test-key-ecc-p256")
    }

    func testStructuredFieldSerialisationRoundTripsSignatureParameters() throws {
        let text = #"sig=("@status" "content-digest");created=1618884473;keyid="a\"b\\c";alg=ecdsa;flag;nonce=:AQID:"#
        let parsed = try StructuredField.parseDictionary(text)
        XCTAssertEqual(parsed.count, 1)
        let member = try XCTUnwrap(parsed.first?.value)
        XCTAssertEqual(StructuredField.serializeInnerList(member), String(text.dropFirst(4)))
        XCTAssertEqual(member.parameter("keyid"), .string(#"a"b\c"#))
        XCTAssertEqual(member.parameter("flag"), .boolean(true))
        XCTAssertEqual(member.parameter("nonce"), .byteSequence([1, 2, 3]))
        for bad in ["sig=(", "sig=(\"a\"", "Sig=1", "sig=1,", "sig=\"unterminated", "sig=?2", "sig=1234567890123456", "sig=(\"a\")x"] {
            XCTAssertThrowsError(try StructuredField.parseDictionary(bad), bad)
        }
    }
}
