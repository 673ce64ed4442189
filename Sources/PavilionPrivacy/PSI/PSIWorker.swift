import PavilionCrypto

/// One thread's PSI arithmetic: RFC 9497 `HashToGroup` for `P256-SHA256`
/// through a reusable ``ECSimplifiedSWU`` workspace, `Finalize`, and the
/// point codecs. Not `Sendable`: each worker thread makes its own.
final class PSIWorker {
    let group: ECGroup
    let context: OPRFContext
    private let swu: ECSimplifiedSWU
    private let dst: [UInt8]

    init() throws(PSIError) {
        let context: OPRFContext
        do {
            context = try OPRFContext(suite: PSIProtocol.suite, mode: .oprf)
        } catch { throw PSIError(.cryptoFailure, error.reason) }
        let suite = PSIProtocol.suite.hashToCurve
        swu = try psiCrypto { () throws(CryptoError) in
            try ECSimplifiedSWU(group: context.group, zMagnitude: suite.zMagnitude, fieldElementHashLength: suite.fieldElementHashLength)
        }
        self.context = context
        group = context.group
        dst = Array("HashToGroup-".utf8) + context.contextString
    }

    /// `HashToGroup(x)` of RFC 9497 (`hash_to_curve` with `P256_XMD:SHA-256_SSWU_RO_`).
    func hashToGroup(_ element: [UInt8]) throws(PSIError) -> ECPoint {
        let uniform: [UInt8]
        do {
            uniform = try ExpandMessageXMD.expand(element, dst: dst, length: 2 * swu.fieldElementHashLength, digest: .sha256)
        } catch { throw PSIError(.cryptoFailure, error.description) }
        let point = try psiCrypto { () throws(CryptoError) in try swu.hashToCurve(uniform: uniform) }
        guard !point.isIdentity else { throw PSIError(.invalidSet, "an element hashes to the identity") }
        return point
    }

    /// The first 12 bytes of RFC 9497 `Finalize(x, N)` for `N = k·H(x)`.
    func finalize(_ element: [UInt8], _ evaluated: ECPoint) throws(PSIError) -> PSIDigest {
        do {
            return PSIDigest(prefixOf: try context.finalizeHash(input: element, info: nil, element: evaluated))
        } catch { throw PSIError(.cryptoFailure, error.reason) }
    }

    /// The cardinality digest `SHA-256(tag || SerializeElement(P))`, first 12 bytes.
    func cardinalityDigest(_ point: ECPoint) throws(PSIError) -> PSIDigest {
        let encoded = try psiCrypto { () throws(CryptoError) in try point.sec1(compressed: true) }
        return PSIDigest(prefixOf: SHA256.hash(PSIProtocol.cardinalityTag + encoded))
    }

    /// Decode point `index` of a wire buffer: uncompressed, on the curve, not the identity.
    func decodePoint(_ bytes: [UInt8], index: Int) throws(PSIError) -> ECPoint {
        let start = index * PSIProtocol.pointLength
        let slice = Array(bytes[start ..< start + PSIProtocol.pointLength])
        guard slice[0] == 0x04 else { throw PSIError(.malformedMessage, "point \(index) is not an uncompressed SEC1 point") }
        do { return try ECPoint(sec1: slice, in: group) } catch {
            throw PSIError(.malformedMessage, "point \(index) is not a P-256 point: \(error.reason)")
        }
    }

    /// Append the uncompressed encoding of `point`.
    func encodePoint(_ point: ECPoint, to out: inout [UInt8]) throws(PSIError) {
        out += try psiCrypto { () throws(CryptoError) in try point.sec1(compressed: false) }
    }

    /// How many points a wire buffer holds.
    /// - Throws: ``PSIError`` `.malformedMessage` unless it is a whole, non-empty number of points, at most `limit`.
    static func pointCount(_ bytes: [UInt8], limit: Int, what: String) throws(PSIError) -> Int {
        guard !bytes.isEmpty, bytes.count % PSIProtocol.pointLength == 0 else {
            throw PSIError(.malformedMessage, "\(what) of \(bytes.count) bytes is not a whole, non-empty number of \(PSIProtocol.pointLength)-byte points")
        }
        let count = bytes.count / PSIProtocol.pointLength
        guard count <= limit else { throw PSIError(.malformedMessage, "\(what) has \(count) points; at most \(limit)") }
        return count
    }
}

/// Run OpenSSL-backed arithmetic, turning a ``CryptoError`` into `.cryptoFailure`.
func psiCrypto<T>(file: String = #fileID, line: Int = #line, _ body: () throws(CryptoError) -> T) throws(PSIError) -> T {
    do { return try body() } catch { throw PSIError(.cryptoFailure, error.description, file: file, line: line) }
}
