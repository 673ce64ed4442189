internal import CDL

/// Thin internal wrappers over `dlfcn.h`. The raw handle and symbol address
/// never leave this module; ``LoadedModule`` owns the handle's lifetime.
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
    static func symbol(_ name: String, in handle: LibraryHandle) -> Result<UnsafeMutableRawPointer, DynamicLinkerError> {
        _ = dlerror()
        guard let address = dlsym(handle.raw, name) else {
            return .failure(DynamicLinkerError(call: "dlsym", message: lastError()))
        }
        return .success(address)
    }

    /// `dlclose(handle)`. Nothing can be undone if it fails, so the failure is dropped.
    static func close(_ handle: LibraryHandle) {
        _ = dlclose(handle.raw)
    }

    private static func lastError() -> String {
        guard let text = dlerror() else { return "unknown dynamic-linker error" }
        return String(cString: text)
    }
}

/// A `dlopen` handle. ``LoadedModule`` owns its lifetime.
struct LibraryHandle: @unchecked Sendable {
    // Sendable: an immutable token the dynamic linker accepts from any thread.
    let raw: UnsafeMutableRawPointer
}

/// A failed dynamic-linker call with its `dlerror()` text.
struct DynamicLinkerError: Error, Sendable {
    var call: String
    var message: String
}
