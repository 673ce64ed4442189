import Foundation
import PavilionCore
import PavilionCredentials
import XCTest

/// draft-ietf-oauth-status-list: the byte array, `{bits, lst}`, the Status
/// List Token and the Referenced Token's `status` claim, against the draft's examples.
final class TokenStatusListTests: XCTestCase {
    private var vectors: JSONValue!

    override func setUpWithError() throws { vectors = try StatusFixtures.json("ietf-token-status-list.json") }

    // MARK: Draft examples

    func testShortExamplesDecodeToTheDraftsByteArrays() throws {
        for example in try XCTUnwrap(vectors["short"]?.arrayValue) {
            let list = try StatusList(json: ["bits": try XCTUnwrap(example["bits"]), "lst": try XCTUnwrap(example["lst"])])
            XCTAssertEqual(list.bytes, StatusFixtures.bytes(hex: try XCTUnwrap(example["bytes"]?.stringValue)))
        }
    }

    func testShortExamplesEncodeToTheDraftsCompressedBytesAndLst() throws {
        for example in try XCTUnwrap(vectors["short"]?.arrayValue) {
            let bits = try StatusListBits(validating: Int(try XCTUnwrap(example["bits"]?.intValue)))
            let list = try StatusList(bytes: StatusFixtures.bytes(hex: try XCTUnwrap(example["bytes"]?.stringValue)), bits: bits)
            XCTAssertEqual(try list.compressed(), StatusFixtures.bytes(hex: try XCTUnwrap(example["compressedHex"]?.stringValue)))
            XCTAssertEqual(try list.jsonValue()["lst"], example["lst"])
        }
    }

    func testOneBitExampleStatusesByIndex() throws {
        let list = try StatusList(json: ["bits": 1, "lst": "eNrbuRgAAhcBXQ"])
        let expected: [UInt8] = [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]
        XCTAssertEqual(try (0..<16).map { try list.status(at: $0).rawValue }, expected)
        XCTAssertEqual(list.count, 16)
    }

    func testTwoBitExampleStatusesByIndex() throws {
        let list = try StatusList(json: ["bits": 2, "lst": "eNo76fITAAPfAgc"])
        let expected: [UInt8] = [1, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3]
        XCTAssertEqual(try (0..<12).map { try list.status(at: $0).rawValue }, expected)
        XCTAssertEqual(try list.status(at: 1), .suspended)
    }

    func testLongTestVectorsForOneTwoFourAndEightBits() throws {
        for example in try XCTUnwrap(vectors["long"]?.arrayValue) {
            let bits = try XCTUnwrap(example["bits"]?.intValue)
            let list = try StatusList(json: ["bits": .int(bits), "lst": try XCTUnwrap(example["lst"])])
            XCTAssertEqual(list.count, 1 << 20, "bits \(bits)")
            let statuses = try XCTUnwrap(example["statuses"]?.objectValue)
            var rebuilt = try StatusList(size: 1 << 20, bits: list.bits)
            for (index, value) in statuses {
                let i = try XCTUnwrap(Int(index))
                let v = UInt8(try XCTUnwrap(value.intValue))
                XCTAssertEqual(try list.status(at: i).rawValue, v, "bits \(bits) index \(i)")
                try rebuilt.setStatus(TokenStatus(rawValue: v), at: i)
            }
            XCTAssertEqual(rebuilt, list, "bits \(bits): every other status is VALID")
            XCTAssertEqual(try rebuilt.jsonValue()["lst"], example["lst"], "bits \(bits): re-encoding gives the draft's lst")
        }
    }

    func testDraftStatusListTokenVerifiesWithTheExampleKey() throws {
        let example = try XCTUnwrap(vectors["statusListToken"])
        let key = try JWK(json: try XCTUnwrap(example["publicKey"]))
        let jwt = try XCTUnwrap(example["jwt"]?.stringValue)
        let token = try StatusListToken.verify(jwt, keys: [key], allowedAlgorithms: [.es256],
                                               expectedURI: "https://example.com/statuslists/1",
                                               now: Date(timeIntervalSince1970: 1_700_000_000))
        XCTAssertEqual(token.subject, "https://example.com/statuslists/1")
        XCTAssertEqual(token.issuer, "https://example.com")
        XCTAssertEqual(token.timeToLive, 43200)
        XCTAssertEqual(token.issuedAt, Date(timeIntervalSince1970: 1_686_920_170))
        XCTAssertEqual(token.expiresAt, Date(timeIntervalSince1970: 2_291_720_170))
        XCTAssertEqual(token.statusList.bytes, [0xB9, 0xA3])
    }

