import PavilionCrypto

/// A range proof by bit decomposition: the value committed in `C` lies in
/// `[0, 2^k)`, or, with a threshold `t`, `C − t·G` commits to a value in
/// `[0, 2^k)`, i.e. `v ≥ t` (for `v`, `t` far below the group order n).
///
/// Statement: the prover knows `(v', r)` with `C − t·G = v'·G + r·H` and
/// `0 ≤ v' < 2^k`. The prover commits to each bit, `C_i = b_i·G + r_i·H`,
/// with `r_0..r_{k-2}` random and `r_{k-1}` chosen so that
/// `Σ 2^i·r_i = r`; the verifier checks `Σ 2^i·C_i == C − t·G` directly,
/// and one ``DiscreteLogORProof`` per bit shows `C_i = r_i·H` (bit 0) or
/// `C_i − G = r_i·H` (bit 1). All `k` OR proofs share one challenge.
///
/// Transcript (label ``protocolLabel``): context, `bits = k` (u64be),
/// `threshold = t` (u64be), `C`, every `C[i]`, then every `R0[i]`, `R1[i]`.
/// Serialised `u8(k) || (C_i || R0_i || R1_i || c0_i || s0_i || s1_i)` for
/// each bit: `1 + 195·k` bytes (1561, 3121 and 6241 for k = 8, 16, 32).
///
/// Not constant time in the bits of `v`: each OR proof's prover branches
/// on its bit.
public struct RangeProof: Sendable, Equatable {
    /// The transcript's protocol label.
    public static let protocolLabel = "Pavilion-ZK-v1/range"
    /// Bytes per bit in the serialised proof: a commitment and an OR proof.
    public static let bytesPerBit = 33 + 162

    /// `C_i`, least significant bit first.
    public let bitCommitments: [PedersenCommitment]
    /// The OR proof that `C_i` commits to 0 or 1.
    public let bitProofs: [DiscreteLogORProof]

    /// Assemble a proof from its parts.
    public init(bitCommitments: [PedersenCommitment], bitProofs: [DiscreteLogORProof]) {
        self.bitCommitments = bitCommitments
        self.bitProofs = bitProofs
    }

    /// `k`.
    public var bitCount: Int { bitCommitments.count }

    /// Prove that `commitment = value·G + blinding·H` with `value < 2^bits`.
    /// - Parameters:
    ///   - value: `v`.
    ///   - blinding: `r`, secret.
    ///   - commitment: `C`.
    ///   - bits: `k`, in `1...64`.
    ///   - context: the binding.
    ///   - parameters: the generators.
    /// - Throws: ``ZKError`` `.valueOutOfRange` when `v ≥ 2^k` or `k` is out of
    ///   range, `.witnessMismatch` when `(v, r)` does not open `C`.
    public static func prove(value: UInt64, blinding: ECScalar, commitment: PedersenCommitment, bits: Int,
                             context: [UInt8], parameters: ZKParameters) throws(ZKError) -> RangeProof {
        try prove(value: value, threshold: 0, blinding: blinding, commitment: commitment, bits: bits, context: context,
                  parameters: parameters)
    }

    /// Prove that `commitment = value·G + blinding·H` with `threshold ≤ value < threshold + 2^bits`.
    /// - Throws: ``ZKError`` `.valueOutOfRange` when `value < threshold` or
    ///   `value − threshold ≥ 2^k`, `.witnessMismatch` when `(v, r)` does not open `C`.
    public static func proveAtLeast(_ threshold: UInt64, value: UInt64, blinding: ECScalar, commitment: PedersenCommitment,
                                    bits: Int, context: [UInt8], parameters: ZKParameters) throws(ZKError) -> RangeProof {
        try prove(value: value, threshold: threshold, blinding: blinding, commitment: commitment, bits: bits,
                  context: context, parameters: parameters)
    }

