import Foundation
import PavilionCrypto
import PavilionDynamicLinking
import Synchronization
internal import CPavilion

// The only file in this module that touches `connector.h` types and raw
// pointers. Everything here is a thin wrapper: copy plugin-owned memory into
// Swift values the moment a call returns, hand borrowed memory to the plugin
// only for the duration of a call, and turn context pointers back into the
// Swift objects they stand for. Validation happens elsewhere, on the copies.

/// Constants of the connector ABI as this host speaks it.
enum ABI {
    /// `PV_ABI_VERSION`: the highest version this host speaks (it speaks every one from 1).
    static let hostVersion: UInt32 = PV_ABI_VERSION
    /// The first version with `PV_STEP_PSI` and `pv_step_t.psi`.
    static let psiVersion: UInt32 = 2
    /// `PV_ENTRY_SYMBOL`.
    static let entrySymbol = "pv_connector_entry"
    /// Size of the ABI-1 `pv_plugin_t`; a smaller `struct_size` is refused.
    static let pluginV1Size = UInt32(MemoryLayout<pv_plugin_t>.size)
    /// Size of the ABI-1 `pv_request_t`.
    static let requestV1Size = UInt32(MemoryLayout<pv_request_t>.size)
    /// Size of the ABI-2 `pv_psi_request_t`.
    static let psiRequestV2Size = UInt32(MemoryLayout<pv_psi_request_t>.size)

    /// `pv_status_t` values.
    enum Status {
        static let ok: UInt32 = PV_OK
        static let invalidInput: UInt32 = PV_ERR_INVALID_INPUT
        static let badResponse: UInt32 = PV_ERR_BAD_RESPONSE
        static let upstream: UInt32 = PV_ERR_UPSTREAM
        static let notFound: UInt32 = PV_ERR_NOT_FOUND
        static let unsupported: UInt32 = PV_ERR_UNSUPPORTED
        static let state: UInt32 = PV_ERR_STATE
        static let noMemory: UInt32 = PV_ERR_NO_MEMORY
        static let host: UInt32 = PV_ERR_HOST
        static let `internal`: UInt32 = PV_ERR_INTERNAL
    }

    /// `pv_step_t.kind` values.
    enum StepKind {
        static let request: UInt32 = PV_STEP_REQUEST
        static let result: UInt32 = PV_STEP_RESULT
        static let psi: UInt32 = PV_STEP_PSI
    }

    /// `pv_psi_request_t.mode` values.
    enum PSIMode {
        static let intersection: UInt32 = PV_PSI_INTERSECTION
        static let cardinality: UInt32 = PV_PSI_CARDINALITY
    }

    /// `PV_REQUEST_IDEMPOTENT`.
    static let requestIdempotent: UInt32 = PV_REQUEST_IDEMPOTENT

    /// Most bytes copied out of a plugin's message; the rest is dropped.
    static let maxMessageCopy = 4096
}

// MARK: - Copies of plugin-owned data

/// Why a plugin-owned slice could not be copied.
struct SliceProblem: Error, Sendable {
    var message: String
}

/// An HTTP request as the plugin described it, copied, not yet validated.
struct RawRequest: Sendable {
    var method: [UInt8]
    var path: [UInt8]
    var headers: [(name: [UInt8], value: [UInt8])]
    var body: [UInt8]
    var flags: UInt32
    var timeoutMs: UInt32
}

/// A PSI step as the plugin described it, copied, not yet validated.
struct RawPSIRequest: Sendable {
    var path: [UInt8]
    var elements: [[UInt8]]
    var mode: UInt32
}

/// Everything a begin/step call returned, copied out of plugin memory.
struct RawStep: Sendable {
    /// The call's `pv_status_t`.
    var status: UInt32
    /// `pv_step_t.kind` (meaningful when `status` is OK).
    var kind: UInt32
    /// The request when `kind` is REQUEST, or why it could not be read.
    var request: Result<RawRequest, SliceProblem>?
    /// The result JSON bytes when `kind` is RESULT, or why not.
    var result: Result<[UInt8], SliceProblem>?
    /// The plugin's message (first ``ABI/maxMessageCopy`` bytes).
    var message: [UInt8]
    /// Whether the message was longer than what was copied.
    var messageTruncated: Bool
    /// The PSI step when `kind` is PSI and the plugin speaks ABI 2, or why not.
    var psi: Result<RawPSIRequest, SliceProblem>? = nil
    /// The ABI version the plugin negotiated.
    var pluginVersion: UInt32 = 1
}

