import PavilionCore
import PavilionCredentials
import PavilionCrypto
import XCTest

final class JWETests: XCTestCase {
    private func ecKey(_ curve: ECCurve = .p256) throws -> JWK {
        let key = try ECPrivateKey(curve: curve)
        return JWK(.ec(key.publicKey, key))
    }

    /// `jwe` with its protected header changed by `change` (the tag no longer matches).
    private func rewriteHeader(_ jwe: String, _ change: (inout [String: JSONValue]) -> Void) throws -> String {
        var parts = jwe.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard case .object(var header) = try JSONParser().parse(bytes: try Base64URL.decode(parts[0])) else {
            XCTFail("header is not an object")
            return jwe
        }
        change(&header)
        parts[0] = Base64URL.encode(JSONValue.object(header).serializedBytes)
        return parts.joined(separator: ".")
    }

    func testRFC7520S54ECDHESA128KWDecryptsWhenAllowed() throws {
        let doc = try JOSEFixtures.json("rfc7520/5_4.key_agreement_with_key_wrapping_using_ecdh-es_and_aes-keywrap_with_aes-gcm.json")
        let key = try JWK(json: try XCTUnwrap(doc["input"]?["key"]))
        let compact = try JOSEFixtures.string(doc["output"]?["compact"])
        let decrypted = try JWE.decryptCompact(compact, key: key, allowedKeyManagement: [.ecdhESA128KW], allowedContentEncryption: [.a128gcm])
        XCTAssertEqual(String(decoding: decrypted.plaintext, as: UTF8.self), try JOSEFixtures.string(doc["input"]?["plaintext"]))
        XCTAssertEqual(decrypted.keyManagement, .ecdhESA128KW)
        XCTAssertEqual(decrypted.header["kid"], "peregrin.took@tuckborough.example")
        // Not allowed by default: Pavilion's defaults are ECDH-ES(+A256KW) with A256GCM.
        XCTAssertJOSEError(try JWE.decryptCompact(compact, key: key), .algorithmNotAllowed)
    }

    func testRFC7520S55AESCBCHMACIsRefusedAsUnsupported() throws {
        let doc = try JOSEFixtures.json("rfc7520/5_5.key_agreement_using_ecdh-es_with_aes-cbc-hmac-sha2.json")
        let key = try JWK(json: try XCTUnwrap(doc["input"]?["key"]))
        XCTAssertJOSEError(try JWE.decryptCompact(try JOSEFixtures.string(doc["output"]?["compact"]), key: key), .unsupportedAlgorithm)
    }

    func testEncryptDecryptRoundTripsForEveryCurveAndKeyManagement() throws {
        for curve in ECCurve.allCases {
            for alg in [JWEKeyManagementAlgorithm.ecdhES, .ecdhESA256KW] {
                var recipient = try ecKey(curve)
                recipient.keyID = "rp-1"
                let plaintext = Array("answer: \(curve.rawValue) \(alg.rawValue)".utf8)
                let jwe = try JWE.encryptCompact(plaintext, to: recipient.publicJWK, keyManagement: alg, header: ["typ": "JWT"],
                                                 partyUInfo: Array("pavilion".utf8), partyVInfo: Array("rp".utf8))
                let parts = jwe.split(separator: ".", omittingEmptySubsequences: false)
                XCTAssertEqual(parts.count, 5)
                XCTAssertEqual(parts[1].isEmpty, alg == .ecdhES)
                let decrypted = try JWE.decryptCompact(jwe, key: recipient)
                XCTAssertEqual(decrypted.plaintext, plaintext)
                XCTAssertEqual(decrypted.header["alg"], .string(alg.rawValue))
                XCTAssertEqual(decrypted.header["enc"], "A256GCM")
                XCTAssertEqual(decrypted.header["kid"], "rp-1")
                XCTAssertEqual(decrypted.header["apu"], .string(Base64URL.encode(Array("pavilion".utf8))))
                XCTAssertNil(decrypted.header["epk"]?["d"])
                XCTAssertJOSEError(try JWE.decryptCompact(jwe, key: try ecKey(curve)), .decryptionFailed, "another key")
            }
        }
    }