    func testDraftStatusListTokenIsRefusedAfterExpiry() throws {
        let example = try XCTUnwrap(vectors["statusListToken"])
        let key = try JWK(json: try XCTUnwrap(example["publicKey"]))
        XCTAssertStatusError(try StatusListToken.verify(try XCTUnwrap(example["jwt"]?.stringValue), keys: [key], allowedAlgorithms: [.es256],
                                                        expectedURI: nil, now: Date(timeIntervalSince1970: 2_291_800_000)), .expired)
    }

    func testDraftStatusListTokenIsRefusedForAnotherURI() throws {
        let example = try XCTUnwrap(vectors["statusListToken"])
        let key = try JWK(json: try XCTUnwrap(example["publicKey"]))
        XCTAssertStatusError(try StatusListToken.verify(try XCTUnwrap(example["jwt"]?.stringValue), keys: [key], allowedAlgorithms: [.es256],
                                                        expectedURI: "https://example.com/statuslists/2",
                                                        now: Date(timeIntervalSince1970: 1_700_000_000)), .invalidToken)
    }

    func testReferencedTokenStatusClaimFromTheDraft() throws {
        let reference = try StatusListReference(claims: try XCTUnwrap(vectors["referencedTokenClaims"]))
        XCTAssertEqual(reference, StatusListReference(index: 0, uri: "https://example.com/statuslists/1"))
        XCTAssertEqual(reference.statusClaim, vectors["referencedTokenClaims"]?["status"])
    }

    // MARK: Signing

    func testSignedTokenCarriesTypAndClaimsAndVerifies() throws {
        let key = try StatusFixtures.signingKey("status-1")
        var list = try StatusList(size: 16_384, bits: .two)
        try list.setStatus(.invalid, at: 7)
        try list.setStatus(.suspended, at: 16_383)
        let issued = Date(timeIntervalSince1970: 1_750_000_000)
        let token = StatusListToken(subject: "https://issuer.test/status/1", issuedAt: issued,
                                    expiresAt: issued.addingTimeInterval(86_400), timeToLive: 3_600, statusList: list)
        let jwt = try token.signed(by: try JWKSigner(key: key, algorithm: .es256))
        let header = try JWS.unverifiedHeader(ofCompact: jwt)
        XCTAssertEqual(header["typ"], "statuslist+jwt")
        XCTAssertEqual(header["kid"], "status-1")
        let back = try StatusListToken.verify(jwt, keys: [key.publicJWK], allowedAlgorithms: [.es256],
                                              expectedURI: "https://issuer.test/status/1", now: issued.addingTimeInterval(10))
        XCTAssertEqual(back.statusList, list)
        XCTAssertEqual(back.timeToLive, 3_600)
        XCTAssertEqual(try back.statusList.status(at: 7), .invalid)
        XCTAssertEqual(try back.statusList.status(at: 16_383), .suspended)
        XCTAssertEqual(try back.statusList.status(at: 8), .valid)
    }

    func testTokenSignedByAnotherKeyIsRefused() throws {
        let key = try StatusFixtures.signingKey("a")
        let other = try StatusFixtures.signingKey("a")
        let jwt = try StatusListToken(subject: "https://i.test/s", issuedAt: Date(), statusList: try StatusList(size: 8, bits: .one))
            .signed(by: try JWKSigner(key: key, algorithm: .es256))
        XCTAssertStatusError(try StatusListToken.verify(jwt, keys: [other.publicJWK], allowedAlgorithms: [.es256],
                                                        expectedURI: nil, now: Date()), .badSignature)
    }

