import PavilionCore
import PavilionCrypto

/// The public parameters of an RSA accumulator: the modulus `N`, whose
/// factorisation only the issuer knows, and the generator `g`, a random
/// quadratic residue mod `N`. Published once with the first value.
public struct RSAAccumulatorParameters: Sendable, Equatable {
    /// The smallest modulus accepted: 2048 bits.
    public static let minimumModulusBits = 2048

    /// `N`.
    public let modulus: BigNumber
    /// `g`, the value of the empty accumulator.
    public let generator: BigNumber

    /// - Parameters:
    ///   - modulus: `N`, at least ``minimumModulusBits`` bits, odd.
    ///   - generator: `g` in `2..<N-1`, coprime to `N`.
    /// - Throws: ``AccumulatorError`` `invalidParameters`.
    public init(modulus: BigNumber, generator: BigNumber) throws(AccumulatorError) {
        guard modulus.bitWidth >= Self.minimumModulusBits, modulus.bigEndianBytes.last.map({ $0 & 1 == 1 }) ?? false else {
            throw AccumulatorError(.invalidParameters, "the modulus must be odd and at least \(Self.minimumModulusBits) bits, got \(modulus.bitWidth)")
        }
        let two = try crypto { () throws(CryptoError) in try BigNumber(2) }
        let top = try crypto { () throws(CryptoError) in try modulus.subtracting(two) }
        guard generator >= two, generator <= top,
              try crypto({ () throws(CryptoError) in try generator.greatestCommonDivisor(with: modulus) }) == (try crypto { () throws(CryptoError) in try BigNumber(1) }) else {
            throw AccumulatorError(.invalidParameters, "the generator must be in 2...N-2 and coprime to N")
        }
        self.modulus = modulus
        self.generator = generator
    }

    /// `{"n": base64url(N), "g": base64url(g)}`.
    public var jsonValue: JSONValue {
        ["n": .string(Base64URL.encode(modulus.bigEndianBytes)), "g": .string(Base64URL.encode(generator.bigEndianBytes))]
    }

    /// Parse ``jsonValue``.
    /// - Throws: ``AccumulatorError`` `invalidParameters`.
    public init(json: JSONValue) throws(AccumulatorError) {
        guard let n = json["n"]?.stringValue, let g = json["g"]?.stringValue,
              let nBytes = try? Base64URL.decode(n), let gBytes = try? Base64URL.decode(g) else {
            throw AccumulatorError(.invalidParameters, "parameters need base64url n and g")
        }
        try self.init(modulus: try crypto { () throws(CryptoError) in try BigNumber(bigEndian: nBytes) },
                      generator: try crypto { () throws(CryptoError) in try BigNumber(bigEndian: gBytes) })
    }
}