    /// Verify that `commitment` holds a value in `[0, 2^bits)`.
    /// - Throws: ``ZKError`` `.verificationFailed`.
    public func verify(_ commitment: PedersenCommitment, bits: Int, context: [UInt8],
                       parameters: ZKParameters) throws(ZKError) {
        try verify(commitment, threshold: 0, bits: bits, context: context, parameters: parameters)
    }

    /// Verify that `commitment` holds a value in `[threshold, threshold + 2^bits)`.
    /// - Throws: ``ZKError`` `.verificationFailed`.
    public func verifyAtLeast(_ threshold: UInt64, commitment: PedersenCommitment, bits: Int, context: [UInt8],
                              parameters: ZKParameters) throws(ZKError) {
        try verify(commitment, threshold: threshold, bits: bits, context: context, parameters: parameters)
    }

    /// `u8(k) || (C_i || R0_i || R1_i || c0_i || s0_i || s1_i)…`, `1 + 195·k` bytes.
    public func serialized() throws(ZKError) -> [UInt8] {
        var writer = ZKWriter()
        writer.byte(UInt8(truncatingIfNeeded: bitCount))
        for (c, proof) in zip(bitCommitments, bitProofs) {
            try writer.point(c.point)
            try proof.write(to: &writer)
        }
        return writer.bytes
    }

    /// Decode a serialised range proof.
    /// - Throws: ``ZKError`` `.invalidEncoding`, also for `k` outside `1...64`.
    public init(serialized bytes: [UInt8], parameters: ZKParameters) throws(ZKError) {
        var reader = ZKReader(bytes, parameters: parameters, what: "range proof")
        let k = Int(try reader.byte())
        guard (1...64).contains(k) else { throw ZKError(.invalidEncoding, "a range proof of \(k) bits") }
        guard bytes.count == 1 + Self.bytesPerBit * k else {
            throw ZKError(.invalidEncoding, "a \(k)-bit range proof has \(1 + Self.bytesPerBit * k) bytes, not \(bytes.count)")
        }
        var commitments: [PedersenCommitment] = []
        var proofs: [DiscreteLogORProof] = []
        for _ in 0..<k {
            commitments.append(PedersenCommitment(point: try reader.point()))
            proofs.append(try DiscreteLogORProof(reading: &reader))
        }
        try reader.finish()
        self.init(bitCommitments: commitments, bitProofs: proofs)
    }

    // MARK: - The proof system

    private static func prove(value: UInt64, threshold: UInt64, blinding: ECScalar, commitment: PedersenCommitment,
                              bits: Int, context: [UInt8], parameters: ZKParameters) throws(ZKError) -> RangeProof {
        guard (1...64).contains(bits) else { throw ZKError(.valueOutOfRange, "k = \(bits) is outside 1...64") }
        guard value >= threshold else { throw ZKError(.valueOutOfRange, "the value is below the threshold") }
        let shiftedValue = value - threshold
        guard bits == 64 || shiftedValue >> UInt64(bits) == 0 else {
            throw ZKError(.valueOutOfRange, "the value does not fit in \(bits) bits")
        }
        let group = parameters.group
        let opening = PedersenOpening(value: try ZKError.wrap { try ECScalar(value, in: group) }, blinding: blinding)
        guard try PedersenCommitment(opening: opening, parameters: parameters) == commitment else {
            throw ZKError(.witnessMismatch, "(v, r) does not open C")
        }
        let blindings = try bitBlindings(blinding, bits: bits, group: group)
        var commitments: [PedersenCommitment] = []
        var firstMoves: [ORBranches] = []
        for i in 0..<bits {
            let bit = Int((shiftedValue >> UInt64(i)) & 1)
            let bitOpening = PedersenOpening(value: try ZKError.wrap { try ECScalar(UInt64(bit), in: group) }, blinding: blindings[i])
            let c = try PedersenCommitment(opening: bitOpening, parameters: parameters)
            commitments.append(c)
            firstMoves.append(try ORBranches.commit(try bitStatements(c, parameters), known: bit, witness: blindings[i],
                                                    parameters: parameters))
        }
        let c = try challenge(commitment, threshold: threshold, commitments, firstMoves.map(\.commitments),
                              context: context, parameters: parameters)
        var proofs: [DiscreteLogORProof] = []
        for move in firstMoves { proofs.append(try move.respond(to: c)) }
        return RangeProof(bitCommitments: commitments, bitProofs: proofs)
    }

