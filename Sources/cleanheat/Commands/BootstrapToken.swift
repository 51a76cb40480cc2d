import Domain
import Foundation
import Logging
import Storage

/// On first start with an empty data folder: an admin token in `<data>/bootstrap-token`, mode 0600, created exclusively.
enum BootstrapToken {
    static func ensure(campaign: Campaign, dataFolder: URL, logger: Logger) async throws {
        let file = dataFolder.appendingPathComponent("bootstrap-token")
        let issued = try await campaign.bootstrapAdminIfNeeded { secret in
            // No token was ever stored, so a file left by a crash before the commit holds a secret that never worked.
            if FileManager.default.fileExists(atPath: file.path) { try FileManager.default.removeItem(at: file) }
            try writeExclusively(secret + "\n", to: file)
            // The file's entry in the folder too: after a power cut the token would be stored and its only copy gone.
            try PosixFileSystem().syncDirectory(dataFolder.path)
        }
        if issued != nil { logger.notice("created the first admin token; it is in \(file.path) (mode 0600)") }
    }

    static func writeExclusively(_ text: String, to file: URL) throws {
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            throw CommandFailure("cannot create \(file.path) (\(reason)); if something else is there under that name (a link, a folder), move it away")
        }
        defer { close(descriptor) }
        let bytes = Array(text.utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count, fsync(descriptor) == 0 else {
            throw CommandFailure("cannot write \(file.path) (\(String(cString: strerror(errno))))")
        }
    }
}
