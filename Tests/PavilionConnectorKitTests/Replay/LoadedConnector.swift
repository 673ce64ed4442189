import CPavilion
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import PavilionTestSupport

/// A real connector library opened with `dlopen`, driven through its C vtable.
struct LoadedConnector {
    struct LoadError: Error, CustomStringConvertible {
        let description: String
    }

    let path: String
    let entry: pv_entry_fn

    /// Open `lib<product>.so` from the build directory. Never closed: a
    /// library stays loaded for the test process.
    init(_ product: String) throws {
        path = TestEnvironment.connectorLibrary(product).path
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown"
            throw LoadError(description: "dlopen \(path) failed (run `swift build` first): \(reason)")
        }
        guard let symbol = dlsym(handle, PV_ENTRY_SYMBOL) else {
            throw LoadError(description: "\(path) has no \(PV_ENTRY_SYMBOL)")
        }
        entry = unsafeBitCast(symbol, to: pv_entry_fn.self)
    }

    /// Negotiate with `host`; nil when the library refuses.
    func plugin(abi: UInt32 = PV_ABI_VERSION, host: TestHost?) -> pv_plugin_t? {
        guard let table = entry(abi, host?.hostPointer) else { return nil }
        return table.pointee
    }
}

/// Step outputs copied out of plugin memory.
enum StepOutcome: Equatable {
    struct Request: Equatable {
        var method: String
        var path: String
        var headers: [(String, String)]
        var body: [UInt8]
        var flags: UInt32

        static func == (a: Request, b: Request) -> Bool {
            a.method == b.method && a.path == b.path && a.body == b.body && a.flags == b.flags
                && a.headers.map { "\($0.0):\($0.1)" } == b.headers.map { "\($0.0):\($0.1)" }
        }

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }
    }

    /// A PSI step (ABI 2), copied.
    struct PSI: Equatable {
        var path: String
        var elements: [[UInt8]]
        var mode: UInt32
    }

    case request(Request)
    case psi(PSI)
    case result([UInt8])
    case error(pv_status_t, String)
}

func bytes(_ slice: pv_bytes_t) -> [UInt8] {
    guard let ptr = slice.ptr, slice.len > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: ptr, count: slice.len))
}

/// Read a step the plugin filled.
func outcome(_ status: pv_status_t, _ step: pv_step_t) -> StepOutcome {
    guard status == PV_OK else { return .error(status, String(decoding: bytes(step.message), as: UTF8.self)) }
    switch step.kind {
    case PV_STEP_RESULT:
        return .result(bytes(step.result))
    case PV_STEP_REQUEST:
        guard let r = step.request?.pointee else { return .error(PV_ERR_INTERNAL, "REQUEST without request") }
        var headers: [(String, String)] = []
        if let h = r.headers {
            for header in UnsafeBufferPointer(start: h, count: r.header_count) {
                headers.append((String(decoding: bytes(header.name), as: UTF8.self),
                                String(decoding: bytes(header.value), as: UTF8.self)))
            }
        }
        return .request(.init(method: String(decoding: bytes(r.method), as: UTF8.self),
                              path: String(decoding: bytes(r.path), as: UTF8.self),
                              headers: headers, body: bytes(r.body), flags: r.flags))
    case PV_STEP_PSI:
        guard let p = step.psi?.pointee, p.struct_size >= MemoryLayout<pv_psi_request_t>.size else {
            return .error(PV_ERR_INTERNAL, "PSI without a psi request")
        }
        let elements = p.elements.map { Array(UnsafeBufferPointer(start: $0, count: p.element_count)).map(bytes) } ?? []
        return .psi(.init(path: String(decoding: bytes(p.path), as: UTF8.self), elements: elements, mode: p.mode))
    default:
        return .error(PV_ERR_INTERNAL, "unknown step kind \(step.kind)")
    }
}

func freshStep() -> pv_step_t {
    var step = pv_step_t()
    step.abi_version = PV_ABI_VERSION
    step.struct_size = UInt32(MemoryLayout<pv_step_t>.size)
    return step
}

/// An instance of a loaded connector with helpers to begin and step exchanges.
final class ConnectorSession {
    let plugin: pv_plugin_t
    let host: TestHost
    let instance: OpaquePointer
    /// Any non-NULL value: the test host ignores the tenant handle.
    let hostExchange = OpaquePointer(bitPattern: 0x7e57)

    init(_ library: LoadedConnector, host: TestHost, settings: String = "{}") throws {
        guard let plugin = library.plugin(host: host) else {
            throw LoadedConnector.LoadError(description: "\(library.path) refused the host")
        }
        self.plugin = plugin
        self.host = host
        var out: OpaquePointer?
        var message = pv_bytes_t()
        let settingsBytes = Array(settings.utf8)
        let status = settingsBytes.withUnsafeBufferPointer {
            plugin.create!(host.hostPointer, host.ctx, pv_bytes_t(ptr: $0.baseAddress, len: $0.count), &out, &message)
        }
        guard status == PV_OK, let out else {
            throw LoadedConnector.LoadError(description: "create failed \(status): \(String(decoding: bytes(message), as: UTF8.self))")
        }
        instance = out
    }

    deinit { plugin.destroy!(instance) }

    /// Begin with raw query bytes; returns the exchange (possibly non-NULL on error) and the outcome.
    func begin(_ query: [UInt8]?) -> (OpaquePointer?, StepOutcome) {
        var exchange: OpaquePointer?
        var step = freshStep()
        let status: pv_status_t
        if let query {
            status = query.withUnsafeBufferPointer {
                plugin.exchange_begin!(instance, hostExchange, pv_bytes_t(ptr: $0.baseAddress, len: $0.count), &exchange, &step)
            }
        } else {
            status = plugin.exchange_begin!(instance, hostExchange, pv_bytes_t(ptr: nil, len: 5), &exchange, &step)
        }
        return (exchange, outcome(status, step))
    }

    /// Step with a response built from Swift values.
    func step(_ exchange: OpaquePointer?, status: UInt32, headers: [(String, String)] = [], body: [UInt8]) -> StepOutcome {
        let scratch = Scratch()
        let headerValues = headers.map { pv_header_t(name: scratch.bytes(Array($0.0.utf8)), value: scratch.bytes(Array($0.1.utf8))) }
        var response = pv_response_t()
        response.abi_version = PV_ABI_VERSION
        response.struct_size = UInt32(MemoryLayout<pv_response_t>.size)
        response.status = status
        response.headers = scratch.array(headerValues)
        response.header_count = headerValues.count
        response.body = scratch.bytes(body)
        var step = freshStep()
        let result = plugin.exchange_step!(exchange, &response, &step)
        return outcome(result, step)
    }

    func end(_ exchange: OpaquePointer?) { plugin.exchange_end!(exchange) }
}

/// Host-side memory for one call.
final class Scratch {
    private var blocks: [UnsafeMutableRawBufferPointer] = []
    deinit { for b in blocks { b.deallocate() } }

    func bytes(_ value: [UInt8]) -> pv_bytes_t {
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: max(value.count, 1), alignment: 1)
        value.withUnsafeBytes { block.copyMemory(from: $0) }
        blocks.append(block)
        return pv_bytes_t(ptr: block.baseAddress?.assumingMemoryBound(to: UInt8.self), len: value.count)
    }

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