/// Limits applied while copying plugin output.
struct CopyLimits: Sendable {
    var method = 16
    var path = 8192
    var headerCount = 128
    var headerField = 8192
    var body = 16 << 20
    var result = 1 << 20
    var description = 64 << 10
}

private func copySlice(_ slice: pv_bytes_t, limit: Int, what: String) throws(SliceProblem) -> [UInt8] {
    if slice.len == 0 { return [] }
    guard let ptr = slice.ptr else {
        throw SliceProblem(message: "\(what) has a NULL pointer and length \(slice.len)")
    }
    guard slice.len <= limit else {
        throw SliceProblem(message: "\(what) is \(slice.len) bytes, over the limit of \(limit)")
    }
    return Array(UnsafeBufferPointer(start: ptr, count: slice.len))
}

/// Copy at most `limit` bytes; report whether more were there.
private func copyPrefix(_ slice: pv_bytes_t, limit: Int) -> (bytes: [UInt8], truncated: Bool) {
    guard slice.len > 0, let ptr = slice.ptr else { return ([], false) }
    let count = min(slice.len, limit)
    return (Array(UnsafeBufferPointer(start: ptr, count: count)), slice.len > limit)
}

private func readRequest(_ pointer: UnsafePointer<pv_request_t>?, limits: CopyLimits) throws(SliceProblem) -> RawRequest {
    guard let pointer else { throw SliceProblem(message: "step kind is REQUEST but request is NULL") }
    // Read the header alone first: the plugin's struct may be shorter than ours.
    let raw = UnsafeRawPointer(pointer)
    let version = raw.load(as: UInt32.self)
    let size = raw.load(fromByteOffset: 4, as: UInt32.self)
    guard version >= 1 else { throw SliceProblem(message: "request abi_version is 0") }
    guard size >= ABI.requestV1Size else {
        throw SliceProblem(message: "request struct_size \(size) is smaller than the ABI-1 size \(ABI.requestV1Size)")
    }
    let request = pointer.pointee
    let method = try copySlice(request.method, limit: limits.method, what: "request method")
    let path = try copySlice(request.path, limit: limits.path, what: "request path")
    let body = try copySlice(request.body, limit: limits.body, what: "request body")
    var headers: [(name: [UInt8], value: [UInt8])] = []
    if request.header_count > 0 {
        guard let fields = request.headers else {
            throw SliceProblem(message: "request has \(request.header_count) headers but a NULL header array")
        }
        guard request.header_count <= limits.headerCount else {
            throw SliceProblem(message: "request has \(request.header_count) headers, over the limit of \(limits.headerCount)")
        }
        for field in UnsafeBufferPointer(start: fields, count: request.header_count) {
            headers.append((try copySlice(field.name, limit: limits.headerField, what: "header name"),
                            try copySlice(field.value, limit: limits.headerField, what: "header value")))
        }
    }
    return RawRequest(method: method, path: path, headers: headers, body: body,
                      flags: request.flags, timeoutMs: request.timeout_ms)
}

