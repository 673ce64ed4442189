import PavilionCore
import PavilionCrypto

/// A holder's proof that its element is in the accumulator: `w` with
/// `w^x ≡ A (mod N)`, for the value `A` of ``epoch``.
///
/// A holder keeps it current from the public update log alone
/// (``updated(with:parameters:)``): additions raise it to the product of
/// the added primes; deletions use Bézout coefficients of `x` and the
/// deleted product (Li, Li and Xue, ACNS 2007, as in Camenisch and
/// Lysyanskaya, CRYPTO 2002). No secret is needed.
public struct MembershipWitness: Sendable, Equatable {
    /// `x`: the element's prime (``HashToPrime``).
    public let element: BigNumber
    /// `w`.
    public let witness: BigNumber
    /// The accumulator epoch the witness is for.
    public let epoch: Int

    /// - Parameters:
    ///   - element: the prime.
    ///   - witness: `w`.
    ///   - epoch: its epoch.
    public init(element: BigNumber, witness: BigNumber, epoch: Int) {
        self.element = element
        self.witness = witness
        self.epoch = epoch
    }

    /// Whether `w^x ≡ value (mod N)`, with `x` a 256-bit odd number and
    /// `w` in `1..<N`. Checks membership for the epoch `value` belongs to.
    public func verifies(against value: BigNumber, parameters: RSAAccumulatorParameters) -> Bool {
        guard element.bitWidth == HashToPrime.bits, element.bigEndianBytes.last.map({ $0 & 1 == 1 }) ?? false,
              !witness.isZero, !witness.isNegative, witness < parameters.modulus else { return false }
        guard let computed = try? witness.power(element, modulo: parameters.modulus) else { return false }
        return computed == value
    }

    /// Whether the credential `identifier` is a member of the accumulator
    /// whose current value is `value`: the witness's element must be
    /// `HashToPrime(identifier)` and verify.
    public func verifies(identifier: String, against value: BigNumber, parameters: RSAAccumulatorParameters) -> Bool {
        guard let prime = try? HashToPrime.prime(for: identifier), prime == element else { return false }
        return verifies(against: value, parameters: parameters)
    }

    /// The witness brought forward through `updates` (those after ``epoch``,
    /// consecutive, in order), computed from public data only.
    /// - Parameters:
    ///   - updates: log entries; entries at or before ``epoch`` are skipped.
    ///   - parameters: the accumulator's parameters.
    /// - Returns: the witness for the last update's epoch.
    /// - Throws: ``AccumulatorError`` `deleted` when a batch deletes this
    ///   element; `updateMismatch` for a gap in epochs or an update after
    ///   which the witness does not verify (a forged or reordered log).
    public func updated(with updates: [AccumulatorUpdate], parameters: RSAAccumulatorParameters) throws(AccumulatorError) -> MembershipWitness {
        var current = self
        for update in updates where update.epoch > current.epoch {
            guard update.epoch == current.epoch + 1 else {
                throw AccumulatorError(.updateMismatch, "the witness is at epoch \(current.epoch); the next update is \(update.epoch)")
            }
            current = try current.applying(update, parameters: parameters)
        }
        return current
    }

    private func applying(_ update: AccumulatorUpdate, parameters: RSAAccumulatorParameters) throws(AccumulatorError) -> MembershipWitness {
        let n = parameters.modulus
        let x = element
        let product = try update.product()
        let next: BigNumber
        switch update.kind {
        case .addition:
            next = try crypto { () throws(CryptoError) in try witness.power(product, modulo: n) }
        case .deletion:
            if update.elements.contains(x) {
                throw AccumulatorError(.deleted, "this element was deleted at epoch \(update.epoch)")
            }
            // a·x ≡ 1 (mod Y) and a·x − 1 = k·Y, so with A = A'^Y and w^x = A:
            // (A'^a · w^-k)^x = A'^(a·x) · A'^(-k·Y) = A'.
            next = try crypto { () throws(CryptoError) in
                let one = try BigNumber(1)
                let a = try x.inverse(modulo: product)
                let (k, remainder) = try a.multiplied(by: x).subtracting(one).quotientAndRemainder(dividingBy: product)
                guard remainder.isZero else { throw CryptoError(call: "BN_div", reason: "a·x − 1 is not a multiple of the deleted product") }
                let wInverse = try witness.inverse(modulo: n)
                return try update.value.power(a, modulo: n).multiplied(by: try wInverse.power(k, modulo: n), modulo: n)
            }
        }
        let result = MembershipWitness(element: x, witness: next, epoch: update.epoch)
        guard result.verifies(against: update.value, parameters: parameters) else {
            throw AccumulatorError(.updateMismatch, "after update \(update.epoch) the witness does not verify: the log does not fit")
        }
        return result
    }

    /// `{"x": base64url, "w": base64url, "epoch": n}`.
    public var jsonValue: JSONValue {
        ["x": .string(Base64URL.encode(element.bigEndianBytes)), "w": .string(Base64URL.encode(witness.bigEndianBytes)),
         "epoch": .int(Int64(epoch))]
    }
}
