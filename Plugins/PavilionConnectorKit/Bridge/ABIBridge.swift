// The only file of the kit that touches pointers: it implements the C vtable
// of `connector.h` around a Swift ``Connector``.
//
// Rules kept here:
// - Host tables are read only as far as their struct_size covers whole fields;
//   the host-allocated pv_step_t is written only where its struct_size covers.
// - Handles are retained Swift boxes (Unmanaged); outputs live in an arena on
//   the exchange box until the next call on it or its end.
// - Every failure becomes a status and a message; nothing traps on input.
internal import CPavilion
import Foundation

/// Export `connector` through the C ABI. Call it from the one `@_cdecl`
/// entry function a Swift connector defines:
///
/// ```swift
/// @_cdecl("pv_connector_entry")
/// public func pv_connector_entry(_ abi: UInt32, _ host: OpaquePointer?) -> OpaquePointer? {
///     exportConnector(MyConnector.self, abi, host)
/// }
/// ```
///
/// - Parameters:
///   - connector: the connector type.
///   - hostABIVersion: the highest ABI version the host speaks.
///   - host: the host's `const pv_host_t *`.
/// - Returns: the `const pv_plugin_t *` for the lower of the host's version
///   and this kit's `PV_ABI_VERSION` (PSI steps need 2), or `nil` when the host is
///   NULL, speaks ABI 0, or lacks a service in
///   ``ConnectorDescription/requiredHostServices``.
public func exportConnector<C: Connector>(_ connector: C.Type, _ hostABIVersion: UInt32,
                                          _ host: OpaquePointer?) -> OpaquePointer? {
    guard hostABIVersion >= 1, let host, let table = HostTable.copy(UnsafeRawPointer(host)) else { return nil }
    guard table.offers(C.description.requiredHostServices) else { return nil }
    return Registry.shared.register(C.self, hostVersion: hostABIVersion).map { OpaquePointer($0) }
}

// MARK: - Reading host tables

/// Byte count of the prefix of a table that holds only whole fields.
private func coveredPrefix(size: Int, fieldEnds: [Int]) -> Int {
    fieldEnds.filter { $0 <= size }.max() ?? 0
}

/// Copy the whole fields of a host-owned table (whose first two fields are
/// abi_version and struct_size) into a zeroed value of type T.
private func copyTable<T>(_ raw: UnsafeRawPointer, zero: T, fieldEnds: [Int]) -> (T, Int)? {
    let size = Int(raw.load(fromByteOffset: 4, as: UInt32.self))
    guard size >= 8 else { return nil }
    var value = zero
    let prefix = min(coveredPrefix(size: size, fieldEnds: fieldEnds), MemoryLayout<T>.size)
    withUnsafeMutableBytes(of: &value) { dst in
        dst.copyMemory(from: UnsafeRawBufferPointer(start: raw, count: prefix))
    }
    return (value, size)
}

private func fieldEnd<T, F>(_ keyPath: KeyPath<T, F>) -> Int {
    (MemoryLayout<T>.offset(of: keyPath) ?? Int.max / 2) + MemoryLayout<F>.size
}

/// A copy of the host's services table, zero beyond its struct_size.
struct HostTable: @unchecked Sendable {
    let table: pv_host_t

    static func copy(_ raw: UnsafeRawPointer) -> HostTable? {
        let ends = [fieldEnd(\pv_host_t.struct_size), fieldEnd(\pv_host_t.log), fieldEnd(\pv_host_t.secret),
                    fieldEnd(\pv_host_t.clock_ms), fieldEnd(\pv_host_t.random), fieldEnd(\pv_host_t.sha256),
                    fieldEnd(\pv_host_t.hmac_sha256)]
        guard let (table, _) = copyTable(raw, zero: pv_host_t(), fieldEnds: ends) else { return nil }
        return HostTable(table: table)
    }

    func offers(_ services: HostServices) -> Bool {
        if services.contains(.log), table.log == nil { return false }
        if services.contains(.secret), table.secret == nil { return false }
        if services.contains(.clock), table.clock_ms == nil { return false }
        if services.contains(.random), table.random == nil { return false }
        if services.contains(.sha256), table.sha256 == nil { return false }
        if services.contains(.hmacSHA256), table.hmac_sha256 == nil { return false }
        return true
    }
}