private func readPSIRequest(_ pointer: UnsafePointer<pv_psi_request_t>?) throws(SliceProblem) -> RawPSIRequest {
    guard let pointer else { throw SliceProblem(message: "step kind is PSI but psi is NULL") }
    let raw = UnsafeRawPointer(pointer)
    let version = raw.load(as: UInt32.self)
    let size = raw.load(fromByteOffset: 4, as: UInt32.self)
    guard version >= ABI.psiVersion else { throw SliceProblem(message: "psi abi_version is \(version); PSI steps are ABI 2") }
    guard size >= ABI.psiRequestV2Size else {
        throw SliceProblem(message: "psi struct_size \(size) is smaller than the ABI-2 size \(ABI.psiRequestV2Size)")
    }
    let request = pointer.pointee
    let path = try copySlice(request.path, limit: 1024, what: "psi path")
    guard request.element_count <= PSIStepRequest.maxElements else {
        throw SliceProblem(message: "psi asks about \(request.element_count) elements, over the limit of \(PSIStepRequest.maxElements)")
    }
    var elements: [[UInt8]] = []
    if request.element_count > 0 {
        guard let slices = request.elements else {
            throw SliceProblem(message: "psi has \(request.element_count) elements but a NULL element array")
        }
        elements.reserveCapacity(request.element_count)
        for (index, slice) in UnsafeBufferPointer(start: slices, count: request.element_count).enumerated() {
            elements.append(try copySlice(slice, limit: PSIStepRequest.maxElementBytes, what: "psi element \(index)"))
        }
    }
    return RawPSIRequest(path: path, elements: elements, mode: request.mode)
}

private func readStep(status: UInt32, _ step: pv_step_t, limits: CopyLimits, pluginVersion: UInt32) -> RawStep {
    var out = RawStep(status: status, kind: step.kind, request: nil, result: nil, message: [], messageTruncated: false,
                      pluginVersion: pluginVersion)
    if status == ABI.Status.ok {
        if step.kind == ABI.StepKind.request {
            do throws(SliceProblem) {
                out.request = .success(try readRequest(step.request, limits: limits))
            } catch {
                out.request = .failure(error)
            }
        } else if step.kind == ABI.StepKind.result {
            do throws(SliceProblem) {
                out.result = .success(try copySlice(step.result, limit: limits.result, what: "result"))
            } catch {
                out.result = .failure(error)
            }
        } else if step.kind == ABI.StepKind.psi, pluginVersion >= ABI.psiVersion {
            // `psi` exists only from ABI 2: never read it from an ABI-1 plugin.
            do throws(SliceProblem) {
                out.psi = .success(try readPSIRequest(step.psi))
            } catch {
                out.psi = .failure(error)
            }
        }
    } else {
        (out.message, out.messageTruncated) = copyPrefix(step.message, limit: ABI.maxMessageCopy)
    }
    return out
}

private func makeStep() -> pv_step_t {
    var step = pv_step_t()
    step.abi_version = ABI.hostVersion
    step.struct_size = UInt32(MemoryLayout<pv_step_t>.size)
    return step
}

// MARK: - Plugin handles

/// A plugin's `pv_instance_t *`. Only ``ConnectorInstance`` holds one.
struct PluginInstanceHandle: @unchecked Sendable {
    // Sendable: an opaque token; the ABI lets any thread pass it to the plugin.
    fileprivate let raw: OpaquePointer
}

/// A plugin's `pv_exchange_t *`. Only ``Exchange`` holds one.
struct PluginExchangeHandle: @unchecked Sendable {
    // Sendable: an opaque token; Exchange ensures one thread at a time uses it.
    fileprivate let raw: OpaquePointer
}

// MARK: - Entry and vtable

/// What the entry symbol returned.
enum EntryOutcome {
    /// It returned NULL.
    case refused
    /// It returned a table whose header is this but too small to read.
    case tooSmall(abiVersion: UInt32, structSize: UInt32)
    /// It returned a table at least as large as ABI 1's.
    case table(abiVersion: UInt32, structSize: UInt32, VTable)
}

/// A library's `pv_connector_entry`, valid while the library is loaded.
struct EntryFunction: @unchecked Sendable {
    // Sendable: an immutable C function pointer.
    fileprivate let function: pv_entry_fn

    /// Find `PV_ENTRY_SYMBOL` in `library`.
    /// - Throws: ``DynamicLinkingError`` when the library does not export it.
    init(in library: SharedLibrary) throws(DynamicLinkingError) {
        function = try library.function(ABI.entrySymbol, as: pv_entry_fn.self)
    }
}

/// Call `pv_connector_entry(PV_ABI_VERSION, host)`.
func callEntry(_ entry: EntryFunction, host: HostTable) -> EntryOutcome {
    guard let table = entry.function(ABI.hostVersion, host.pointer) else { return .refused }
    let raw = UnsafeRawPointer(table)
    let version = raw.load(as: UInt32.self)
    let size = raw.load(fromByteOffset: 4, as: UInt32.self)
    guard size >= ABI.pluginV1Size else { return .tooSmall(abiVersion: version, structSize: size) }
    return .table(abiVersion: version, structSize: size, VTable(raw: table.pointee, abiVersion: version))
}

