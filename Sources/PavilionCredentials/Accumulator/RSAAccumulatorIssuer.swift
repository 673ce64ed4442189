import PavilionCrypto

/// The issuer's side of an RSA accumulator over hashed-to-prime credential
/// identifiers (Benaloh–de Mare 1993; Barić–Pfitzmann 1997; Camenisch–
/// Lysyanskaya 2002).
///
/// The value is `A = g^(x1·x2·…·xn) mod N`, one 256-bit prime `xi` per
/// member (``HashToPrime``). A member's witness is `w = A^(1/x)`; anyone
/// checks `w^x = A`. Forging a witness for a non-member, or keeping one for
/// a deleted member, means taking roots mod `N` of unknown factorisation:
/// the strong RSA assumption.
///
/// **The issuer keeps the factorisation** (`p`, `q`, `φ(N)`): with it,
/// deleting a batch is one exponentiation `A^(1/Y mod φ)` and a witness is
/// `A^(1/x mod φ)`, instead of recomputing `g^(product of all other members)`
/// — linear in the membership. The trapdoor lets its holder forge
/// witnesses, so it is exactly as sensitive as the credential signing key
/// of the same issuer (who can already issue any credential); it never
/// leaves this value, is marked constant-time and is wiped when freed.
/// Verifiers and holders need only ``parameters``.
///
/// A value type; `mutating` operations return the update to publish.
public struct RSAAccumulatorIssuer: Sendable {
    /// The public parameters.
    public let parameters: RSAAccumulatorParameters
    /// The current value `A`.
    public private(set) var value: BigNumber
    /// The current epoch: 0 for the empty accumulator, +1 per update.
    public private(set) var epoch: Int
    private var members: Set<[UInt8]>
    private let phi: BigNumber  // secret: (p - 1)(q - 1)

    /// How many elements are accumulated.
    public var memberCount: Int { members.count }

    /// A new, empty accumulator with a fresh modulus.
    /// - Parameters:
    ///   - modulusBits: the size of `N` (at least 2048).
    ///   - safePrimes: use safe primes `p = 2p' + 1` (so the group of
    ///     quadratic residues is cyclic of order `p'q'` with no small
    ///     subgroups, as Camenisch–Lysyanskaya require). Slower to generate
    ///     (seconds); `false` only for tests.
    /// - Returns: the issuer state at epoch 0, `A = g`.
    /// - Throws: ``AccumulatorError`` `invalidParameters` or `cryptoFailure`.
    public static func generate(modulusBits: Int = 2048, safePrimes: Bool = true) throws(AccumulatorError) -> RSAAccumulatorIssuer {
        guard modulusBits >= RSAAccumulatorParameters.minimumModulusBits else {
            throw AccumulatorError(.invalidParameters, "modulus of \(modulusBits) bits is below \(RSAAccumulatorParameters.minimumModulusBits)")
        }
        let (n, phi, g) = try crypto { () throws(CryptoError) in
            let one = try BigNumber(1)
            while true {
                let p = try BigNumber.randomPrime(bits: modulusBits / 2, safe: safePrimes)
                let q = try BigNumber.randomPrime(bits: modulusBits - modulusBits / 2, safe: safePrimes)
                guard p != q else { continue }
                let n = try p.multiplied(by: q)
                guard n.bitWidth == modulusBits else { continue }
                let phi = try p.subtracting(one).multiplied(by: q.subtracting(one)).markedSecret()
                // g = r² mod N for a random r: a random quadratic residue.
                let r = try BigNumber.random(below: n)
                let g = try r.multiplied(by: r, modulo: n)
                guard try g.greatestCommonDivisor(with: n) == one, g > one else { continue }
                let publicN = try BigNumber(bigEndian: n.bigEndianBytes)  // N is public: drop the secret mark
                let publicG = try BigNumber(bigEndian: g.bigEndianBytes)
                return (publicN, phi, publicG)
            }
        }
        let parameters = try RSAAccumulatorParameters(modulus: n, generator: g)
        return RSAAccumulatorIssuer(parameters: parameters, value: g, epoch: 0, members: [], phi: phi)
    }

    private init(parameters: RSAAccumulatorParameters, value: BigNumber, epoch: Int, members: Set<[UInt8]>, phi: BigNumber) {
        self.parameters = parameters
        self.value = value
        self.epoch = epoch
        self.members = members
        self.phi = phi
    }

