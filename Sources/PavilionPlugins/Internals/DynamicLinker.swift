internal import CDL

/// Thin internal wrappers over `dlfcn.h`. The raw handle and symbol
/// addresses never leave this module; callers hold them in ``LibraryHandle``
/// and ``LibrarySymbol``.
enum DynamicLinker {
    /// `dlopen(path, RTLD_NOW | RTLD_LOCAL)`.
    /// - Returns: the handle, or the `dlerror()` text.
    static func open(path: String) -> Result<LibraryHandle, DynamicLinkerError> {
        _ = dlerror()  // clear any stale error of this thread
        guard let raw = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            return .failure(DynamicLinkerError(call: "dlopen", message: lastError()))
        }
        return .success(LibraryHandle(raw: raw))
    }

    /// `dlsym(handle, name)`.
    /// - Returns: the symbol address, or the `dlerror()` text.
    static func symbol(_ name: String, in handle: LibraryHandle) -> Result<LibrarySymbol, DynamicLinkerError> {
        _ = dlerror()
        guard let address = dlsym(handle.raw, name) else {
            return .failure(DynamicLinkerError(call: "dlsym", message: lastError()))
        }
        return .success(LibrarySymbol(address: address))
    }

    /// `dlclose(handle)`. Failure is reported but there is nothing to undo.
    @discardableResult
    static func close(_ handle: LibraryHandle) -> DynamicLinkerError? {
        _ = dlerror()
        guard dlclose(handle.raw) == 0 else {
            return DynamicLinkerError(call: "dlclose", message: lastError())
        }
        return nil
    }

    private static func lastError() -> String {
        guard let text = dlerror() else { return "unknown dynamic-linker error" }
        return String(cString: text)
    }
}

/// A `dlopen` handle. Plain value; ``LoadedLibrary`` owns its lifetime.
struct LibraryHandle: @unchecked Sendable {
    // Sendable: the handle is an immutable token the dynamic linker accepts
    // from any thread.
    let raw: UnsafeMutableRawPointer
}

/// The address of a symbol in a loaded library.
struct LibrarySymbol: @unchecked Sendable {
    // Sendable: an immutable code address, valid while the library is loaded.
    let address: UnsafeMutableRawPointer
}

/// A failed dynamic-linker call with its `dlerror()` text.
struct DynamicLinkerError: Error, Sendable {
    var call: String
    var message: String
}