/// A copy of the plugin's `pv_plugin_t` (its function pointers stay valid
/// until the library is unloaded).
struct VTable: @unchecked Sendable {
    // Sendable: immutable C function pointers.
    fileprivate let raw: pv_plugin_t
    /// The ABI version the plugin's vtable claims (checked by the loader).
    let abiVersion: UInt32

    /// Names of required slots that are NULL.
    var missingRequiredSlots: [String] {
        var missing: [String] = []
        if raw.describe == nil { missing.append("describe") }
        if raw.create == nil { missing.append("create") }
        if raw.destroy == nil { missing.append("destroy") }
        if raw.exchange_begin == nil { missing.append("exchange_begin") }
        if raw.exchange_step == nil { missing.append("exchange_step") }
        if raw.exchange_end == nil { missing.append("exchange_end") }
        return missing
    }

    /// Whether the optional `health_begin` slot is set.
    var hasHealth: Bool { raw.health_begin != nil }

    /// `describe(&out_json)`.
    func describe(limits: CopyLimits) -> (status: UInt32, json: Result<[UInt8], SliceProblem>) {
        guard let describe = raw.describe else {
            return (ABI.Status.internal, .failure(SliceProblem(message: "describe slot is NULL")))
        }
        var out = pv_bytes_t()
        let status = describe(&out)
        guard status == ABI.Status.ok else { return (status, .success([])) }
        do throws(SliceProblem) {
            return (status, .success(try copySlice(out, limit: limits.description, what: "description")))
        } catch {
            return (status, .failure(error))
        }
    }

    /// `create(host, ctx, settings, &instance, &message)`.
    func create(host: HostTable, context: InstanceContext, settings: [UInt8])
        -> (status: UInt32, instance: PluginInstanceHandle?, message: [UInt8])
    {
        guard let create = raw.create else { return (ABI.Status.internal, nil, Array("create slot is NULL".utf8)) }
        var instance: OpaquePointer?
        var message = pv_bytes_t()
        let ctx = OpaquePointer(Unmanaged.passUnretained(context).toOpaque())
        let status = settings.withUnsafeBufferPointer { buffer in
            create(host.pointer, ctx, pv_bytes_t(ptr: buffer.baseAddress, len: buffer.count), &instance, &message)
        }
        let handle = instance.map(PluginInstanceHandle.init(raw:))
        if status == ABI.Status.ok { return (status, handle, []) }
        return (status, handle, copyPrefix(message, limit: ABI.maxMessageCopy).bytes)
    }

    /// `destroy(instance)`.
    func destroy(_ instance: PluginInstanceHandle) {
        raw.destroy?(instance.raw)
    }

    /// `exchange_begin(instance, host_exchange, query, &exchange, &step)`.
    func begin(_ instance: PluginInstanceHandle, context: ExchangeContext, query: [UInt8], limits: CopyLimits)
        -> (step: RawStep, exchange: PluginExchangeHandle?)
    {
        guard let begin = raw.exchange_begin else {
            return (RawStep(status: ABI.Status.internal, kind: 0, message: Array("exchange_begin slot is NULL".utf8),
                            messageTruncated: false), nil)
        }
        var exchange: OpaquePointer?
        var step = makeStep()
        let hostExchange = OpaquePointer(Unmanaged.passUnretained(context).toOpaque())
        let status = query.withUnsafeBufferPointer { buffer in
            begin(instance.raw, hostExchange, pv_bytes_t(ptr: buffer.baseAddress, len: buffer.count), &exchange, &step)
        }
        let copied = readStep(status: status, step, limits: limits, pluginVersion: abiVersion)
        return (copied, exchange.map(PluginExchangeHandle.init(raw:)))
    }

