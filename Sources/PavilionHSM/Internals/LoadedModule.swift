import Foundation
import PavilionDynamicLinking
internal import CPKCS11

/// One PKCS #11 library loaded into the process: its `dlopen` handle and
/// function list, initialised once.
///
/// Cryptoki state is per process and module, so every ``PKCS11Module`` that
/// names the same file shares one `LoadedModule` through ``ModuleRegistry``,
/// which counts references: the first opener calls `C_Initialize`, the last
/// closer `C_Finalize` and `dlclose`.
final class LoadedModule: Sendable {
    /// The resolved path that was `dlopen`ed.
    let path: String
    /// The module's function list.
    let cryptoki: Cryptoki
    private let library: SharedLibrary
    /// Whether our `C_Initialize` succeeded (and so `C_Finalize` is ours to call).
    private let initializedHere: Bool

    private init(path: String, cryptoki: Cryptoki, library: SharedLibrary, initializedHere: Bool) {
        self.path = path
        self.cryptoki = cryptoki
        self.library = library
        self.initializedHere = initializedHere
    }

    /// `dlopen` the file, find `C_GetFunctionList`, and `C_Initialize`.
    static func load(path: String) throws(PKCS11Error) -> LoadedModule {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw PKCS11Error(.moduleNotFound, reason: "no PKCS #11 module at \(path)")
        }
        let library: SharedLibrary
        do {
            library = try SharedLibrary(path: path)
        } catch {
            throw PKCS11Error(.moduleLoadFailed, call: error.call, reason: "cannot load \(path): \(error.message)")
        }
        // From here on `library` is closed when it goes out of scope on a refusal.
        let cryptoki: Cryptoki
        switch Cryptoki.functionList(in: library) {
        case .success(let c): cryptoki = c
        case .failure(let e):
            throw PKCS11Error(.notAPKCS11Module, call: e.call, returnValue: e.returnValue,
                              reason: "\(path) is not a PKCS #11 module: \(e.reason)")
        }
        let rv = cryptoki.initialize()
        let initializedHere: Bool
        if rv.isOK {
            initializedHere = true
        } else if rv.rawValue == UInt(CKR_CRYPTOKI_ALREADY_INITIALIZED) {
            // Someone else in the process (outside the registry) initialised it;
            // they own C_Finalize.
            initializedHere = false
        } else {
            throw .call("C_Initialize", rv, path)
        }
        return LoadedModule(path: path, cryptoki: cryptoki, library: library, initializedHere: initializedHere)
    }

    /// `C_Finalize` (if ours); the library is closed (`dlclose`) when the
    /// registry drops this object. Called once, by the registry, under its lock.
    fileprivate func unload() {
        if initializedHere { _ = cryptoki.finalize() }
    }
}

/// The process's loaded modules, by resolved path, with reference counts.
final class ModuleRegistry: @unchecked Sendable {
    // @unchecked: `entries` is read and written only under `lock`.
    private let lock = NSLock()
    private var entries: [String: (module: LoadedModule, references: Int)] = [:]

    /// The one registry of the process.
    static let shared = ModuleRegistry()

    /// The module at `path`, loaded and initialised on first use.
    func acquire(path: String) throws(PKCS11Error) -> LoadedModule {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        lock.lock()
        defer { lock.unlock() }
        if let entry = entries[resolved] {
            entries[resolved] = (entry.module, entry.references + 1)
            return entry.module
        }
        let module = try LoadedModule.load(path: resolved)
        entries[resolved] = (module, 1)
        return module
    }

    /// Give back one reference; the last one finalises and unloads.
    func release(_ module: LoadedModule) {
        lock.lock()
        defer { lock.unlock() }
        guard let entry = entries[module.path] else { return }
        if entry.references > 1 {
            entries[module.path] = (entry.module, entry.references - 1)
        } else {
            entries[module.path] = nil
            entry.module.unload()
        }
    }
}