    func testTamperedPartsFailToDecrypt() throws {
        let key = try ecKey()
        let jwe = try JWE.encryptCompact(Array("secret".utf8), to: key.publicJWK)
        var parts = jwe.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        for index in 1...4 {
            var bytes = try Base64URL.decode(parts[index])
            bytes[0] ^= 1
            var copy = parts
            copy[index] = Base64URL.encode(bytes)
            XCTAssertJOSEError(try JWE.decryptCompact(copy.joined(separator: "."), key: key), index == 2 ? .decryptionFailed : .decryptionFailed,
                               "part \(index)")
        }
        XCTAssertJOSEError(try JWE.decryptCompact(try rewriteHeader(jwe) { $0["typ"] = "x" }, key: key), .decryptionFailed, "header is AAD")
        parts[2] = Base64URL.encode([UInt8](repeating: 0, count: 16))
        XCTAssertJOSEError(try JWE.decryptCompact(parts.joined(separator: "."), key: key), .invalidEncoding, "16-byte iv")
    }

    func testUnsupportedAndMalformedJWEsAreRefused() throws {
        let key = try ecKey()
        let jwe = try JWE.encryptCompact([1, 2, 3], to: key.publicJWK)
        let direct = try JWE.encryptCompact([1, 2, 3], to: key.publicJWK, keyManagement: .ecdhES)
        XCTAssertJOSEError(try JWE.decryptCompact(try rewriteHeader(jwe) { $0["alg"] = "RSA-OAEP" }, key: key), .unsupportedAlgorithm)
        XCTAssertJOSEError(try JWE.decryptCompact(try rewriteHeader(jwe) { $0["alg"] = "dir" }, key: key), .unsupportedAlgorithm)
        XCTAssertJOSEError(try JWE.decryptCompact(try rewriteHeader(jwe) { $0["enc"] = "A128CBC-HS256" }, key: key), .unsupportedAlgorithm)
        XCTAssertJOSEError(try JWE.decryptCompact(try rewriteHeader(jwe) { $0["zip"] = "DEF" }, key: key), .unsupportedAlgorithm)
        XCTAssertJOSEError(try JWE.decryptCompact(try rewriteHeader(jwe) { $0["alg"] = nil }, key: key), .invalidHeader)
        XCTAssertJOSEError(try JWE.decryptCompact(try rewriteHeader(jwe) { $0["epk"] = nil }, key: key), .invalidHeader)
        XCTAssertJOSEError(try JWE.decryptCompact(try rewriteHeader(jwe) { $0["crit"] = ["exp"]; $0["exp"] = 1 }, key: key),
                           .criticalHeaderUnsupported)
        XCTAssertJOSEError(try JWE.decryptCompact(jwe, key: key, allowedKeyManagement: [.ecdhES]), .algorithmNotAllowed)
        // epk off the curve, with a private part, or on another curve.
        XCTAssertJOSEError(try JWE.decryptCompact(try rewriteHeader(jwe) { header in
            guard case .object(var epk)? = header["epk"] else { return }
            epk["y"] = epk["x"]
            header["epk"] = .object(epk)
        }, key: key), .invalidHeader)
        XCTAssertJOSEError(try JWE.decryptCompact(try rewriteHeader(jwe) { header in
            guard case .object(var epk)? = header["epk"] else { return }
            epk["d"] = "AAAA"
            header["epk"] = .object(epk)
        }, key: key), .invalidHeader)
        let p384 = try ecKey(.p384)
        XCTAssertJOSEError(try JWE.decryptCompact(jwe, key: p384), .keyMismatch)
        // Keys that cannot decrypt.
        XCTAssertJOSEError(try JWE.decryptCompact(jwe, key: key.publicJWK), .keyMismatch)
        var signingOnly = key
        signingOnly.use = "sig"
        XCTAssertJOSEError(try JWE.decryptCompact(jwe, key: signingOnly), .keyMismatch)
        let ed = try Ed25519PrivateKey()
        XCTAssertJOSEError(try JWE.encryptCompact([1], to: JWK(.ed25519(try ed.publicKey(), nil))), .keyMismatch)
        // Serialisation errors.
        var parts = direct.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        parts[1] = "AAAA"
        XCTAssertJOSEError(try JWE.decryptCompact(parts.joined(separator: "."), key: key), .invalidEncoding, "direct with a key")
        XCTAssertJOSEError(try JWE.decryptCompact("a.b.c", key: key), .invalidEncoding)
        XCTAssertJOSEError(try JWE.decryptCompact(jwe + ".", key: key), .invalidEncoding)
        XCTAssertJOSEError(try JWE.encryptCompact([1], to: key.publicJWK, header: ["enc": "A128GCM"]), .invalidHeader)
    }
}
