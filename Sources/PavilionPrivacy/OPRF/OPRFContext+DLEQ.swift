import PavilionCrypto

/// Batched DLEQ proofs (RFC 9497 §2.2): `GenerateProof`, `VerifyProof`,
/// `ComputeCompositesFast` (prover, knows `k`) and `ComputeComposites`
/// (verifier). `A` is always the generator `G` in this protocol.
extension OPRFContext {
    /// `GenerateProof(k, G, B, C, D)` with nonce `r` (random unless a test injects one).
    ///
    /// Secret-dependent work: `k·M`, `r·G` and `r·M` are single-term
    /// `EC_POINT_mul` calls (constant time); `s = r - c·k` is `BN_mod_mul`
    /// and `BN_mod_sub` on `BN_FLG_CONSTTIME` numbers.
    func generateProof(k: ECScalar, b: ECPoint, c: [ECPoint], d: [ECPoint], nonce: ECScalar? = nil) throws(OPRFError) -> DLEQProof {
        let (m, z) = try computeComposites(k: k, b: b, c: c, d: d)
        let r: ECScalar
        if let nonce { r = nonce } else { r = try crypto { () throws(CryptoError) in try ECScalar.random(in: group) } }
        let (t2, t3) = try crypto { () throws(CryptoError) in (try group.generatorMultiplied(by: r), try m.multiplied(by: r)) }
        let challenge = try challengeScalar(b: b, m: m, z: z, t2: t2, t3: t3)
        let s = try crypto { () throws(CryptoError) in try r.subtracting(challenge.multiplied(by: k)) }
        return DLEQProof(suite: suite, c: challenge, s: s)
    }

    /// `VerifyProof(G, B, C, D, proof)`.
    /// - Throws: ``OPRFError`` `.verifyError` when the proof does not verify.
    func verifyProof(b: ECPoint, c: [ECPoint], d: [ECPoint], proof: DLEQProof) throws(OPRFError) {
        guard proof.suite == suite else { throw OPRFError(.suiteMismatch, "a \(proof.suite.identifier) proof for \(suite.identifier)") }
        let (m, z) = try computeComposites(k: nil, b: b, c: c, d: d)
        // Public values only: the two-term EC_POINT_mul (wNAF) is fine here.
        let (t2, t3) = try crypto { () throws(CryptoError) in
            (try ECPoint.linearCombination(proof.s, proof.c, b),
             try m.multiplied(by: proof.s).adding(z.multiplied(by: proof.c)))
        }
        let expected: ECScalar
        do { expected = try challengeScalar(b: b, m: m, z: z, t2: t2, t3: t3) } catch {
            throw OPRFError(.verifyError, "the proof's commitments are degenerate: \(error.reason)")
        }
        guard expected == proof.c else { throw OPRFError(.verifyError, "the DLEQ proof does not verify against the public key") }
    }

    /// `ComputeCompositesFast(k, B, C, D)` when `k` is given (prover: `Z = k·M`),
    /// else `ComputeComposites(B, C, D)` (verifier: `Z = Σ dᵢ·Dᵢ`).
    func computeComposites(k: ECScalar?, b: ECPoint, c: [ECPoint], d: [ECPoint]) throws(OPRFError) -> (m: ECPoint, z: ECPoint) {
        guard !c.isEmpty, c.count == d.count, c.count <= 0xFFFF else {
            throw OPRFError(.batchSizeMismatch, "a proof needs equal, non-empty batches; got \(c.count) and \(d.count)")
        }
        let bm = try serialize(b)
        let seedDST = Array("Seed-".utf8) + contextString
        let seed = suite.digest.hash(try Self.lengthPrefixed(bm, "B") + Self.lengthPrefixed(seedDST, "the seed DST"))
        var m = try crypto { () throws(CryptoError) in try group.identity() }
        var z = m
        for i in 0..<c.count {
            var transcript = try Self.lengthPrefixed(seed, "the seed")
            transcript += [UInt8(i >> 8), UInt8(i & 0xFF)]
            transcript += try Self.lengthPrefixed(try serialize(c[i]), "C[i]")
            transcript += try Self.lengthPrefixed(try serialize(d[i]), "D[i]")
            transcript += Array("Composite".utf8)
            let di = try hashToScalar(transcript)
            let (mi, zi) = (m, z)
            (m, z) = try crypto { () throws(CryptoError) in
                (try c[i].multiplied(by: di).adding(mi), k == nil ? try d[i].multiplied(by: di).adding(zi) : zi)
            }
        }
        if let k { z = try crypto { () throws(CryptoError) in try m.multiplied(by: k) } }
        return (m, z)
    }

    /// `HashToScalar(len||Bm || len||a0 || len||a1 || len||a2 || len||a3 || "Challenge")`.
    private func challengeScalar(b: ECPoint, m: ECPoint, z: ECPoint, t2: ECPoint, t3: ECPoint) throws(OPRFError) -> ECScalar {
        var transcript: [UInt8] = []
        for point in [b, m, z, t2, t3] { transcript += try Self.lengthPrefixed(try serialize(point), "a proof element") }
        transcript += Array("Challenge".utf8)
        return try hashToScalar(transcript)
    }
}
