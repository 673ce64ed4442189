import PavilionDynamicLinking
internal import CPKCS11
import PavilionCrypto

/// Thin internal wrappers over the Cryptoki calls PavilionHSM makes, through
/// a module's `CK_FUNCTION_LIST`. Pointers stay inside this file: callers
/// pass and get Swift values, handles as `UInt`, and each call's `CK_RV` as a
/// ``PKCS11ReturnValue``.
///
/// Thread line: the module is initialised with `CKF_OS_LOCKING_OK`, so these
/// may be called from any thread, but never concurrently on one session
/// (``SessionPool`` guarantees that).
final class Cryptoki: @unchecked Sendable {
    // @unchecked: `list` points into the loaded module, is set once in `init`
    // and only read; the module stays loaded while this object lives
    // (``LoadedModule`` owns both).
    private let list: UnsafeMutablePointer<CK_FUNCTION_LIST>

    private init(list: UnsafeMutablePointer<CK_FUNCTION_LIST>) { self.list = list }

    /// Call the `C_GetFunctionList` found at `symbol`.
    /// - Returns: the function list, or the return value when the call failed
    ///   or gave no list.
    static func functionList(in library: SharedLibrary) -> Result<Cryptoki, PKCS11Error> {
        let getFunctionList: CK_C_GetFunctionList
        do {
            getFunctionList = try library.function("C_GetFunctionList", as: CK_C_GetFunctionList.self)
        } catch {
            return .failure(PKCS11Error(.notAPKCS11Module, call: error.call,
                                        reason: "it exports no C_GetFunctionList (\(error.message))"))
        }
        var list: UnsafeMutablePointer<CK_FUNCTION_LIST>?
        let rv = PKCS11ReturnValue(rawValue: getFunctionList(&list))
        guard rv.isOK else { return .failure(.call("C_GetFunctionList", rv)) }
        guard let list else {
            return .failure(PKCS11Error(.notAPKCS11Module, call: "C_GetFunctionList", returnValue: rv,
                                        reason: "C_GetFunctionList returned CKR_OK but no function list"))
        }
        // A v2 or v3 list: its version must say Cryptoki 2.x or 3.x, and the
        // slots Pavilion calls must be filled.
        let major = list.pointee.version.major
        guard major == 2 || major == 3, list.pointee.C_Initialize != nil, list.pointee.C_Sign != nil else {
            return .failure(PKCS11Error(.notAPKCS11Module, call: "C_GetFunctionList",
                                        reason: "the function list is not Cryptoki 2.x/3.x (version \(major))"))
        }
        return .success(Cryptoki(list: list))
    }

    /// The Cryptoki version the function list declares, as `major.minor`.
    var version: String { "\(list.pointee.version.major).\(list.pointee.version.minor)" }

    private func missing(_ name: String) -> PKCS11ReturnValue {
        // A NULL slot in the list is the module saying it lacks the function.
        _ = name
        return PKCS11ReturnValue(rawValue: UInt(CKR_FUNCTION_NOT_SUPPORTED))
    }

    // MARK: - Library

    /// `C_Initialize` with `CKF_OS_LOCKING_OK` and no mutex callbacks: the
    /// module uses the operating system's locks and may be called from many threads.
    func initialize() -> PKCS11ReturnValue {
        guard let f = list.pointee.C_Initialize else { return missing("C_Initialize") }
        var args = CK_C_INITIALIZE_ARGS(CreateMutex: nil, DestroyMutex: nil, LockMutex: nil, UnlockMutex: nil,
                                        flags: CK_FLAGS(CKF_OS_LOCKING_OK), pReserved: nil)
        return PKCS11ReturnValue(rawValue: withUnsafeMutablePointer(to: &args) { f($0) })
    }

    /// `C_Finalize(NULL)`.
    func finalize() -> PKCS11ReturnValue {
        guard let f = list.pointee.C_Finalize else { return missing("C_Finalize") }
        return PKCS11ReturnValue(rawValue: f(nil))
    }