/// Bytes of a borrowed slice, or nil when it is inconsistent.
private func borrowedBytes(_ bytes: pv_bytes_t) -> [UInt8]? {
    guard bytes.len >= 0 else { return nil }
    if bytes.len == 0 { return [] }
    guard let ptr = bytes.ptr else { return nil }
    return Array(UnsafeBufferPointer(start: ptr, count: bytes.len))
}

/// Run `body` with `bytes` lent as a pv_bytes_t.
private func withSlice<R>(_ bytes: [UInt8], _ body: (pv_bytes_t) -> R) -> R {
    bytes.withUnsafeBufferPointer { body(pv_bytes_t(ptr: $0.baseAddress, len: $0.count)) }
}

// MARK: - Host services

/// The host behind ``ConnectorHost``: the copied table and the instance ctx.
final class CHost: HostServicing, @unchecked Sendable {
    let table: pv_host_t
    let ctx: OpaquePointer?
    /// The ABI version spoken with this host: the lower of its table's and the kit's.
    var abiVersion: UInt32 { min(table.abi_version, PV_ABI_VERSION) }

    init(table: pv_host_t, ctx: OpaquePointer?) {
        self.table = table
        self.ctx = ctx
    }

    func log(_ level: UInt32, _ message: String) {
        guard let log = table.log else { return }
        withSlice(Array(message.utf8)) { log(ctx, level, $0) }
    }

    func clockMilliseconds() throws(ConnectorError) -> Int64 {
        guard let clock = table.clock_ms else { throw ConnectorError(.host, "the host offers no clock") }
        return clock(ctx)
    }

    func random(_ count: Int) throws(ConnectorError) -> [UInt8] {
        guard count >= 0 else { throw ConnectorError(.internal, "negative random byte count") }
        guard let random = table.random else { throw ConnectorError(.host, "the host offers no randomness") }
        var out = [UInt8](repeating: 0, count: count)
        let status = out.withUnsafeMutableBufferPointer { buf -> pv_status_t in
            guard let base = buf.baseAddress else { return PV_OK }
            return random(ctx, base, buf.count)
        }
        guard status == PV_OK else { throw ConnectorError(.host, "the host's random service failed") }
        return out
    }

    func sha256(_ data: [UInt8]) throws(ConnectorError) -> [UInt8] {
        guard let sha = table.sha256 else { throw ConnectorError(.host, "the host offers no sha256") }
        var out = [UInt8](repeating: 0, count: 32)
        let status = withSlice(data) { slice in
            out.withUnsafeMutableBufferPointer { sha(slice, $0.baseAddress) }
        }
        guard status == PV_OK else { throw ConnectorError(.host, "the host's sha256 service failed") }
        return out
    }

    func hmacSHA256(key: [UInt8], data: [UInt8]) throws(ConnectorError) -> [UInt8] {
        guard let hmac = table.hmac_sha256 else { throw ConnectorError(.host, "the host offers no hmac_sha256") }
        var out = [UInt8](repeating: 0, count: 32)
        let status = withSlice(key) { k in
            withSlice(data) { d in out.withUnsafeMutableBufferPointer { hmac(k, d, $0.baseAddress) } }
        }
        guard status == PV_OK else { throw ConnectorError(.host, "the host's hmac_sha256 service failed") }
        return out
    }
}

/// The tenant link behind ``ExchangeContext``; usable only during a call.
final class CExchangeLink: SecretSource, @unchecked Sendable {
    let host: CHost
    let hostExchange: OpaquePointer?
    private let lock = NSLock()
    private var live = false

    init(host: CHost, hostExchange: OpaquePointer?) {
        self.host = host
        self.hostExchange = hostExchange
    }

    func during<R>(_ body: () -> R) -> R {
        lock.withLock { live = true }
        defer { lock.withLock { live = false } }
        return body()
    }

