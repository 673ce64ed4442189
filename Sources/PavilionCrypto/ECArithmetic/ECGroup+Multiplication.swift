extension ECGroup {
    /// `k·G`, in constant time with respect to `k` (a single-term `EC_POINT_mul`).
    /// - Parameter scalar: the multiplier, possibly secret.
    /// - Throws: ``CryptoError`` when the scalar is of another group or OpenSSL fails.
    public func generatorMultiplied(by scalar: ECScalar) throws(CryptoError) -> ECPoint {
        guard scalar.group == self else { throw CryptoError(call: "EC_POINT_mul", reason: "the scalar is of another group") }
        return ECPoint(group: self, owning: try OpenSSLECMath.multiply(storage.pointer, generatorScalar: scalar.value.pointer,
                                                                       point: nil, pointScalar: nil))
    }
}