    /// `C_GetInfo`: manufacturer and library description, blank-padded fields trimmed.
    func info() -> Result<(manufacturer: String, description: String, cryptoki: String), PKCS11Error> {
        guard let f = list.pointee.C_GetInfo else { return .failure(.call("C_GetInfo", missing("C_GetInfo"))) }
        var info = CK_INFO()
        let rv = PKCS11ReturnValue(rawValue: f(&info))
        guard rv.isOK else { return .failure(.call("C_GetInfo", rv)) }
        return .success((Self.text(&info.manufacturerID), Self.text(&info.libraryDescription),
                         "\(info.cryptokiVersion.major).\(info.cryptokiVersion.minor)"))
    }

    // MARK: - Slots and tokens

    /// `C_GetSlotList(tokenPresent, …)`, asking for the count first.
    func slotList(tokenPresent: Bool) -> Result<[UInt], PKCS11Error> {
        guard let f = list.pointee.C_GetSlotList else { return .failure(.call("C_GetSlotList", missing(""))) }
        let present = CK_BBOOL(tokenPresent ? CK_TRUE : CK_FALSE)
        // The count may grow between the two calls; retry on CKR_BUFFER_TOO_SMALL.
        for _ in 0..<4 {
            var count: CK_ULONG = 0
            var rv = PKCS11ReturnValue(rawValue: f(present, nil, &count))
            guard rv.isOK else { return .failure(.call("C_GetSlotList", rv)) }
            var slots = [CK_SLOT_ID](repeating: 0, count: Int(count))
            rv = PKCS11ReturnValue(rawValue: slots.withUnsafeMutableBufferPointer { f(present, $0.baseAddress, &count) })
            if rv.rawValue == UInt(CKR_BUFFER_TOO_SMALL) { continue }
            guard rv.isOK else { return .failure(.call("C_GetSlotList", rv)) }
            return .success(Array(slots.prefix(Int(count))).map { UInt($0) })
        }
        return .failure(.call("C_GetSlotList", PKCS11ReturnValue(rawValue: UInt(CKR_BUFFER_TOO_SMALL))))
    }

    /// `C_GetTokenInfo(slot)`: the token's label, manufacturer, model and serial, trimmed.
    func tokenInfo(slot: UInt) -> Result<TokenInfo, PKCS11Error> {
        guard let f = list.pointee.C_GetTokenInfo else { return .failure(.call("C_GetTokenInfo", missing(""))) }
        var info = CK_TOKEN_INFO()
        let rv = PKCS11ReturnValue(rawValue: f(CK_SLOT_ID(slot), &info))
        guard rv.isOK else { return .failure(.call("C_GetTokenInfo", rv, "slot \(slot)")) }
        return .success(TokenInfo(label: Self.text(&info.label), manufacturer: Self.text(&info.manufacturerID),
                                  model: Self.text(&info.model), serialNumber: Self.text(&info.serialNumber),
                                  flags: UInt(info.flags)))
    }

    /// `C_GetMechanismList(slot)`, asking for the count first.
    func mechanisms(slot: UInt) -> Result<[UInt], PKCS11Error> {
        guard let f = list.pointee.C_GetMechanismList else { return .failure(.call("C_GetMechanismList", missing(""))) }
        var count: CK_ULONG = 0
        var rv = PKCS11ReturnValue(rawValue: f(CK_SLOT_ID(slot), nil, &count))
        guard rv.isOK else { return .failure(.call("C_GetMechanismList", rv)) }
        var types = [CK_MECHANISM_TYPE](repeating: 0, count: Int(count))
        rv = PKCS11ReturnValue(rawValue: types.withUnsafeMutableBufferPointer { f(CK_SLOT_ID(slot), $0.baseAddress, &count) })
        guard rv.isOK else { return .failure(.call("C_GetMechanismList", rv)) }
        return .success(types.prefix(Int(count)).map { UInt($0) })
    }

    // MARK: - Sessions

