import XCTest
@testable import PavilionNet

final class HTTPRequestParserTests: XCTestCase {
    private func parse(_ text: String, limits: HTTPRequestLimits = HTTPRequestLimits()) -> HTTPRequestParser.Action {
        parse(Array(text.utf8), limits: limits)
    }

    private func parse(_ bytes: [UInt8], limits: HTTPRequestLimits = HTTPRequestLimits()) -> HTTPRequestParser.Action {
        var parser = HTTPRequestParser(limits: limits)
        parser.append(bytes)
        return parser.next()
    }

    private func assertFails(_ text: String, _ code: HTTPParserError.Code, status: Int = 400,
                             limits: HTTPRequestLimits = HTTPRequestLimits(), file: StaticString = #filePath, line: UInt = #line) {
        assertFails(Array(text.utf8), code, status: status, limits: limits, file: file, line: line)
    }

    private func assertFails(_ bytes: [UInt8], _ code: HTTPParserError.Code, status: Int = 400,
                             limits: HTTPRequestLimits = HTTPRequestLimits(), file: StaticString = #filePath, line: UInt = #line) {
        guard case .failed(let error) = parse(bytes, limits: limits) else {
            return XCTFail("expected \(code), got \(parse(bytes, limits: limits))", file: file, line: line)
        }
        XCTAssertEqual(error.code, code, error.detail, file: file, line: line)
        XCTAssertEqual(error.status, status, file: file, line: line)
    }

    func testSimpleGetParsesWithHeadersInOrder() {
        guard case .request(let head, let body) = parse("GET /a?b=1 HTTP/1.1\r\nHost: x\r\nX-One: 1\r\nx-one: 2\r\n\r\n") else {
            return XCTFail("no request")
        }
        XCTAssertEqual(head.method, "GET")
        XCTAssertEqual(head.target, "/a?b=1")
        XCTAssertEqual(head.headers.values(for: "X-ONE"), ["1", "2"])
        XCTAssertEqual(head.headers["host"], "x")
        XCTAssertTrue(head.keepAlive)
        XCTAssertEqual(body, [])
    }

    func testBodyArrivingByteByByteIsAssembled() {
        var parser = HTTPRequestParser()
        let text = Array("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello".utf8)
        for (i, byte) in text.enumerated() {
            parser.append([byte])
            let action = parser.next()
            if i < text.count - 1 {
                XCTAssertEqual(action, .needMoreData)
            } else {
                guard case .request(_, let body) = action else { return XCTFail("no request") }
                XCTAssertEqual(body, Array("hello".utf8))
            }
        }
    }

    func testChunkedBodyWithExtensionsAndTrailersIsDecoded() {
        guard case .request(_, let body) = parse("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1\r\n!\r\n0\r\nTrailer: t\r\n\r\n") else {
            return XCTFail("no request")
        }
        XCTAssertEqual(String(decoding: body, as: UTF8.self), "hello!")
    }

    func testPipelinedRequestsComeOutInOrder() {
        var parser = HTTPRequestParser()
        parser.append(Array("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3".utf8))
        guard case .request(let first, _) = parser.next(), case .request(let second, _) = parser.next() else {
            return XCTFail("expected two requests")
        }
        XCTAssertEqual([first.target, second.target], ["/1", "/2"])
        XCTAssertEqual(parser.next(), .needMoreData)
        XCTAssertEqual(parser.phase, .head)
    }

    func testTruncatedRequestWaitsForMore() {
        XCTAssertEqual(parse("GET / HTTP/1.1\r\nHost: x\r\n"), .needMoreData)
        XCTAssertEqual(parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"), .needMoreData)
    }

    func testConnectionCloseAndHTTP10KeepAliveRules() {
        guard case .request(let a, _) = parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
              case .request(let b, _) = parse("GET / HTTP/1.0\r\n\r\n"),
              case .request(let c, _) = parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") else {
            return XCTFail("no request")
        }
        XCTAssertFalse(a.keepAlive)
        XCTAssertFalse(b.keepAlive)
        XCTAssertTrue(c.keepAlive)
    }