    func testTokenWithoutStatusListTypIsRefused() throws {
        let key = try StatusFixtures.signingKey("a")
        let claims = try StatusListToken(subject: "https://i.test/s", issuedAt: Date(), statusList: try StatusList(size: 8, bits: .one)).claims()
        let jwt = try JWS.signCompact(payload: claims.serializedBytes, signer: try JWKSigner(key: key, algorithm: .es256), header: ["typ": "JWT"])
        XCTAssertStatusError(try StatusListToken.verify(jwt, keys: [key.publicJWK], allowedAlgorithms: [.es256],
                                                        expectedURI: nil, now: Date()), .invalidToken)
    }

    func testTokenClaimsWithBadMembersAreRefused() throws {
        let list: JSONValue = ["bits": 1, "lst": "eNrbuRgAAhcBXQ"]
        XCTAssertStatusError(try StatusListToken(verifiedClaims: ["iat": 1, "status_list": list]), .invalidToken, "no sub")
        XCTAssertStatusError(try StatusListToken(verifiedClaims: ["sub": "u:x", "status_list": list]), .invalidToken, "no iat")
        XCTAssertStatusError(try StatusListToken(verifiedClaims: ["sub": "u:x", "iat": 1]), .invalidToken, "no status_list")
        XCTAssertStatusError(try StatusListToken(verifiedClaims: ["sub": "u:x", "iat": 1, "ttl": -5, "status_list": list]),
                             .invalidToken, "negative ttl")
        XCTAssertStatusError(try StatusListToken(verifiedClaims: ["sub": "u:x", "iat": 1, "exp": "soon", "status_list": list]),
                             .invalidToken, "string exp")
    }

    // MARK: Bad lists

    func testBadStatusListObjectsAreRefused() throws {
        XCTAssertStatusError(try StatusList(json: ["bits": 3, "lst": "eNrbuRgAAhcBXQ"]), .invalidBits)
        XCTAssertStatusError(try StatusList(json: ["bits": "1", "lst": "eNrbuRgAAhcBXQ"]), .invalidEncoding)
        XCTAssertStatusError(try StatusList(json: ["bits": 1]), .invalidEncoding)
        XCTAssertStatusError(try StatusList(json: ["bits": 1, "lst": "eNrbuRgAAhcBXQ=="]), .invalidEncoding, "padding")
        XCTAssertStatusError(try StatusList(json: ["bits": 1, "lst": "eNrbuRgAAhcB"]), .compression, "truncated")
        XCTAssertStatusError(try StatusList(json: ["bits": 1, "lst": .string(Base64URL.encode(Array("plain".utf8)))]), .compression)
        XCTAssertStatusError(try StatusList(json: "eNrbuRgAAhcBXQ"), .invalidEncoding)
    }

    func testOversizedListIsRefusedAsABomb() throws {
        let big = try StatusList(size: 8 << 20, bits: .eight)  // 8 MiB of zeros, a few KiB compressed
        let json = try big.jsonValue()
        XCTAssertStatusError(try StatusList(json: json, maximumBytes: 1 << 20), .tooLarge)
    }

    func testIndexOutOfRangeAndOversizedStatusAreRefused() throws {
        var list = try StatusList(size: 16, bits: .one)
        XCTAssertStatusError(try list.status(at: 16), .indexOutOfRange)
        XCTAssertStatusError(try list.status(at: -1), .indexOutOfRange)
        XCTAssertStatusError(try list.setStatus(.suspended, at: 0), .invalidStatus, "0x02 needs 2 bits")
    }

    func testReferenceWithBadMembersIsRefused() {
        XCTAssertStatusError(try StatusListReference(claims: ["sub": "x"]), .invalidEncoding)
        XCTAssertStatusError(try StatusListReference(claims: ["status": ["status_list": ["idx": -1, "uri": "https://x"]]]), .invalidEncoding)
        XCTAssertStatusError(try StatusListReference(claims: ["status": ["status_list": ["idx": "1", "uri": "https://x"]]]), .invalidEncoding)
        XCTAssertStatusError(try StatusListReference(claims: ["status": ["status_list": ["idx": 1]]]), .invalidEncoding)
    }
}