    /// `C_OpenSession(slot, CKF_SERIAL_SESSION [| CKF_RW_SESSION], NULL, NULL)`.
    func openSession(slot: UInt, readWrite: Bool) -> Result<UInt, PKCS11Error> {
        guard let f = list.pointee.C_OpenSession else { return .failure(.call("C_OpenSession", missing(""))) }
        let flags = CK_FLAGS(CKF_SERIAL_SESSION) | (readWrite ? CK_FLAGS(CKF_RW_SESSION) : 0)
        var session: CK_SESSION_HANDLE = 0
        let rv = PKCS11ReturnValue(rawValue: f(CK_SLOT_ID(slot), flags, nil, nil, &session))
        guard rv.isOK else { return .failure(.call("C_OpenSession", rv, readWrite ? "read-write" : "read-only")) }
        return .success(UInt(session))
    }

    /// `C_CloseSession(session)`.
    func closeSession(_ session: UInt) -> PKCS11ReturnValue {
        guard let f = list.pointee.C_CloseSession else { return missing("C_CloseSession") }
        return PKCS11ReturnValue(rawValue: f(CK_SESSION_HANDLE(session)))
    }

    /// `C_Login(session, CKU_USER, pin)`. The PIN is borrowed for the call.
    func login(_ session: UInt, pin: [UInt8]) -> PKCS11ReturnValue {
        guard let f = list.pointee.C_Login else { return missing("C_Login") }
        var copy = pin  // C_Login takes a non-const pointer; wipe our copy after.
        defer { ConstantTime.wipe(&copy) }
        let count = copy.count
        return PKCS11ReturnValue(rawValue: copy.withUnsafeMutableBufferPointer {
            f(CK_SESSION_HANDLE(session), CK_USER_TYPE(CKU_USER), $0.baseAddress, CK_ULONG(count))
        })
    }

    // MARK: - Objects

    /// `C_FindObjectsInit` / `C_FindObjects` / `C_FindObjectsFinal` over `template`.
    func findObjects(_ session: UInt, matching template: [Attribute]) -> Result<[UInt], PKCS11Error> {
        guard let initFn = list.pointee.C_FindObjectsInit, let next = list.pointee.C_FindObjects,
              let final = list.pointee.C_FindObjectsFinal else {
            return .failure(.call("C_FindObjectsInit", missing("")))
        }
        let s = CK_SESSION_HANDLE(session)
        var rv = Self.withTemplate(template) { PKCS11ReturnValue(rawValue: initFn(s, $0, $1)) }
        guard rv.isOK else { return .failure(.call("C_FindObjectsInit", rv)) }
        var found: [UInt] = []
        var batch = [CK_OBJECT_HANDLE](repeating: 0, count: 16)
        while true {
            var count: CK_ULONG = 0
            let capacity = CK_ULONG(batch.count)
            rv = PKCS11ReturnValue(rawValue: batch.withUnsafeMutableBufferPointer { next(s, $0.baseAddress, capacity, &count) })
            guard rv.isOK else {
                _ = final(s)
                return .failure(.call("C_FindObjects", rv))
            }
            if count == 0 { break }
            found += batch.prefix(Int(count)).map { UInt($0) }
        }
        rv = PKCS11ReturnValue(rawValue: final(s))
        guard rv.isOK else { return .failure(.call("C_FindObjectsFinal", rv)) }
        return .success(found)
    }

