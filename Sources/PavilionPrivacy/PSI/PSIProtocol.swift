import PavilionCrypto

/// The fixed choices of Pavilion's PSI protocol (`docs/psi.md`): the
/// RFC 9497 OPRF `P256-SHA256` in base mode for PSI, P-256 commutative
/// blinding for PSI-cardinality, 12-byte digests, uncompressed points on the wire.
public enum PSIProtocol {
    /// The protocol name the server announces.
    public static let name = "pavilion-psi-v1"
    /// The OPRF suite.
    public static let suite = OPRFSuite.p256SHA256
    /// Bytes kept of each OPRF output: 96 bits, so the chance that any of
    /// `m·n` pairs collides is at most `m·n / 2^96` (about 1.3e-15 for two
    /// sets of ten million).
    public static let digestLength = 12
    /// Bytes of one point on the wire: uncompressed SEC1 (`0x04 || x || y`).
    /// Decoding a compressed point costs a square root (about ten times a
    /// decode of the uncompressed form); loopback bandwidth is cheaper.
    public static let pointLength = 65
    /// The most elements in one evaluation request.
    public static let maxBatch = 16_384
    /// The most digests or points in one page of the server's set.
    public static let maxPage = 65_536
    /// The longest element (the OPRF input limit).
    public static let maxElementBytes = 65_535
    /// Domain separation of the cardinality digests `H(k·a·H(x))`.
    static let cardinalityTag = Array("pavilion-psi-cardinality-v1".utf8)

    /// Threads the protocol's batch work uses: the machine's active processors.
    public static var defaultWorkers: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
}

import Foundation
