internal import CZlib

/// Thin internal wrappers over zlib (`deflateInit2_`, `deflate`,
/// `inflateInit2_`, `inflate`). The `z_stream` lives in memory allocated
/// here, because zlib keeps a pointer back to it between calls; pointers
/// never leave this file.
enum Zlib {
    /// The container around the DEFLATE data.
    enum Format: Sendable {
        /// Raw DEFLATE (RFC 1951), `windowBits -15`.
        case raw
        /// The ZLIB data format (RFC 1950), `windowBits 15`: what the IETF
        /// Token Status List uses.
        case zlib
        /// GZIP (RFC 1952), `windowBits 31`: what the W3C Bitstring Status List uses.
        case gzip

        var windowBits: Int32 {
            switch self {
            case .raw: return -15
            case .zlib: return 15
            case .gzip: return 31
            }
        }
    }

    /// A zlib failure: the call, zlib's return code and its message.
    struct Failure: Error {
        var call: String
        var code: Int32
        var reason: String
    }

    /// `input` compressed at `level` (0...9, 9 = best) in `format`.
    static func deflate(_ input: [UInt8], format: Format, level: Int32 = 9) throws(Failure) -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deinitialize(count: 1); stream.deallocate() }
        let initResult = deflateInit2_(stream, level, Z_DEFLATED, format.windowBits, 8, Z_DEFAULT_STRATEGY,
                                       zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initResult == Z_OK else { throw failure("deflateInit2_", initResult, stream) }
        defer { CZlib.deflateEnd(stream) }
        let bound = Int(deflateBound(stream, uLong(input.count)))
        var output = [UInt8](repeating: 0, count: bound)
        var input = input
        let result: Int32 = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.pointee.next_in = inBuffer.baseAddress
                stream.pointee.avail_in = uInt(inBuffer.count)
                stream.pointee.next_out = outBuffer.baseAddress
                stream.pointee.avail_out = uInt(outBuffer.count)
                return CZlib.deflate(stream, Z_FINISH)
            }
        }
        guard result == Z_STREAM_END else { throw failure("deflate", result, stream) }
        output.removeLast(Int(stream.pointee.avail_out))
        return output
    }

    /// `input` decompressed from `format`, refusing more than
    /// `maximumOutput` bytes (a decompression bomb), a truncated stream and
    /// bytes after the end of the stream.
    static func inflate(_ input: [UInt8], format: Format, maximumOutput: Int) throws(Failure) -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer { stream.deinitialize(count: 1); stream.deallocate() }
        let initResult = inflateInit2_(stream, format.windowBits, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initResult == Z_OK else { throw failure("inflateInit2_", initResult, stream) }
        defer { CZlib.inflateEnd(stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var input = input
        var finished = false
        var thrown: Failure?
        input.withUnsafeMutableBufferPointer { inBuffer in
            stream.pointee.next_in = inBuffer.baseAddress
            stream.pointee.avail_in = uInt(inBuffer.count)
            while !finished {
                let (result, produced): (Int32, Int) = chunk.withUnsafeMutableBufferPointer { outBuffer in
                    stream.pointee.next_out = outBuffer.baseAddress
                    stream.pointee.avail_out = uInt(outBuffer.count)
                    let r = CZlib.inflate(stream, Z_NO_FLUSH)
                    return (r, outBuffer.count - Int(stream.pointee.avail_out))
                }
                if output.count + produced > maximumOutput {
                    thrown = Failure(call: "inflate", code: Z_BUF_ERROR,
                                     reason: "the decompressed data exceeds the limit of \(maximumOutput) bytes")
                    return
                }
                output += chunk.prefix(produced)
                switch result {
                case Z_STREAM_END:
                    finished = true
                case Z_OK:
                    continue
                case Z_BUF_ERROR where stream.pointee.avail_in == 0:
                    thrown = Failure(call: "inflate", code: result, reason: "the compressed data is truncated")
                    return
                default:
                    thrown = failure("inflate", result, stream)
                    return
                }
            }
            if stream.pointee.avail_in != 0 {
                thrown = Failure(call: "inflate", code: Z_DATA_ERROR,
                                 reason: "\(stream.pointee.avail_in) bytes follow the end of the compressed stream")
            }
        }
        if let thrown { throw thrown }
        return output
    }

    private static func failure(_ call: String, _ code: Int32, _ stream: UnsafeMutablePointer<z_stream>) -> Failure {
        let message = stream.pointee.msg.map { String(cString: $0) } ?? String(cString: zError(code))
        return Failure(call: call, code: code, reason: message)
    }
}