    /// `C_GetAttributeValue` for one attribute: the length first, then the value.
    /// - Returns: the value's bytes, or the `CK_RV` of the call that refused
    ///   (e.g. `CKR_ATTRIBUTE_SENSITIVE` for a sensitive key's `CKA_VALUE`).
    func attribute(_ session: UInt, object: UInt, type: UInt) -> Result<[UInt8], Refusal> {
        guard let f = list.pointee.C_GetAttributeValue else { return .failure(Refusal(returnValue: missing("C_GetAttributeValue"))) }
        var probe = CK_ATTRIBUTE(type: CK_ATTRIBUTE_TYPE(type), pValue: nil, ulValueLen: 0)
        var rv = PKCS11ReturnValue(rawValue: f(CK_SESSION_HANDLE(session), CK_OBJECT_HANDLE(object), &probe, 1))
        guard rv.isOK else { return .failure(Refusal(returnValue: rv)) }
        // CK_UNAVAILABLE_INFORMATION is (CK_ULONG)-1.
        guard probe.ulValueLen != CK_ULONG.max else {
            return .failure(Refusal(returnValue: PKCS11ReturnValue(rawValue: UInt(CKR_ATTRIBUTE_SENSITIVE))))
        }
        var value = [UInt8](repeating: 0, count: Int(probe.ulValueLen))
        var written = probe.ulValueLen
        rv = value.withUnsafeMutableBytes { buffer in
            var attribute = CK_ATTRIBUTE(type: CK_ATTRIBUTE_TYPE(type), pValue: buffer.baseAddress,
                                         ulValueLen: CK_ULONG(buffer.count))
            defer { written = attribute.ulValueLen }
            return PKCS11ReturnValue(rawValue: f(CK_SESSION_HANDLE(session), CK_OBJECT_HANDLE(object), &attribute, 1))
        }
        // A value shorter than announced: keep the bytes written.
        if rv.isOK, Int(written) < value.count { value.removeLast(value.count - Int(written)) }
        guard rv.isOK else {
            ConstantTime.wipe(&value)
            return .failure(Refusal(returnValue: rv))
        }
        return .success(value)
    }

    /// `C_SetAttributeValue` with `template`.
    func setAttributes(_ session: UInt, object: UInt, _ template: [Attribute]) -> PKCS11ReturnValue {
        guard let f = list.pointee.C_SetAttributeValue else { return missing("C_SetAttributeValue") }
        return Self.withTemplate(template) {
            PKCS11ReturnValue(rawValue: f(CK_SESSION_HANDLE(session), CK_OBJECT_HANDLE(object), $0, $1))
        }
    }

    /// `C_DestroyObject(session, object)`.
    func destroyObject(_ session: UInt, object: UInt) -> PKCS11ReturnValue {
        guard let f = list.pointee.C_DestroyObject else { return missing("C_DestroyObject") }
        return PKCS11ReturnValue(rawValue: f(CK_SESSION_HANDLE(session), CK_OBJECT_HANDLE(object)))
    }

    // MARK: - Keys

    /// `C_GenerateKeyPair(session, {mechanism, NULL, 0}, public, private)`.
    /// - Returns: the public and private key handles.
    func generateKeyPair(_ session: UInt, mechanism: UInt, publicTemplate: [Attribute],
                         privateTemplate: [Attribute]) -> Result<(publicKey: UInt, privateKey: UInt), PKCS11Error> {
        guard let f = list.pointee.C_GenerateKeyPair else { return .failure(.call("C_GenerateKeyPair", missing(""))) }
        var mech = CK_MECHANISM(mechanism: CK_MECHANISM_TYPE(mechanism), pParameter: nil, ulParameterLen: 0)
        var publicKey: CK_OBJECT_HANDLE = 0
        var privateKey: CK_OBJECT_HANDLE = 0
        let rv = Self.withTemplate(publicTemplate) { pub, pubCount in
            Self.withTemplate(privateTemplate) { priv, privCount in
                PKCS11ReturnValue(rawValue: f(CK_SESSION_HANDLE(session), &mech, pub, pubCount, priv, privCount,
                                              &publicKey, &privateKey))
            }
        }
        guard rv.isOK else { return .failure(.call("C_GenerateKeyPair", rv)) }
        return .success((UInt(publicKey), UInt(privateKey)))
    }