    func testContentLengthWithTransferEncodingIsRefused() {
        assertFails("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                    .contentLengthWithTransferEncoding)
    }

    func testDuplicateContentLengthIsRefusedEvenWhenEqual() {
        assertFails("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", .duplicateContentLength)
        assertFails("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3, 3\r\n\r\nabc", .invalidContentLength)
        assertFails("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc", .invalidContentLength)
    }

    func testTransferEncodingOtherThanChunkedIsRefused() {
        assertFails("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", .unsupportedTransferEncoding, status: 501)
        assertFails("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
                    .unsupportedTransferEncoding, status: 501)
    }

    func testObsoleteLineFoldingIsRefused() {
        assertFails("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n  folded\r\n\r\n", .obsoleteLineFolding)
    }

    func testBareLineFeedIsRefused() {
        assertFails("GET / HTTP/1.1\nHost: x\r\n\r\n", .bareLineFeed)
        assertFails("GET / HTTP/1.1\r\nHost: x\n\r\n", .bareLineFeed)
    }

    func testInvalidHeaderNamesAreRefused() {
        assertFails("GET / HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n", .invalidHeaderName)
        assertFails("GET / HTTP/1.1\r\nHost: x\r\nContent-Length : 3\r\n\r\nabc", .invalidHeaderName)
        assertFails(Array("GET / HTTP/1.1\r\nHost: x\r\nNa".utf8) + [0xC3, 0xA9] + Array("me: v\r\n\r\n".utf8), .invalidHeaderName)
    }

    func testNulAndControlBytesInValuesAreRefused() {
        assertFails(Array("GET / HTTP/1.1\r\nHost: x\r\nX-A: a".utf8) + [0] + Array("b\r\n\r\n".utf8), .invalidHeaderValue)
        assertFails("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", .invalidHeaderValue)
    }

    func testInvalidChunkSizesAreRefused() {
        let prefix = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        assertFails(prefix + "zz\r\n", .invalidChunkSize)
        assertFails(prefix + "-1\r\n", .invalidChunkSize)
        assertFails(prefix + " 5\r\nhello\r\n", .invalidChunkSize)
        assertFails(prefix + "10000000000000000\r\n", .invalidChunkSize)
        assertFails(prefix + "5\r\nhelloXX0\r\n\r\n", .invalidChunkFraming)
    }

    func testMissingAndDuplicateHostAreRefused() {
        assertFails("GET / HTTP/1.1\r\n\r\n", .missingHost)
        assertFails("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", .duplicateHost)
    }

    func testMalformedRequestLinesAreRefused() {
        assertFails("GET  / HTTP/1.1\r\nHost: x\r\n\r\n", .invalidRequestLine)
        assertFails("GET / HTTP/2.0\r\nHost: x\r\n\r\n", .unsupportedVersion, status: 505)
        assertFails("G(T / HTTP/1.1\r\nHost: x\r\n\r\n", .invalidMethod)
        assertFails("GET nope HTTP/1.1\r\nHost: x\r\n\r\n", .invalidTarget)
    }

    func testOversizedPartsMapTo414And431And413() {
        let limits = HTTPRequestLimits(maxRequestLineBytes: 64, maxHeaderBytes: 256, maxHeaderCount: 5, maxBodyBytes: 10)
        assertFails("GET /" + String(repeating: "a", count: 100), .uriTooLong, status: 414, limits: limits)
        assertFails("GET / HTTP/1.1\r\nHost: x\r\nX: " + String(repeating: "a", count: 300), .headerSectionTooLarge, status: 431, limits: limits)
        assertFails("GET / HTTP/1.1\r\nHost: x\r\n" + String(repeating: "A: b\r\n", count: 6) + "\r\n", .tooManyHeaders, status: 431, limits: limits)
        assertFails("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n", .bodyTooLarge, status: 413, limits: limits)
        assertFails("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n8\r\n", .bodyTooLarge, status: 413, limits: limits)
    }

    func testParserStaysFailedAfterAnError() {
        var parser = HTTPRequestParser()
        parser.append(Array("GET / HTTP/1.1\nHost: x\r\n\r\n".utf8))
        guard case .failed = parser.next() else { return XCTFail("expected failure") }
        parser.append(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        guard case .failed = parser.next() else { return XCTFail("parser recovered after an error") }
        XCTAssertEqual(parser.phase, .failed)
    }

    func testResponseParserHandlesLengthChunkedAndCloseDelimited() {
        var a = HTTPResponseParser(isHeadRequest: false, maxHeaderBytes: 1024, maxBodyBytes: 100)
        a.append(Array("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8))
        guard case .response(let head, let body) = a.next() else { return XCTFail("no response") }
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(body, Array("ok".utf8))

        var b = HTTPResponseParser(isHeadRequest: false, maxHeaderBytes: 1024, maxBodyBytes: 100)
        b.append(Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n".utf8))
        guard case .response(_, let chunked) = b.next() else { return XCTFail("no response") }
        XCTAssertEqual(chunked, Array("ok".utf8))

        var c = HTTPResponseParser(isHeadRequest: false, maxHeaderBytes: 1024, maxBodyBytes: 100)
        c.append(Array("HTTP/1.0 200 OK\r\n\r\nuntil close".utf8))
        guard case .needMoreData = c.next(), case .response(let closeHead, let rest) = c.finishOnEOF() else {
            return XCTFail("no close-delimited response")
        }
        XCTAssertFalse(closeHead.keepAlive)
        XCTAssertEqual(rest, Array("until close".utf8))

        var d = HTTPResponseParser(isHeadRequest: false, maxHeaderBytes: 1024, maxBodyBytes: 4)
        d.append(Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n".utf8))
        guard case .failed(let error) = d.next() else { return XCTFail("expected too large") }
        XCTAssertEqual(error.code, .bodyTooLarge)
    }
}
