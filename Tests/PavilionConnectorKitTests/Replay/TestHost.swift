import CPavilion
import Foundation
import PavilionConnectorKit

/// A test-only host: a `pv_host_t` whose services read this object through
/// the ctx pointer (secrets and clock from a fixture, logs captured).
final class TestHost {
    var secrets: [String: [UInt8]]
    var clockMilliseconds: Int64
    private(set) var logs: [String] = []
    private(set) var secretReads: [String] = []
    /// Secret values handed out; host-owned, freed with the host.
    private var handedOut: [UnsafeMutableRawBufferPointer] = []
    /// The table passed to the library; sized `tableSize` (may be smaller or larger than pv_host_t).
    let table: UnsafeMutableRawPointer
    let tableSize: Int

    /// - Parameters:
    ///   - secrets: tenant secrets.
    ///   - clockMilliseconds: what clock_ms returns.
    ///   - structSize: the struct_size to advertise (default: the whole pv_host_t).
    ///   - omitSecret: leave the secret slot NULL.
    ///   - abiVersion: the version the table claims (default this header's).
    init(secrets: [String: String] = [:], clockMilliseconds: Int64 = 1_767_225_600_000,
         structSize: Int = MemoryLayout<pv_host_t>.size, omitSecret: Bool = false, abiVersion: UInt32 = PV_ABI_VERSION) {
        self.secrets = secrets.mapValues { Array($0.utf8) }
        self.clockMilliseconds = clockMilliseconds
        tableSize = max(structSize, MemoryLayout<pv_host_t>.size) + 64
        table = UnsafeMutableRawPointer.allocate(byteCount: tableSize, alignment: 16)
        table.initializeMemory(as: UInt8.self, repeating: 0, count: tableSize)
        var full = pv_host_t()
        full.abi_version = abiVersion
        full.struct_size = UInt32(structSize)
        full.log = testLog
        full.secret = omitSecret ? nil : testSecret
        full.clock_ms = testClock
        full.random = testRandom
        full.sha256 = { _, _ in PV_ERR_HOST }
        full.hmac_sha256 = { _, _, _ in PV_ERR_HOST }
        // Copy only what struct_size covers, as a host with an older table would have.
        withUnsafeBytes(of: &full) { src in
            table.copyMemory(from: src.baseAddress!, byteCount: min(structSize, src.count))
        }
        // struct_size itself is always written, even if it claims less than 8 bytes.
        table.storeBytes(of: UInt32(structSize), toByteOffset: 4, as: UInt32.self)
    }

    deinit {
        for block in handedOut { block.deallocate() }
        table.deallocate()
    }

    var hostPointer: UnsafePointer<pv_host_t> { UnsafePointer(table.assumingMemoryBound(to: pv_host_t.self)) }
    var ctx: OpaquePointer { OpaquePointer(Unmanaged.passUnretained(self).toOpaque()) }

    static func from(_ ctx: OpaquePointer?) -> TestHost? {
        guard let ctx else { return nil }
        return Unmanaged<TestHost>.fromOpaque(UnsafeRawPointer(ctx)).takeUnretainedValue()
    }

    fileprivate func record(_ line: String) { logs.append(line) }

    fileprivate func secret(_ name: String) -> pv_bytes_t? {
        secretReads.append(name)
        guard let value = secrets[name] else { return nil }
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: max(value.count, 1), alignment: 1)
        value.withUnsafeBytes { block.copyMemory(from: $0) }
        handedOut.append(block)
        return pv_bytes_t(ptr: block.baseAddress?.assumingMemoryBound(to: UInt8.self), len: value.count)
    }
}

private func string(_ bytes: pv_bytes_t) -> String {
    guard let ptr = bytes.ptr else { return "" }
    return String(decoding: UnsafeBufferPointer(start: ptr, count: bytes.len), as: UTF8.self)
}

private let testLog: pv_host_log_fn = { ctx, level, message in
    TestHost.from(ctx)?.record("\(level): \(string(message))")
}

private let testSecret: pv_host_secret_fn = { ctx, _, name, out in
    guard let host = TestHost.from(ctx), let out else { return PV_ERR_INVALID_INPUT }
    guard let value = host.secret(string(name)) else { return PV_ERR_NOT_FOUND }
    out.pointee = value
    return PV_OK
}

private let testClock: pv_host_clock_fn = { ctx in TestHost.from(ctx)?.clockMilliseconds ?? 0 }

private let testRandom: pv_host_random_fn = { _, out, len in
    guard let out else { return PV_ERR_INVALID_INPUT }
    var rng = SystemRandomNumberGenerator()
    for i in 0..<len { out[i] = UInt8.random(in: 0...255, using: &rng) }
    return PV_OK
}