    /// `C_GenerateKey(session, {mechanism, NULL, 0}, template)`: a secret key.
    func generateKey(_ session: UInt, mechanism: UInt, template: [Attribute]) -> Result<UInt, PKCS11Error> {
        guard let f = list.pointee.C_GenerateKey else { return .failure(.call("C_GenerateKey", missing(""))) }
        var mech = CK_MECHANISM(mechanism: CK_MECHANISM_TYPE(mechanism), pParameter: nil, ulParameterLen: 0)
        var key: CK_OBJECT_HANDLE = 0
        let rv = Self.withTemplate(template) { PKCS11ReturnValue(rawValue: f(CK_SESSION_HANDLE(session), &mech, $0, $1, &key)) }
        guard rv.isOK else { return .failure(.call("C_GenerateKey", rv)) }
        return .success(UInt(key))
    }

    /// `C_WrapKey(session, {mechanism, NULL, 0}, wrappingKey, key, …)`, asking for the length first.
    /// - Returns: the wrapped bytes, or the `CK_RV` that refused.
    func wrapKey(_ session: UInt, mechanism: UInt, wrappingKey: UInt, key: UInt) -> Result<[UInt8], Refusal> {
        guard let f = list.pointee.C_WrapKey else { return .failure(Refusal(returnValue: missing("C_WrapKey"))) }
        var mech = CK_MECHANISM(mechanism: CK_MECHANISM_TYPE(mechanism), pParameter: nil, ulParameterLen: 0)
        var length: CK_ULONG = 0
        var rv = PKCS11ReturnValue(rawValue: f(CK_SESSION_HANDLE(session), &mech, CK_OBJECT_HANDLE(wrappingKey),
                                               CK_OBJECT_HANDLE(key), nil, &length))
        guard rv.isOK else { return .failure(Refusal(returnValue: rv)) }
        var out = [UInt8](repeating: 0, count: Int(length))
        rv = PKCS11ReturnValue(rawValue: out.withUnsafeMutableBufferPointer {
            f(CK_SESSION_HANDLE(session), &mech, CK_OBJECT_HANDLE(wrappingKey), CK_OBJECT_HANDLE(key), $0.baseAddress, &length)
        })
        guard rv.isOK else { return .failure(Refusal(returnValue: rv)) }
        return .success(Array(out.prefix(Int(length))))
    }

    // MARK: - Signing and digests

    /// `C_SignInit(session, {mechanism, NULL, 0}, key)` then a single-part
    /// `C_Sign` into a buffer of `maximumLength` bytes.
    func sign(_ session: UInt, mechanism: UInt, key: UInt, data: [UInt8], maximumLength: Int) -> Result<[UInt8], PKCS11Error> {
        guard let initFn = list.pointee.C_SignInit, let f = list.pointee.C_Sign else {
            return .failure(.call("C_SignInit", missing("")))
        }
        var mech = CK_MECHANISM(mechanism: CK_MECHANISM_TYPE(mechanism), pParameter: nil, ulParameterLen: 0)
        var rv = PKCS11ReturnValue(rawValue: initFn(CK_SESSION_HANDLE(session), &mech, CK_OBJECT_HANDLE(key)))
        guard rv.isOK else { return .failure(.call("C_SignInit", rv)) }
        var input = data  // C_Sign takes a non-const pointer.
        var signature = [UInt8](repeating: 0, count: maximumLength)
        var length = CK_ULONG(maximumLength)
        let inputCount = CK_ULONG(input.count)
        rv = PKCS11ReturnValue(rawValue: input.withUnsafeMutableBufferPointer { i in
            signature.withUnsafeMutableBufferPointer { s in
                f(CK_SESSION_HANDLE(session), i.baseAddress, inputCount, s.baseAddress, &length)
            }
        })
        guard rv.isOK else { return .failure(.call("C_Sign", rv)) }
        return .success(Array(signature.prefix(Int(length))))
    }