    func secret(named name: String) throws(ConnectorError) -> [UInt8] {
        guard lock.withLock({ live }) else {
            throw ConnectorError(.state, "secrets can only be read during a call on the exchange")
        }
        guard let secret = host.table.secret else { throw ConnectorError(.host, "the host offers no secrets") }
        var out = pv_bytes_t(ptr: nil, len: 0)
        let status = withSlice(Array(name.utf8)) { secret(host.ctx, hostExchange, $0, &out) }
        guard status == PV_OK, let value = borrowedBytes(out) else {
            throw ConnectorError(.host, "secret \(name) is not available")
        }
        return value
    }
}

// MARK: - Outputs

/// Plugin-owned output memory of one exchange (or of create), valid until
/// reset; zeroed when released because it may hold personal data or secrets.
final class OutputArena {
    private var blocks: [UnsafeMutableRawBufferPointer] = []

    deinit { reset() }

    func reset() {
        for block in blocks {
            block.initializeMemory(as: UInt8.self, repeating: 0)
            block.deallocate()
        }
        blocks.removeAll()
    }

    func bytes(_ value: [UInt8]) -> pv_bytes_t {
        guard !value.isEmpty else { return pv_bytes_t(ptr: nil, len: 0) }
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: value.count, alignment: 1)
        value.withUnsafeBytes { block.copyMemory(from: $0) }
        blocks.append(block)
        return pv_bytes_t(ptr: block.baseAddress?.assumingMemoryBound(to: UInt8.self), len: value.count)
    }

    func bytes(_ text: String) -> pv_bytes_t { bytes(Array(text.utf8)) }

    func array<T>(_ values: [T]) -> UnsafePointer<T>? {
        guard !values.isEmpty else { return nil }
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: MemoryLayout<T>.stride * values.count,
                                                          alignment: MemoryLayout<T>.alignment)
        blocks.append(block)
        let typed = block.bindMemory(to: T.self)
        _ = typed.initialize(from: values)
        return UnsafePointer(typed.baseAddress)
    }
}

/// Writes the fields of a host-allocated pv_step_t that its struct_size covers.
struct StepWriter {
    let raw: UnsafeMutableRawPointer
    let size: Int

    init?(_ step: UnsafeMutablePointer<pv_step_t>?) {
        guard let step else { return nil }
        raw = UnsafeMutableRawPointer(step)
        size = Int(raw.load(fromByteOffset: 4, as: UInt32.self))
    }

    func covers<F>(_ keyPath: KeyPath<pv_step_t, F>) -> Bool { fieldEnd(keyPath) <= size }

    @discardableResult
    func set<F>(_ keyPath: KeyPath<pv_step_t, F>, _ value: F) -> Bool {
        guard let offset = MemoryLayout<pv_step_t>.offset(of: keyPath), covers(keyPath) else { return false }
        raw.storeBytes(of: value, toByteOffset: offset, as: F.self)
        return true
    }
}

// MARK: - Handles

final class InstanceBox {
    let driver: any InstanceDriving
    let host: CHost

    init(driver: any InstanceDriving, host: CHost) {
        self.driver = driver
        self.host = host
    }
}

final class ExchangeBox {
    enum State { case active, finished }

    let instance: InstanceBox
    let link: CExchangeLink
    let allowedClaims: [String]
    var driver: (any ExchangeDriving)?
    var state = State.active
    let arena = OutputArena()

    init(instance: InstanceBox, hostExchange: OpaquePointer?, allowedClaims: [String]) {
        self.instance = instance
        self.link = CExchangeLink(host: instance.host, hostExchange: hostExchange)
        self.allowedClaims = allowedClaims
    }