    /// `health_begin(instance, host_exchange, &exchange, &step)`.
    func healthBegin(_ instance: PluginInstanceHandle, context: ExchangeContext, limits: CopyLimits)
        -> (step: RawStep, exchange: PluginExchangeHandle?)
    {
        guard let healthBegin = raw.health_begin else {
            return (RawStep(status: ABI.Status.unsupported, kind: 0, message: Array("connector has no health probe".utf8),
                            messageTruncated: false), nil)
        }
        var exchange: OpaquePointer?
        var step = makeStep()
        let hostExchange = OpaquePointer(Unmanaged.passUnretained(context).toOpaque())
        let status = healthBegin(instance.raw, hostExchange, &exchange, &step)
        return (readStep(status: status, step, limits: limits, pluginVersion: abiVersion), exchange.map(PluginExchangeHandle.init(raw:)))
    }

    /// `exchange_step(exchange, response, &step)`.
    func step(_ exchange: PluginExchangeHandle, response: HTTPResponse, limits: CopyLimits) -> RawStep {
        guard let stepFunction = raw.exchange_step else {
            return RawStep(status: ABI.Status.internal, kind: 0, message: Array("exchange_step slot is NULL".utf8),
                           messageTruncated: false)
        }
        var step = makeStep()
        let status = withResponse(response) { pointer in stepFunction(exchange.raw, pointer, &step) }
        return readStep(status: status, step, limits: limits, pluginVersion: abiVersion)
    }

    /// `exchange_end(exchange)`.
    func end(_ exchange: PluginExchangeHandle) {
        raw.exchange_end?(exchange.raw)
    }
}

/// Lay `response` out as a `pv_response_t` borrowed for the duration of `body`.
private func withResponse<R>(_ response: HTTPResponse, _ body: (UnsafePointer<pv_response_t>) -> R) -> R {
    // One buffer for all header bytes, one array of pv_header_t pointing into it.
    var bytes: [UInt8] = []
    var spans: [(name: Range<Int>, value: Range<Int>)] = []
    for (name, value) in response.headers {
        let n = bytes.count
        bytes.append(contentsOf: name.utf8)
        let v = bytes.count
        bytes.append(contentsOf: value.utf8)
        spans.append((n..<v, v..<bytes.count))
    }
    return bytes.withUnsafeBufferPointer { headerBytes in
        let base = headerBytes.baseAddress
        let fields = spans.map { span in
            pv_header_t(name: pv_bytes_t(ptr: base.map { $0 + span.name.lowerBound }, len: span.name.count),
                        value: pv_bytes_t(ptr: base.map { $0 + span.value.lowerBound }, len: span.value.count))
        }
        return fields.withUnsafeBufferPointer { headerArray in
            response.body.withUnsafeBufferPointer { bodyBytes in
                var raw = pv_response_t()
                raw.abi_version = ABI.hostVersion
                raw.struct_size = UInt32(MemoryLayout<pv_response_t>.size)
                raw.status = UInt32(clamping: response.status)
                raw.headers = headerArray.baseAddress
                raw.header_count = headerArray.count
                raw.body = pv_bytes_t(ptr: bodyBytes.baseAddress, len: bodyBytes.count)
                return withUnsafePointer(to: &raw) { body($0) }
            }
        }
    }
}

// MARK: - Host services table

/// The `pv_host_t` handed to one library: allocated at load, freed only after
/// the library is closed.
final class HostTable: @unchecked Sendable {
    // Sendable: the table is written once in init and only read afterwards.
    fileprivate let pointer: UnsafeMutablePointer<pv_host_t>