    /// `C_DigestInit(session, {mechanism, NULL, 0})` then a single-part `C_Digest`.
    func digest(_ session: UInt, mechanism: UInt, data: [UInt8], length: Int) -> Result<[UInt8], PKCS11Error> {
        guard let initFn = list.pointee.C_DigestInit, let f = list.pointee.C_Digest else {
            return .failure(.call("C_DigestInit", missing("")))
        }
        var mech = CK_MECHANISM(mechanism: CK_MECHANISM_TYPE(mechanism), pParameter: nil, ulParameterLen: 0)
        var rv = PKCS11ReturnValue(rawValue: initFn(CK_SESSION_HANDLE(session), &mech))
        guard rv.isOK else { return .failure(.call("C_DigestInit", rv)) }
        var input = data
        var out = [UInt8](repeating: 0, count: length)
        var outLength = CK_ULONG(length)
        let inputCount = CK_ULONG(input.count)
        rv = PKCS11ReturnValue(rawValue: input.withUnsafeMutableBufferPointer { i in
            out.withUnsafeMutableBufferPointer { o in
                f(CK_SESSION_HANDLE(session), i.baseAddress, inputCount, o.baseAddress, &outLength)
            }
        })
        guard rv.isOK else { return .failure(.call("C_Digest", rv)) }
        return .success(Array(out.prefix(Int(outLength))))
    }

    // MARK: - Helpers

    /// Lay `template` out as a `CK_ATTRIBUTE` array whose values point into
    /// one buffer, valid only during `body`; the buffer is zeroed afterwards.
    private static func withTemplate<R>(_ template: [Attribute],
                                        _ body: (UnsafeMutablePointer<CK_ATTRIBUTE>?, CK_ULONG) -> R) -> R {
        let total = template.reduce(0) { $0 + $1.value.count }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(total, 1), alignment: MemoryLayout<CK_ULONG>.alignment)
        defer {
            storage.initializeMemory(as: UInt8.self, repeating: 0)
            storage.deallocate()
        }
        var attributes: [CK_ATTRIBUTE] = []
        attributes.reserveCapacity(template.count)
        var offset = 0
        for attribute in template {
            let slice = UnsafeMutableRawBufferPointer(rebasing: storage[offset..<(offset + attribute.value.count)])
            slice.copyBytes(from: attribute.value)
            attributes.append(CK_ATTRIBUTE(type: CK_ATTRIBUTE_TYPE(attribute.type),
                                           pValue: attribute.value.isEmpty ? nil : slice.baseAddress,
                                           ulValueLen: CK_ULONG(attribute.value.count)))
            offset += attribute.value.count
        }
        let count = CK_ULONG(attributes.count)
        return attributes.withUnsafeMutableBufferPointer { body($0.baseAddress, count) }
    }

    /// A blank-padded fixed-size `CK_UTF8CHAR` field as a trimmed string.
    private static func text<T>(_ field: inout T) -> String {
        withUnsafeBytes(of: &field) { bytes in
            var decoded = String(decoding: bytes, as: UTF8.self)
            while decoded.last == " " || decoded.last == "\0" { decoded.removeLast() }
            return decoded
        }
    }
}

/// A Cryptoki call's non-OK return value, as the failure of a `Result`.
struct Refusal: Error, Sendable {
    var returnValue: PKCS11ReturnValue
}

/// One `CK_ATTRIBUTE`, with its value as bytes in the module's native layout.
struct Attribute: Sendable {
    var type: UInt
    var value: [UInt8]

    /// A `CK_BBOOL` attribute.
    static func bool(_ type: UInt, _ value: Bool) -> Attribute { Attribute(type: type, value: [value ? 1 : 0]) }

    /// A `CK_ULONG` attribute, in native byte order and width.
    static func ulong(_ type: UInt, _ value: UInt) -> Attribute {
        Attribute(type: type, value: withUnsafeBytes(of: CK_ULONG(value)) { Array($0) })
    }

    /// A byte-string attribute (label, id, DER parameters).
    static func bytes(_ type: UInt, _ value: [UInt8]) -> Attribute { Attribute(type: type, value: value) }
}

/// What `C_GetTokenInfo` says about a token.
struct TokenInfo: Sendable {
    var label: String
    var manufacturer: String
    var model: String
    var serialNumber: String
    var flags: UInt
}
