/// How the streaming PSI client (``PSIClient/intersection(setPath:transport:options:workers:emit:)``,
/// ``PSIClient/cardinality(setPath:transport:options:workers:)``) bounds its memory.
public struct PSIStreamingOptions: Sendable, Equatable {
    /// Digests held in memory before they are sorted and spilled as one run
    /// (24 bytes each in memory, 20 on disk); at least 1. Default 1,048,576
    /// (about 24 MiB).
    public var chunkElements: Int
    /// Where the private run directory (`pavilion-psi-…`, mode 0700) is
    /// made; nil for the process's temporary directory (`TMPDIR` or `/tmp`).
    public var temporaryDirectory: String?

    /// The default chunk: 2^20 elements.
    public static let defaultChunkElements = 1 << 20

    /// - Parameters:
    ///   - chunkElements: see ``chunkElements``; values below 1 count as 1.
    ///   - temporaryDirectory: see ``temporaryDirectory``.
    public init(chunkElements: Int = defaultChunkElements, temporaryDirectory: String? = nil) {
        self.chunkElements = max(1, chunkElements)
        self.temporaryDirectory = temporaryDirectory
    }
}
