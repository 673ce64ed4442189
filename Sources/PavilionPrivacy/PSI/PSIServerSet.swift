import Foundation
import PavilionCrypto

/// A data provider's set, preprocessed once for PSI and cached in a
/// directory so later queries (and restarts) reuse it.
///
/// The directory holds `key` (the 32-byte OPRF key `k`, mode 0600) and,
/// for ``PSIMode/intersection``, `digests`: the sorted, de-duplicated
/// 12-byte prefixes of RFC 9497 `Finalize(y, k·H(y))` for every element `y`;
/// for ``PSIMode/cardinality``, `points`: the de-duplicated points `k·H(y)`
/// (65 bytes each) in the order of their own digests, which depends on
/// nothing but the points. A cache file is reused only when its header
/// records this set file's fingerprint and this key; otherwise it is rebuilt.
///
/// Memory while building: the digests (16 bytes per element in memory), or
/// for cardinality the points (65 bytes per element plus 16 for the sort);
/// the set file itself is read in batches.
public final class PSIServerSet: Sendable {
    /// The mode the cache serves.
    public let mode: PSIMode
    /// Distinct elements in the set.
    public var count: Int { file.count }
    /// The server's OPRF key.
    let key: OPRFPrivateKey
    let file: PSICacheFile
    /// Whether ``prepare(setPath:cacheDirectory:mode:workers:log:)`` reused an existing cache.
    public let reusedCache: Bool

    private init(mode: PSIMode, key: OPRFPrivateKey, file: PSICacheFile, reusedCache: Bool) {
        self.mode = mode
        self.key = key
        self.file = file
        self.reusedCache = reusedCache
    }

    /// The server's public key `k·G`, compressed SEC1 (33 bytes).
    public var publicKey: [UInt8] { key.publicKey.serialized }

    /// Load the cache for `setPath` from `cacheDirectory`, building what is
    /// missing or stale.
    /// - Parameters:
    ///   - setPath: the set file, one UTF-8 element per line.
    ///   - cacheDirectory: created when missing; default `<setPath>.psi-cache`.
    ///   - mode: which file to serve.
    ///   - workers: threads for the hashing and multiplications.
    ///   - log: progress lines (for the command line's standard error).
    /// - Throws: ``PSIError`` `.invalidSet` for a bad set file, `.cacheIO` for the directory.
    public static func prepare(setPath: String, cacheDirectory: String? = nil, mode: PSIMode,
                               workers: Int = PSIProtocol.defaultWorkers,
                               log: (String) -> Void = { _ in }) throws(PSIError) -> PSIServerSet {
        let directory = cacheDirectory ?? setPath + ".psi-cache"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch { throw PSIError(.cacheIO, "\(directory): \(error.localizedDescription)") }
        let key = try loadOrCreateKey(path: directory + "/key")
        let keyFingerprint = Array(SHA256.hash(key.publicKey.serialized).prefix(16))
        let (setFingerprint, maxElements) = try PSISetReader.scan(path: setPath)
        let magic = Array((mode == .intersection ? "PVPSID01" : "PVPSIP01").utf8)
        let header = PSICacheFile.Header(magic: magic, count: 0, setFingerprint: setFingerprint, keyFingerprint: keyFingerprint)
        let path = directory + (mode == .intersection ? "/digests" : "/points")
        let entryLength = mode == .intersection ? PSIProtocol.digestLength : PSIProtocol.pointLength
        if let cached = PSICacheFile.open(path: path, expected: header, entryLength: entryLength) {
            log("psi: reusing the preprocessed set in \(path) (\(cached.count) elements)")
            return PSIServerSet(mode: mode, key: key, file: cached, reusedCache: true)
        }
        log("psi: preprocessing \(setPath) into \(path)")
        let file: PSICacheFile
        switch mode {
        case .intersection:
            file = try buildDigests(setPath: setPath, path: path, header: header, key: key, maxElements: maxElements, workers: workers)
        case .cardinality:
            file = try buildPoints(setPath: setPath, path: path, header: header, key: key, maxElements: maxElements, workers: workers)
        }
        log("psi: preprocessed \(file.count) distinct elements")
        return PSIServerSet(mode: mode, key: key, file: file, reusedCache: false)
    }

    /// Entries `offset ..< offset + count` of the cache: digests or points.
    /// - Throws: ``PSIError`` `.malformedMessage` for a range outside the set.
    public func page(offset: Int, count: Int) throws(PSIError) -> [UInt8] {
        guard count >= 0, count <= PSIProtocol.maxPage else {
            throw PSIError(.malformedMessage, "a page has 0 to \(PSIProtocol.maxPage) entries, not \(count)")
        }
        return try file.read(offset: offset, count: count)
    }