    init() {
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: pv_host_t(
            abi_version: ABI.hostVersion,
            struct_size: UInt32(MemoryLayout<pv_host_t>.size),
            log: { ctx, level, message in
                guard let ctx else { return }
                let context = Unmanaged<InstanceContext>.fromOpaque(UnsafeRawPointer(ctx)).takeUnretainedValue()
                let (bytes, truncated) = copyPrefix(message, limit: InstanceContext.maxLogInputBytes)
                context.log(level: level, message: bytes, droppedBytes: truncated ? message.len - bytes.count : 0)
            },
            secret: { ctx, exchange, name, out in
                guard let ctx, let exchange, let out else { return ABI.Status.invalidInput }
                let instance = Unmanaged<InstanceContext>.fromOpaque(UnsafeRawPointer(ctx)).takeUnretainedValue()
                let context = Unmanaged<ExchangeContext>.fromOpaque(UnsafeRawPointer(exchange)).takeUnretainedValue()
                guard context.instance === instance,
                      let nameBytes = try? copySlice(name, limit: 256, what: "secret name"),
                      let nameText = String(validating: nameBytes, as: UTF8.self)
                else { return ABI.Status.invalidInput }
                switch context.secret(named: nameText) {
                case .undeclared:
                    return ABI.Status.invalidInput
                case .notFound:
                    return ABI.Status.notFound
                case .value(var value):
                    let lease = context.leases.lease(value)
                    ConstantTime.wipe(&value)
                    out.pointee = pv_bytes_t(ptr: lease.baseAddress, len: lease.count)
                    return ABI.Status.ok
                }
            },
            clock_ms: { ctx in
                guard let ctx else { return SystemPluginClock().nowMilliseconds() }
                let context = Unmanaged<InstanceContext>.fromOpaque(UnsafeRawPointer(ctx)).takeUnretainedValue()
                return context.services.clock.nowMilliseconds()
            },
            random: { _, out, len in
                if len == 0 { return ABI.Status.ok }
                guard let out, len <= 1 << 20 else { return ABI.Status.host }
                var done = 0
                while done < len {
                    let count = min(len - done, 4096)
                    guard var chunk = try? SecureRandom.bytes(count) else { return ABI.Status.host }
                    chunk.withUnsafeBufferPointer { if let base = $0.baseAddress { (out + done).update(from: base, count: count) } }
                    ConstantTime.wipe(&chunk)
                    done += count
                }
                return ABI.Status.ok
            },
            sha256: { data, out in
                guard let out, data.ptr != nil || data.len == 0 else { return ABI.Status.invalidInput }
                let digest = SHA256.hash(UnsafeRawBufferPointer(start: data.ptr, count: data.len))
                digest.withUnsafeBufferPointer { if let base = $0.baseAddress { out.update(from: base, count: min($0.count, 32)) } }
                return ABI.Status.ok
            },
            hmac_sha256: { key, data, out in
                guard let out, key.ptr != nil || key.len == 0, data.ptr != nil || data.len == 0 else {
                    return ABI.Status.invalidInput
                }
                guard let tag = try? HMACSHA256.authenticate(UnsafeRawBufferPointer(start: data.ptr, count: data.len),
                                                             key: UnsafeRawBufferPointer(start: key.ptr, count: key.len))
                else { return ABI.Status.host }
                tag.withUnsafeBufferPointer { if let base = $0.baseAddress { out.update(from: base, count: min($0.count, 32)) } }
                return ABI.Status.ok
            }))
    }

    deinit {
        pointer.deinitialize(count: 1)
        pointer.deallocate()
    }
}

// MARK: - Secret leases

/// Secret values handed to a plugin during one call, kept at stable addresses
/// until the call returns, then wiped and freed.
final class SecretLeases: Sendable {
    private let buffers = Mutex<[LeasedBuffer]>([])

    private struct LeasedBuffer: @unchecked Sendable {
        // Sendable: only touched under the mutex.
        let pointer: UnsafeMutableBufferPointer<UInt8>
    }

    func lease(_ value: [UInt8]) -> UnsafeBufferPointer<UInt8> {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(value.count, 1))
        buffer.initialize(repeating: 0)
        _ = buffer.update(fromContentsOf: value)
        buffers.withLock { $0.append(LeasedBuffer(pointer: buffer)) }
        return UnsafeBufferPointer(start: buffer.baseAddress, count: value.count)
    }

    /// Wipe and free every leased value.
    func releaseAll() {
        let released = buffers.withLock { list in
            defer { list.removeAll() }
            return list
        }
        for leased in released {
            if let base = leased.pointer.baseAddress { explicit_bzero(base, leased.pointer.count) }
            leased.pointer.deallocate()
        }
    }

    /// How many values are leased now (tests).
    var count: Int { buffers.withLock { $0.count } }

    deinit { releaseAll() }
}
