import PavilionHSM
import XCTest

/// Raw `r || s` and DER conversions.
final class ECDSASignatureTests: XCTestCase {
    func testRawAndDERRoundTripWithHighBitsAndLeadingZeros() throws {
        // r has its high bit set (DER needs a 0x00 pad); s starts with zeros (DER drops them).
        let r = [UInt8](repeating: 0xff, count: 32)
        let s = [0, 0] + [UInt8](repeating: 0x01, count: 30)
        let der = try ECDSASignature.der(fromRaw: r + s)
        XCTAssertEqual(Array(der.prefix(5)), [0x30, 0x43, 0x02, 0x21, 0x00])
        XCTAssertEqual(try ECDSASignature.raw(fromDER: der, coordinateLength: 32), r + s)
    }

    func testP384SignatureRoundTrips() throws {
        // Two padded 49-byte INTEGERs: 102 bytes of content, still a short-form length.
        let raw = [UInt8](repeating: 0x80, count: 96)
        let der = try ECDSASignature.der(fromRaw: raw)
        XCTAssertEqual(Array(der.prefix(5)), [0x30, 0x66, 0x02, 0x31, 0x00])
        XCTAssertEqual(try ECDSASignature.raw(fromDER: der, coordinateLength: 48), raw)
    }

    func testMalformedInputIsRefused() throws {
        XCTAssertThrowsError(try ECDSASignature.der(fromRaw: []))
        XCTAssertThrowsError(try ECDSASignature.der(fromRaw: [1, 2, 3]))
        let good = try ECDSASignature.der(fromRaw: [UInt8](repeating: 0x11, count: 64))
        XCTAssertThrowsError(try ECDSASignature.raw(fromDER: Array(good.dropLast()), coordinateLength: 32), "truncated")
        XCTAssertThrowsError(try ECDSASignature.raw(fromDER: good + [0], coordinateLength: 32), "trailing byte")
        XCTAssertThrowsError(try ECDSASignature.raw(fromDER: good, coordinateLength: 16), "too wide")
        XCTAssertThrowsError(try ECDSASignature.raw(fromDER: [0x30, 0x06, 0x02, 0x01, 0x80, 0x02, 0x01, 0x01],
                                                    coordinateLength: 32), "negative r")
        XCTAssertThrowsError(try ECDSASignature.raw(fromDER: [0x31, 0x00], coordinateLength: 32), "not a SEQUENCE")
    }

    func testPublicKeyOfWrongLengthIsRefused() {
        XCTAssertThrowsError(try PublicKeyDescription(algorithm: .es256, rawRepresentation: [0x04] + [UInt8](repeating: 1, count: 63)))
        XCTAssertThrowsError(try PublicKeyDescription(algorithm: .es256, rawRepresentation: [0x02] + [UInt8](repeating: 1, count: 64)))
        XCTAssertThrowsError(try PublicKeyDescription(algorithm: .edDSA, rawRepresentation: [UInt8](repeating: 1, count: 31)))
    }

    func testEd25519ThumbprintMatchesRFC8037() throws {
        // RFC 8037 §A.2/§A.3: the public key and its RFC 7638 thumbprint.
        let x: [UInt8] = [0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
                          0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a]
        let key = try PublicKeyDescription(algorithm: .edDSA, rawRepresentation: x)
        XCTAssertEqual(key.jwkMembers["x"], "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
        XCTAssertEqual(key.jwkThumbprint, "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")
    }
}