    private static func loadOrCreateKey(path: String) throws(PSIError) -> OPRFPrivateKey {
        if FileManager.default.fileExists(atPath: path) {
            guard let data = FileManager.default.contents(atPath: path) else { throw PSIError(.cacheIO, "\(path): cannot be read") }
            var bytes = [UInt8](data)
            do { return try OPRFPrivateKey(serialized: SecretBytes(consuming: &bytes), suite: PSIProtocol.suite) } catch {
                throw PSIError(.cacheIO, "\(path): not a \(PSIProtocol.suite.identifier) key: \(error.reason)")
            }
        }
        let key: OPRFPrivateKey
        do { key = try OPRFPrivateKey.generate(suite: PSIProtocol.suite) } catch { throw PSIError(.cryptoFailure, error.reason) }
        var bytes = key.serialized.copyBytes()
        defer { ConstantTime.wipe(&bytes) }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw PSIError(.cacheIO, "\(path): cannot be written")
        }
        return key
    }

    private static let batchSize = 16_384

    /// The sorted, distinct digests, in one array reserved up front (no
    /// growth copies) and de-duplicated in place: 16 bytes per element.
    private static func buildDigests(setPath: String, path: String, header: PSICacheFile.Header, key: OPRFPrivateKey,
                                     maxElements: Int, workers: Int) throws(PSIError) -> PSICacheFile {
        let reader = try PSISetReader(path: setPath)
        let scalar = key.scalar
        var digests: [PSIDigest] = []
        digests.reserveCapacity(maxElements)
        while true {
            let batch = try reader.next(limit: batchSize)
            if batch.isEmpty { break }
            digests += try PSIParallel.map(count: batch.count, workers: workers) { worker, range throws(PSIError) in
                var out: [PSIDigest] = []
                out.reserveCapacity(range.count)
                for i in range {
                    let h = try worker.hashToGroup(batch[i])
                    let n = try psiCrypto { () throws(CryptoError) in try h.multiplied(by: scalar) }
                    out.append(try worker.finalize(batch[i], n))
                }
                return out
            }
        }
        digests.sort()
        var kept = 0
        for i in digests.indices where kept == 0 || digests[i] != digests[kept - 1] {
            digests[kept] = digests[i]
            kept += 1
        }
        digests.removeLast(digests.count - kept)
        let distinct = digests
        digests = []
        var finalHeader = header
        finalHeader.count = distinct.count
        return try PSICacheFile.write(path: path, header: finalHeader, entryLength: PSIProtocol.digestLength) { emit throws(PSIError) in
            for start in stride(from: 0, to: distinct.count, by: 65_536) {
                try emit(PSIDigest.encodeAll(distinct[start ..< min(start + 65_536, distinct.count)]))
            }
        }
    }

    private struct Keyed: Comparable {
        var digest: PSIDigest
        var index: Int
        static func < (lhs: Keyed, rhs: Keyed) -> Bool { lhs.digest < rhs.digest }
    }

    private static func buildPoints(setPath: String, path: String, header: PSICacheFile.Header, key: OPRFPrivateKey,
                                    maxElements: Int, workers: Int) throws(PSIError) -> PSICacheFile {
        let reader = try PSISetReader(path: setPath)
        let scalar = key.scalar
        var points: [UInt8] = []
        points.reserveCapacity(maxElements * PSIProtocol.pointLength)
        var keys: [Keyed] = []
        keys.reserveCapacity(maxElements)
        while true {
            let batch = try reader.next(limit: batchSize)
            if batch.isEmpty { break }
            let computed = try PSIParallel.map(count: batch.count, workers: workers) { worker, range throws(PSIError) in
                var out: [(PSIDigest, [UInt8])] = []
                out.reserveCapacity(range.count)
                for i in range {
                    let h = try worker.hashToGroup(batch[i])
                    let q = try psiCrypto { () throws(CryptoError) in try h.multiplied(by: scalar) }
                    var bytes: [UInt8] = []
                    try worker.encodePoint(q, to: &bytes)
                    out.append((try worker.cardinalityDigest(q), bytes))
                }
                return out
            }
            for (digest, bytes) in computed {
                keys.append(Keyed(digest: digest, index: keys.count))
                points += bytes
            }
        }
        keys.sort()
        var order: [Int] = []
        order.reserveCapacity(keys.count)
        var last: PSIDigest?
        for keyed in keys where keyed.digest != last {
            order.append(keyed.index)
            last = keyed.digest
        }
        keys = []
        var finalHeader = header
        finalHeader.count = order.count
        let length = PSIProtocol.pointLength
        return try PSICacheFile.write(path: path, header: finalHeader, entryLength: length) { emit throws(PSIError) in
            var chunk: [UInt8] = []
            for index in order {
                chunk += points[index * length ..< (index + 1) * length]
                if chunk.count >= 1 << 20 {
                    try emit(chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            if !chunk.isEmpty { try emit(chunk) }
        }
    }
}