    /// Write `outcome` into the step (outputs in the arena) and return the status.
    func finish(_ outcome: Result<ConnectorStep, ConnectorError>, into writer: StepWriter) -> pv_status_t {
        let step: ConnectorStep
        switch outcome {
        case .failure(let error):
            return fail(error, writer)
        case .success(let s):
            step = s
        }
        do throws(ConnectorError) {
            try validate(step, allowedClaims: allowedClaims)
        } catch {
            return fail(error, writer)
        }
        switch step {
        case .request(let request):
            let headers = request.headers.map { pv_header_t(name: arena.bytes($0.name), value: arena.bytes($0.value)) }
            let req = pv_request_t(abi_version: PV_ABI_VERSION, struct_size: UInt32(MemoryLayout<pv_request_t>.size),
                                   method: arena.bytes(request.method), path: arena.bytes(request.path),
                                   headers: arena.array(headers), header_count: headers.count,
                                   body: arena.bytes(request.body),
                                   flags: request.isIdempotent ? PV_REQUEST_IDEMPOTENT : 0,
                                   timeout_ms: request.timeoutMilliseconds)
            guard writer.covers(\.request), let stored = arena.array([req]) else {
                return fail(ConnectorError(.host, "host step table too small"), writer)
            }
            writer.set(\.kind, PV_STEP_REQUEST)
            writer.set(\.request, stored)
        case .result(let claims):
            let json = ConnectorJSON.object(claims.mapValues(\.json))
            guard writer.covers(\.result) else { return fail(ConnectorError(.host, "host step table too small"), writer) }
            state = .finished
            writer.set(\.kind, PV_STEP_RESULT)
            writer.set(\.result, arena.bytes(json.serializedBytes))
        case .psi(let query):
            guard instance.host.abiVersion >= 2, writer.covers(\.psi) else {
                return fail(ConnectorError(.unsupported, "the host speaks ABI \(instance.host.abiVersion), which has no PSI steps (ABI 2)"),
                            writer)
            }
            let elements = query.elements.map { arena.bytes($0) }
            let psi = pv_psi_request_t(abi_version: PV_ABI_VERSION, struct_size: UInt32(MemoryLayout<pv_psi_request_t>.size),
                                       path: arena.bytes(query.path), elements: arena.array(elements),
                                       element_count: elements.count,
                                       mode: query.mode == .intersection ? PV_PSI_INTERSECTION : PV_PSI_CARDINALITY,
                                       reserved: 0)
            guard let stored = arena.array([psi]) else { return fail(ConnectorError(.noMemory, "cannot store the PSI step"), writer) }
            writer.set(\.kind, PV_STEP_PSI)
            writer.set(\.psi, stored)
        }
        return PV_OK
    }

    func fail(_ error: ConnectorError, _ writer: StepWriter) -> pv_status_t {
        state = .finished
        writer.set(\.message, arena.bytes(error.message))
        return error.code.status
    }
}

// MARK: - Registry and vtable

/// The connector type this library exports, its vtable and its description,
/// set once by the entry call.
final class Registry: @unchecked Sendable {
    static let shared = Registry()

    private let lock = NSLock()
    private var connector: (any Connector.Type)?
    private var descriptionJSON: pv_bytes_t = pv_bytes_t(ptr: nil, len: 0)
    /// One vtable per ABI version asked for, so that each host gets the version it negotiated.
    private var tables: [UInt32: UnsafeMutablePointer<pv_plugin_t>] = [:]
    private let descriptionArena = OutputArena()
    /// Messages of failed creates, valid until the next create/destroy.
    let createArena = OutputArena()

    /// Register `type` for a host of `hostVersion`; the vtable speaks
    /// `min(hostVersion, PV_ABI_VERSION)`.
    func register<C: Connector>(_ type: C.Type, hostVersion: UInt32) -> UnsafePointer<pv_plugin_t>? {
        lock.withLock {
            if let existing = connector, existing != type { return nil }
            let version = min(hostVersion, PV_ABI_VERSION)
            if let table = tables[version] { return UnsafePointer(table) }
            let table = UnsafeMutablePointer<pv_plugin_t>.allocate(capacity: 1)
            table.initialize(to: pv_plugin_t(
                abi_version: version, struct_size: UInt32(MemoryLayout<pv_plugin_t>.size),
                describe: bridgeDescribe, create: bridgeCreate, destroy: bridgeDestroy,
                exchange_begin: bridgeBegin, exchange_step: bridgeStep, exchange_end: bridgeEnd,
                health_begin: C.description.hasHealthProbe ? bridgeHealth : nil))
            if connector == nil { descriptionJSON = descriptionArena.bytes(C.description.json.serializedBytes) }
            connector = type
            tables[version] = table
            return UnsafePointer(table)
        }
    }

    var registered: (any Connector.Type)? { lock.withLock { connector } }
    var description: pv_bytes_t { lock.withLock { descriptionJSON } }
}

