import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Turns an uploaded CSV into text. Excel on Chinese Windows saves GB18030 more often than UTF-8, so:
/// a declared `charset=` wins, then a UTF-8 BOM, then valid UTF-8, else GB18030 through glibc's iconv.
enum TextDecoding {
    static func decode(_ data: Data, contentType: String?) throws -> String {
        let declared = contentType.flatMap(charset(of:))
        if let declared, !["utf-8", "utf8"].contains(declared) {
            return try convert(data, from: declared)
        }
        var bytes = data
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if let text = String(data: bytes, encoding: .utf8) { return text }
        if declared != nil { throw DomainErrorShortcut.notUTF8 }
        return try convert(data, from: "gb18030")
    }

    private static func charset(of contentType: String) -> String? {
        for part in contentType.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "charset" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")).lowercased()
            }
        }
        return nil
    }

    private static func convert(_ data: Data, from encoding: String) throws -> String {
        let allowed = ["gb18030", "gbk", "gb2312"]
        guard allowed.contains(encoding) else { throw DomainErrorShortcut.unsupportedCharset(encoding) }
        guard let converter = iconv_open("UTF-8", "GB18030"), converter != iconv_t(bitPattern: -1) else {
            throw DomainErrorShortcut.unsupportedCharset(encoding)
        }
        defer { iconv_close(converter) }
        var input = [UInt8](data)
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        let produced: Int = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer = UnsafeMutableRawPointer(inBuffer.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) }
                var inLeft = inBuffer.count
                var outPointer = UnsafeMutableRawPointer(outBuffer.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) }
                var outLeft = outBuffer.count
                let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                return result == -1 || inLeft != 0 ? -1 : outBuffer.count - outLeft
            }
        }
        guard produced >= 0, let text = String(bytes: output[0..<produced], encoding: .utf8) else {
            throw DomainErrorShortcut.notGB18030
        }
        return text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
    }
}

import Domain

enum DomainErrorShortcut {
    static let notUTF8 = DomainError.invalid("body", "文件声明为 UTF-8，但内容不是合法的 UTF-8 编码")
    static let notGB18030 = DomainError.invalid("body", "无法识别文件编码：请另存为 UTF-8 或 GB18030（GBK）编码的 CSV")
    static func unsupportedCharset(_ name: String) -> DomainError {
        DomainError.invalid("Content-Type", "不支持的字符集 \(name)，请用 UTF-8 或 GB18030")
    }
}
