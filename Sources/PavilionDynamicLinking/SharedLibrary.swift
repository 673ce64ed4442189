internal import CDL

/// A shared library loaded with `dlopen(path, RTLD_NOW | RTLD_LOCAL)` and
/// closed with `dlclose` when the last reference goes away: the one wrapper
/// of libdl in Pavilion (connector plugins and PKCS #11 modules both load
/// through it).
///
/// Symbols come back as typed C function values, never as raw addresses:
/// a caller names the `@convention(c)` type it expects. Keep the library
/// alive for as long as any function taken from it may be called.
public final class SharedLibrary: @unchecked Sendable {
    // @unchecked: `handle` is immutable; the dynamic linker accepts it from any thread.
    private let handle: UnsafeMutableRawPointer

    /// The path that was opened.
    public let path: String

    /// `dlopen(path, RTLD_NOW | RTLD_LOCAL)`.
    /// - Parameter path: the library file.
    /// - Throws: ``DynamicLinkingError`` with `dlerror()`'s text.
    public init(path: String) throws(DynamicLinkingError) {
        _ = dlerror()  // clear any stale error of this thread
        guard let raw = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw DynamicLinkingError(call: "dlopen", message: Self.lastError())
        }
        handle = raw
        self.path = path
    }

    deinit {
        _ = dlclose(handle)
    }

    /// The function `name` (`dlsym`), as the C function type `type`.
    /// - Parameters:
    ///   - name: the exported symbol.
    ///   - type: the `@convention(c)` function type the symbol has; the
    ///     caller vouches for it (the C header says what it is).
    /// - Returns: the function, valid while this library is loaded.
    /// - Throws: ``DynamicLinkingError`` when the symbol is absent.
    public func function<Function>(_ name: String, as type: Function.Type) throws(DynamicLinkingError) -> Function {
        precondition(MemoryLayout<Function>.size == MemoryLayout<UnsafeRawPointer>.size,
                     "SharedLibrary.function needs a @convention(c) function type")
        _ = dlerror()
        guard let address = dlsym(handle, name) else {
            throw DynamicLinkingError(call: "dlsym", message: Self.lastError())
        }
        return unsafeBitCast(address, to: Function.self)
    }

    private static func lastError() -> String {
        guard let text = dlerror() else { return "unknown dynamic-linker error" }
        return String(cString: text)
    }
}

/// A failed dynamic-linker call with its `dlerror()` text.
public struct DynamicLinkingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `dlopen` or `dlsym`.
    public var call: String
    /// `dlerror()`'s text.
    public var message: String

    public var description: String { "\(call): \(message)" }
}