private func makeDriver<C: Connector>(_ type: C.Type, settings: [String: ConnectorJSON],
                                      host: ConnectorHost) throws(ConnectorError) -> any InstanceDriving {
    try InstanceDriver<C>(settings: settings, host: host)
}

private let bridgeDescribe: pv_describe_fn = { out in
    guard let out, Registry.shared.registered != nil else { return PV_ERR_INTERNAL }
    out.pointee = Registry.shared.description
    return PV_OK
}

private let bridgeCreate: pv_create_fn = { hostPointer, ctx, settingsJSON, outInstance, outMessage in
    let arena = Registry.shared.createArena
    arena.reset()
    func refuse(_ error: ConnectorError) -> pv_status_t {
        outMessage?.pointee = arena.bytes(error.message)
        return error.code.status
    }
    guard let outInstance else { return refuse(ConnectorError(.invalidInput, "out_instance is NULL")) }
    outInstance.pointee = nil
    guard let type = Registry.shared.registered else {
        return refuse(ConnectorError(.internal, "create called before the entry symbol"))
    }
    guard let hostPointer, let table = HostTable.copy(UnsafeRawPointer(hostPointer)) else {
        return refuse(ConnectorError(.invalidInput, "host table is NULL or too small"))
    }
    guard table.offers(type.description.requiredHostServices) else {
        return refuse(ConnectorError(.host, "the host lacks a service this connector needs"))
    }
    guard let settingsBytes = borrowedBytes(settingsJSON) else {
        return refuse(ConnectorError(.invalidInput, "settings slice is NULL with a length"))
    }
    var settings: [String: ConnectorJSON] = [:]
    if !settingsBytes.isEmpty {
        guard let parsed = try? ConnectorJSONParser().parse(bytes: settingsBytes), let object = parsed.objectValue else {
            return refuse(ConnectorError(.invalidInput, "settings must be a JSON object"))
        }
        settings = object
    }
    let host = CHost(table: table.table, ctx: ctx)
    do throws(ConnectorError) {
        let driver = try makeDriver(type, settings: settings, host: ConnectorHost(services: host))
        let box = InstanceBox(driver: driver, host: host)
        outInstance.pointee = OpaquePointer(Unmanaged.passRetained(box).toOpaque())
        return PV_OK
    } catch {
        return refuse(error)
    }
}

private let bridgeDestroy: pv_destroy_fn = { instance in
    Registry.shared.createArena.reset()
    guard let instance else { return }
    Unmanaged<InstanceBox>.fromOpaque(UnsafeRawPointer(instance)).release()
}

/// Shared by exchange_begin and health_begin.
private func begin(_ instance: OpaquePointer?, _ hostExchange: OpaquePointer?,
                   _ outExchange: UnsafeMutablePointer<OpaquePointer?>?, _ outStep: UnsafeMutablePointer<pv_step_t>?,
                   allowedClaims: ([String]) -> [String],
                   makeDriver: (InstanceBox, ExchangeContext) throws(ConnectorError) -> any ExchangeDriving) -> pv_status_t {
    outExchange?.pointee = nil
    guard let writer = StepWriter(outStep), writer.covers(\.kind) else { return PV_ERR_HOST }
    guard let instance, let outExchange else {
        let message: StaticString = "exchange_begin called with NULL arguments"
        writer.set(\.message, pv_bytes_t(ptr: message.utf8Start, len: message.utf8CodeUnitCount))
        return PV_ERR_INVALID_INPUT
    }
    let instanceBox = Unmanaged<InstanceBox>.fromOpaque(UnsafeRawPointer(instance)).takeUnretainedValue()
    let box = ExchangeBox(instance: instanceBox, hostExchange: hostExchange,
                          allowedClaims: allowedClaims(instanceBox.driver.offeredClaims))
    outExchange.pointee = OpaquePointer(Unmanaged.passRetained(box).toOpaque())
    let context = ExchangeContext(host: ConnectorHost(services: instanceBox.host), secrets: box.link)
    let outcome = box.link.during { () -> Result<ConnectorStep, ConnectorError> in
        do throws(ConnectorError) {
            let driver = try makeDriver(instanceBox, context)
            box.driver = driver
            return .success(try driver.start())
        } catch {
            return .failure(error)
        }
    }
    return box.finish(outcome, into: writer)
}

