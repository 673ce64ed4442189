/// A source of uniformly random bits for the exact samplers.
///
/// Implementations are reference types so that a copy never replays the
/// same bits: two holders of one source draw different words. Production
/// code uses ``SecureRandomBitSource`` (OpenSSL's CSPRNG); the seeded
/// HMAC-DRBG used by the statistical tests lives in the test target only.
///
/// The uniform and Bernoulli draws built on ``nextUInt64()`` are in
/// `RandomBitSource+Uniform.swift`; they have no modulo bias.
public protocol RandomBitSource: AnyObject, Sendable {
    /// 64 independent, uniformly random bits.
    /// - Throws: ``DifferentialPrivacyError/Code/cryptoFailure`` when the
    ///   underlying generator fails.
    func nextUInt64() throws(DifferentialPrivacyError) -> UInt64
}