    /// Whether the credential `identifier` is accumulated.
    public func contains(_ identifier: String) throws(AccumulatorError) -> Bool {
        members.contains(try HashToPrime.prime(for: identifier).bigEndianBytes)
    }

    /// Add a batch: `A' = A^(x1·…·xk)`; no secret needed.
    /// - Parameter identifiers: credential identifiers, none already a member, no duplicates.
    /// - Returns: the update to publish and each new member's witness.
    /// - Throws: ``AccumulatorError`` `membership` for a duplicate, or `cryptoFailure`.
    public mutating func add(_ identifiers: [String]) throws(AccumulatorError) -> (update: AccumulatorUpdate, witnesses: [String: MembershipWitness]) {
        let primes = try batch(identifiers, mustBeMembers: false)
        let update = AccumulatorUpdate(epoch: epoch + 1, kind: .addition, elements: primes.map(\.1), value: value)
        let product = try update.product()
        let newValue = try crypto { () throws(CryptoError) in try value.power(product, modulo: parameters.modulus) }
        value = newValue
        epoch += 1
        for (_, prime) in primes { members.insert(prime.bigEndianBytes) }
        var witnesses: [String: MembershipWitness] = [:]
        for (identifier, prime) in primes { witnesses[identifier] = try witness(forPrime: prime) }
        return (AccumulatorUpdate(epoch: epoch, kind: .addition, elements: update.elements, value: newValue), witnesses)
    }

    /// Delete a batch: `A' = A^(1/(y1·…·yk) mod φ(N))`, a constant-time
    /// exponentiation with the secret exponent.
    /// - Parameter identifiers: current members, no duplicates.
    /// - Returns: the update to publish.
    /// - Throws: ``AccumulatorError`` `membership` for a non-member, or `cryptoFailure`.
    public mutating func delete(_ identifiers: [String]) throws(AccumulatorError) -> AccumulatorUpdate {
        let primes = try batch(identifiers, mustBeMembers: true)
        let elements = primes.map(\.1)
        let product = try AccumulatorUpdate(epoch: 0, kind: .deletion, elements: elements, value: value).product()
        let newValue = try crypto { () throws(CryptoError) in
            let exponent = try product.inverse(modulo: phi).markedSecret()
            return try BigNumber(bigEndian: try value.power(exponent, modulo: parameters.modulus).bigEndianBytes)
        }
        value = newValue
        epoch += 1
        for prime in elements { members.remove(prime.bigEndianBytes) }
        return AccumulatorUpdate(epoch: epoch, kind: .deletion, elements: elements, value: newValue)
    }

    /// A fresh witness for a member at the current epoch: `A^(1/x mod φ(N))`.
    /// - Throws: ``AccumulatorError`` `membership` for a non-member.
    public func witness(for identifier: String) throws(AccumulatorError) -> MembershipWitness {
        let prime = try HashToPrime.prime(for: identifier)
        guard members.contains(prime.bigEndianBytes) else { throw AccumulatorError(.membership, "\(identifier) is not a member") }
        return try witness(forPrime: prime)
    }

    private func witness(forPrime prime: BigNumber) throws(AccumulatorError) -> MembershipWitness {
        let w = try crypto { () throws(CryptoError) in
            let exponent = try prime.inverse(modulo: phi).markedSecret()
            return try BigNumber(bigEndian: try value.power(exponent, modulo: parameters.modulus).bigEndianBytes)
        }
        return MembershipWitness(element: prime, witness: w, epoch: epoch)
    }

    private func batch(_ identifiers: [String], mustBeMembers: Bool) throws(AccumulatorError) -> [(String, BigNumber)] {
        guard !identifiers.isEmpty else { throw AccumulatorError(.membership, "an empty batch") }
        var seen: Set<[UInt8]> = []
        var out: [(String, BigNumber)] = []
        for identifier in identifiers {
            let prime = try HashToPrime.prime(for: identifier)
            let key = prime.bigEndianBytes
            guard seen.insert(key).inserted else { throw AccumulatorError(.membership, "\(identifier) appears twice in the batch") }
            guard members.contains(key) == mustBeMembers else {
                throw AccumulatorError(.membership, mustBeMembers ? "\(identifier) is not a member" : "\(identifier) is already a member")
            }
            out.append((identifier, prime))
        }
        return out
    }
}