private let bridgeBegin: pv_exchange_begin_fn = { instance, hostExchange, queryJSON, outExchange, outStep in
    var query: Result<ConnectorQuery, ConnectorError> = .failure(ConnectorError(.invalidInput, "query slice is NULL"))
    return begin(instance, hostExchange, outExchange, outStep,
                 allowedClaims: { offered in
                     if let bytes = borrowedBytes(queryJSON) {
                         do throws(ConnectorError) {
                             query = .success(try ConnectorQuery.parse(bytes, offered: offered))
                         } catch {
                             query = .failure(error)
                         }
                     }
                     return (try? query.get().claims) ?? []
                 },
                 makeDriver: { (box: InstanceBox, context: ExchangeContext) throws(ConnectorError) -> any ExchangeDriving in
                     try box.driver.begin(query: try query.get(), context: context)
                 })
}

private let bridgeHealth: pv_health_begin_fn = { instance, hostExchange, outExchange, outStep in
    begin(instance, hostExchange, outExchange, outStep, allowedClaims: { _ in ["healthy"] },
          makeDriver: { (box: InstanceBox, context: ExchangeContext) throws(ConnectorError) -> any ExchangeDriving in
              try box.driver.healthProbe(context: context)
          })
}

/// The response as Swift values, reading only what struct_size covers.
private func readResponse(_ pointer: UnsafePointer<pv_response_t>?) throws(ConnectorError) -> HTTPResponse {
    guard let pointer else { throw ConnectorError(.internal, "step called without a response") }
    let ends = [fieldEnd(\pv_response_t.struct_size), fieldEnd(\pv_response_t.status),
                fieldEnd(\pv_response_t.reserved), fieldEnd(\pv_response_t.headers),
                fieldEnd(\pv_response_t.header_count), fieldEnd(\pv_response_t.body)]
    guard let (response, size) = copyTable(UnsafeRawPointer(pointer), zero: pv_response_t(), fieldEnds: ends),
          size >= fieldEnd(\pv_response_t.body) else {
        throw ConnectorError(.internal, "response table is too small")
    }
    guard (100...599).contains(response.status) else {
        throw ConnectorError(.badResponse, "response status \(response.status) is outside 100...599")
    }
    var headers: [HTTPHeader] = []
    if response.header_count > 0 {
        guard response.header_count <= 10_000, let base = response.headers else {
            throw ConnectorError(.internal, "response headers are NULL or absurdly many")
        }
        for header in UnsafeBufferPointer(start: base, count: response.header_count) {
            guard let name = borrowedBytes(header.name), let value = borrowedBytes(header.value) else {
                throw ConnectorError(.internal, "response header slice is NULL with a length")
            }
            headers.append(HTTPHeader(String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        }
    }
    guard let body = borrowedBytes(response.body) else {
        throw ConnectorError(.internal, "response body is NULL with a length")
    }
    return HTTPResponse(status: Int(response.status), headers: headers, body: body)
}

private let bridgeStep: pv_exchange_step_fn = { exchange, responsePointer, outStep in
    guard let writer = StepWriter(outStep), writer.covers(\.kind) else { return PV_ERR_HOST }
    guard let exchange else {
        let message: StaticString = "exchange_step called with a NULL exchange"
        writer.set(\.message, pv_bytes_t(ptr: message.utf8Start, len: message.utf8CodeUnitCount))
        return PV_ERR_STATE
    }
    let box = Unmanaged<ExchangeBox>.fromOpaque(UnsafeRawPointer(exchange)).takeUnretainedValue()
    box.arena.reset()
    guard box.state == .active, let driver = box.driver else {
        return box.fail(ConnectorError(.state, "exchange is finished"), writer)
    }
    let outcome = box.link.during { () -> Result<ConnectorStep, ConnectorError> in
        do throws(ConnectorError) {
            return .success(try driver.receive(try readResponse(responsePointer)))
        } catch {
            return .failure(error)
        }
    }
    return box.finish(outcome, into: writer)
}

private let bridgeEnd: pv_exchange_end_fn = { exchange in
    guard let exchange else { return }
    Unmanaged<ExchangeBox>.fromOpaque(UnsafeRawPointer(exchange)).release()
}
