import PavilionCrypto

/// Reads a serialised proof: compressed points, canonical scalars, exactly
/// the bytes expected. Every refusal is ``ZKError`` `.invalidEncoding`.
struct ZKReader {
    private let bytes: [UInt8]
    private var offset = 0
    private let parameters: ZKParameters
    private let what: String

    init(_ bytes: [UInt8], parameters: ZKParameters, what: String) {
        self.bytes = bytes
        self.parameters = parameters
        self.what = what
    }

    mutating func take(_ count: Int) throws(ZKError) -> [UInt8] {
        guard count >= 0, bytes.count - offset >= count else {
            throw ZKError(.invalidEncoding, "\(what) is truncated (\(bytes.count) bytes)")
        }
        defer { offset += count }
        return Array(bytes[offset ..< offset + count])
    }

    mutating func byte() throws(ZKError) -> UInt8 { try take(1)[0] }

    mutating func point() throws(ZKError) -> ECPoint {
        let encoded = try take(parameters.pointLength)
        guard encoded[0] == 0x02 || encoded[0] == 0x03 else {
            throw ZKError(.invalidEncoding, "\(what) holds a point that is not compressed SEC1")
        }
        do { return try ECPoint(sec1: encoded, in: parameters.group) } catch {
            throw ZKError(.invalidEncoding, "\(what) holds an invalid point: \(error)")
        }
    }

    mutating func scalar() throws(ZKError) -> ECScalar {
        let encoded = try take(parameters.scalarLength)
        do { return try ECScalar(bigEndian: encoded, in: parameters.group) } catch {
            throw ZKError(.invalidEncoding, "\(what) holds a scalar that is not below the group order")
        }
    }

    func finish() throws(ZKError) {
        guard offset == bytes.count else {
            throw ZKError(.invalidEncoding, "\(what) has \(bytes.count - offset) trailing bytes")
        }
    }
}

/// Writes points (compressed SEC1) and scalars (big-endian) back to back.
struct ZKWriter {
    private(set) var bytes: [UInt8] = []

    mutating func point(_ point: ECPoint) throws(ZKError) {
        bytes += try ZKError.wrap { try point.sec1() }
    }

    mutating func scalar(_ scalar: ECScalar) { bytes += scalar.bigEndianBytes() }

    mutating func byte(_ value: UInt8) { bytes.append(value) }
}