    private func verify(_ commitment: PedersenCommitment, threshold: UInt64, bits: Int, context: [UInt8],
                        parameters: ZKParameters) throws(ZKError) {
        guard (1...64).contains(bits), bitCount == bits, bitProofs.count == bits else {
            throw ZKError(.verificationFailed, "the proof has \(bitCount) bits, the statement \(bits)")
        }
        let shifted = try commitment.subtracting(value: try ZKError.wrap { try ECScalar(threshold, in: parameters.group) },
                                                 parameters: parameters)
        let sum = try ZKError.wrap {
            var acc = try parameters.group.identity()
            for c in bitCommitments.reversed() { acc = try acc.adding(acc).adding(c.point) }
            return acc
        }
        guard sum == shifted.point else { throw ZKError(.verificationFailed, "range proof: Σ 2^i·C_i ≠ C − t·G") }
        let c = try Self.challenge(commitment, threshold: threshold, bitCommitments, bitProofs.map(\.commitments),
                                   context: context, parameters: parameters)
        for (i, (bitCommitment, proof)) in zip(bitCommitments, bitProofs).enumerated() {
            do { try proof.check(try Self.bitStatements(bitCommitment, parameters), challenge: c) } catch {
                throw ZKError(.verificationFailed, "range proof: bit \(i) is not shown to be 0 or 1")
            }
        }
    }

    /// `r_i` with `Σ 2^i·r_i = r`: random below the top bit, the top one solved for.
    private static func bitBlindings(_ r: ECScalar, bits: Int, group: ECGroup) throws(ZKError) -> [ECScalar] {
        try ZKError.wrap {
            var blindings: [ECScalar] = []
            var rest = r
            for i in 0..<(bits - 1) {
                let ri = try ECScalar.random(in: group)
                blindings.append(ri)
                rest = try rest.subtracting(ri.multiplied(by: ECScalar(UInt64(1) << UInt64(i), in: group)))
            }
            let top = try ECScalar(UInt64(1) << UInt64(bits - 1), in: group)
            blindings.append(try rest.multiplied(by: top.inverted()))
            return blindings
        }
    }

    /// `(C_i = r·H, C_i − G = r·H)`: bit 0 or bit 1.
    private static func bitStatements(_ c: PedersenCommitment,
                                      _ parameters: ZKParameters) throws(ZKError) -> (DiscreteLogStatement, DiscreteLogStatement) {
        let minusG = try ZKError.wrap { try c.point.adding(parameters.g.negated()) }
        return (DiscreteLogStatement(base: parameters.h, point: c.point), DiscreteLogStatement(base: parameters.h, point: minusG))
    }

    private static func challenge(_ commitment: PedersenCommitment, threshold: UInt64, _ bitCommitments: [PedersenCommitment],
                                  _ orCommitments: [(ECPoint, ECPoint)], context: [UInt8],
                                  parameters: ZKParameters) throws(ZKError) -> ECScalar {
        var transcript = ZKTranscript(protocolLabel: protocolLabel, context: context)
        transcript.append("bits", integer: UInt64(bitCommitments.count))
        transcript.append("threshold", integer: threshold)
        try transcript.append("C", point: commitment.point)
        for (i, c) in bitCommitments.enumerated() { try transcript.append("C[\(i)]", point: c.point) }
        for (i, r) in orCommitments.enumerated() {
            try transcript.append("R0[\(i)]", point: r.0)
            try transcript.append("R1[\(i)]", point: r.1)
        }
        return try transcript.challenge(in: parameters.group)
    }
}
